package com.example.vega.health.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.ComponentType;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthSnapshot;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class HealthJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");
  private static final ServiceInfo SVC = new ServiceInfo("vega-worker", "1.4.2", "abc123", "scan worker", "dev");

  static CheckState state(String name, Status status, boolean critical, CheckResult r) {
    CheckPolicy p = CheckPolicy.builder().critical(critical).build();
    CheckRegistration reg = new CheckRegistration(name, ComponentType.DATASTORE, "responseTime", p, ctx -> r);
    return new CheckState(reg, status, T, r == null ? null : r.timed(Duration.ofMillis(7), T.plusSeconds(5)), 3, 0, 1);
  }

  static HealthSnapshot snapshot(CheckState... states) {
    return new HealthSnapshot(SVC, List.of(states), T.plusSeconds(5), 1);
  }

  @Test
  void rendersTopLevelAndPerCheckFieldsOfTheDraft() {
    CheckResult up = CheckResult.up("fine").with("responseTime", 3, "ms").with("activeConnections", 2, "connections");
    CheckResult down = CheckResult.down(ErrorKind.CONNECTION_REFUSED, "connection refused on db:5432",
        "check VEGA_DATABASE_URL and the database security group").with("responseTime", 1, "ms");
    JsonNode root = JSON.readTree(HealthJson.full(snapshot(
        state("postgres", Status.UP, true, up), state("sqs", Status.DOWN, true, down))));

    assertThat(root.get("status").asString()).isEqualTo("fail");
    assertThat(root.get("version").asString()).isEqualTo("1.4.2");
    assertThat(root.get("releaseId").asString()).isEqualTo("abc123");
    assertThat(root.get("serviceId").asString()).isEqualTo("vega-worker");
    assertThat(root.get("description").asString()).isEqualTo("scan worker");
    assertThat(root.get("output").asString()).isEqualTo("sqs DOWN");

    JsonNode pg = root.get("checks").get("postgres:responseTime").get(0);
    assertThat(pg.get("componentId").asString()).isEqualTo("postgres");
    assertThat(pg.get("componentType").asString()).isEqualTo("datastore");
    assertThat(pg.get("status").asString()).isEqualTo("pass");
    assertThat(pg.get("observedValue").asInt()).isEqualTo(3);
    assertThat(pg.get("observedUnit").asString()).isEqualTo("ms");
    assertThat(pg.get("time").asString()).isEqualTo("2026-11-28T12:00:05Z");
    assertThat(pg.get("durationMs").asLong()).isEqualTo(7);
    assertThat(pg.get("since").asString()).isEqualTo("2026-11-28T12:00:00Z");
    assertThat(pg.has("output")).as("pass omits output").isFalse();
    assertThat(root.get("checks").get("postgres:activeConnections").get(0).get("observedValue").asInt()).isEqualTo(2);

    JsonNode sqs = root.get("checks").get("sqs:responseTime").get(0);
    assertThat(sqs.get("status").asString()).isEqualTo("fail");
    assertThat(sqs.get("output").asString()).isEqualTo("connection refused on db:5432");
    assertThat(sqs.get("hint").asString()).isEqualTo("check VEGA_DATABASE_URL and the database security group");
  }

  @Test
  void nonCriticalDownAndUnknownWarnInsteadOfFail() {
    CheckResult down = CheckResult.down(ErrorKind.OTHER, "x", "y");
    assertThat(snapshot(state("s3", Status.DOWN, false, down)).status()).isEqualTo(Status.DEGRADED);
    assertThat(snapshot(state("s3", Status.UNKNOWN, true, null)).status()).isEqualTo(Status.DEGRADED);
    assertThat(HealthJson.httpStatus(Status.DEGRADED)).isEqualTo(200);
    assertThat(HealthJson.httpStatus(Status.DOWN)).isEqualTo(503);
    assertThat(HealthJson.statusOnly(Status.UNKNOWN)).isEqualTo("{\"status\":\"warn\"}");
  }

  @Test
  void checkNotYetRunSaysSo() {
    JsonNode root = JSON.readTree(HealthJson.full(snapshot(state("postgres", Status.UNKNOWN, true, null))));
    JsonNode pg = root.get("checks").get("postgres:responseTime").get(0);
    assertThat(pg.get("status").asString()).isEqualTo("warn");
    assertThat(pg.get("output").asString()).isEqualTo("not checked yet");
  }

  static Stream<String> hostile() {
    return Stream.of(
        "quote \" backslash \\ slash /",
        "new\nline\r\ttab",
        "control \u0000\u0001\u001f\u007f chars",
        "line sep \u2028 para sep \u2029",
        "lone surrogate \ud800 and \udc00",
        "emoji \ud83d\ude00 ok",
        "</script><script>alert(1)</script>",
        "x".repeat(5_000_000));
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void hostileTextStillYieldsValidBoundedJson(String evil) {
    CheckResult r = CheckResult.down(ErrorKind.OTHER, evil, evil).with("weird", evil, evil);
    String json = HealthJson.full(snapshot(state("postgres", Status.DOWN, true, r)));
    JsonNode root = JSON.readTree(json);
    assertThat(root.get("status").asString()).isEqualTo("fail");
    assertThat(json.length()).isLessThan(8_000);
    String output = root.get("checks").get("postgres:responseTime").get(0).get("output").asString();
    assertThat(output).startsWith(evil.substring(0, Math.min(evil.length(), 5)));
  }

  @Test
  void nonFiniteNumbersAreRenderedAsStrings() {
    CheckResult r = CheckResult.up("ok").with("responseTime", Double.NaN, "ms");
    JsonNode pg = JSON.readTree(HealthJson.full(snapshot(state("postgres", Status.UP, true, r))))
        .get("checks").get("postgres:responseTime").get(0);
    assertThat(pg.get("observedValue").asString()).isEqualTo("NaN");
  }
}

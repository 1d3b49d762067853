package com.example.vega.health.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.Status;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DoctorTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(Map<String, String> env, String... args) {
    return Doctor.main(args, InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env::get, false);
  }

  @Test
  void badArgumentsGiveOneLineAndExitTwo() {
    assertThat(run(Map.of(), "--colour")).isEqualTo(2);
    assertThat(run(Map.of(), "--timeout", "soon", "--role", "api")).isEqualTo(2);
    assertThat(run(Map.of(), "scan")).isEqualTo(2);
    assertThat(run(Map.of(), "scan", "x; DROP TABLE scans")).isEqualTo(2);
    assertThat(run(Map.of())).isEqualTo(2);
    String e = err.toString(StandardCharsets.UTF_8);
    assertThat(e.lines()).hasSize(5).allMatch(l -> l.startsWith("vega doctor: "));
    assertThat(e).contains("unknown option '--colour'", "--timeout 'soon' is not a duration",
        "scan needs exactly one scan id", "is not a scan id", "which service? pass --role");
    assertThat(out.size()).isZero();
  }

  @Test
  void scanNeedsTheDatabaseAndSaysSo() {
    assertThat(run(Map.of(), "scan", "scan-1")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("VEGA_DATABASE_URL is not set");
  }

  @Test
  void reportExitCodeAndFirstFailingHop() {
    Report r = new Report("t", List.of(
        Hop.of("a", Status.UP, 1, "fine", ""),
        Hop.of("b", Status.DEGRADED, 2, "slow", "look at b"),
        Hop.of("c", Status.DOWN, 3, "broken", "fix c")), List.of());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.firstFailing().name()).isEqualTo("c");
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    r.printText(new PrintStream(text, true, StandardCharsets.UTF_8), false);
    assertThat(text.toString(StandardCharsets.UTF_8)).contains("First failing hop: c (DOWN)", "Next: fix c")
        .doesNotContain("\u001b[");
    Report warn = new Report("t", List.of(Hop.of("b", Status.UNKNOWN, 2, "?", "look at b")), List.of());
    assertThat(warn.exitCode()).isZero();
    assertThat(warn.firstFailing().name()).isEqualTo("b");
  }

  @Test
  void healthJsonDetailBecomesOneHopPerComponent() {
    Map<String, Object> checks = Map.of(
        "postgres:responseTime", List.of(Map.of("componentId", "postgres", "status", "fail", "output", "refused",
            "hint", "check VEGA_DATABASE_URL", "durationMs", 5.0)),
        "postgres:activeConnections", List.of(Map.of("componentId", "postgres", "status", "fail", "observedValue", 1.0)));
    List<Hop> hops = UrlRun.detailHops("vega-api", new java.util.TreeMap<>(checks));
    assertThat(hops).singleElement().satisfies(h -> {
      assertThat(h.name()).isEqualTo("vega-api → postgres");
      assertThat(h.status()).isEqualTo(Status.DOWN);
      assertThat(h.hint()).isEqualTo("check VEGA_DATABASE_URL");
      assertThat(h.detail()).isEqualTo("refused");
    });
  }

  static software.amazon.awssdk.awscore.exception.AwsServiceException aws(int status, String code, String message) {
    var details = software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder().errorCode(code)
        .errorMessage(message).serviceName("CloudWatch").build();
    return software.amazon.awssdk.awscore.exception.AwsServiceException.builder().statusCode(status)
        .awsErrorDetails(code == null ? null : details)
        .message("Service returned HTTP status code " + status + " (Service: CloudWatch, Request ID: 1)").build();
  }

  @Test
  void awsFailuresReadByCodeStatusAndTypeNeverTheSdksText() {
    assertThat(Failure.aws(aws(400, "AccessDeniedException", "User: x is not authorized"), "CloudWatch",
        "cloudwatch:GetMetricStatistics")).satisfies(f -> {
          assertThat(f.status()).isEqualTo(Status.DOWN);
          assertThat(f.what()).isEqualTo("cloudwatch:GetMetricStatistics was denied");
        });
    assertThat(Failure.aws(aws(400, "Throttling", "Rate exceeded"), "CloudWatch", "a").status())
        .isEqualTo(Status.DEGRADED);
    assertThat(Failure.aws(aws(503, "ServiceUnavailable", "down"), "CloudWatch", "a").status())
        .isEqualTo(Status.DEGRADED);
    assertThat(Failure.aws(aws(403, "ExpiredTokenException", "expired"), "CloudWatch", "a").next())
        .startsWith("log in for this environment");
    Failure bare = Failure.aws(aws(404, null, null), "CloudWatch", "cloudwatch:GetMetricStatistics");
    assertThat(bare.what()).isEqualTo("CloudWatch answered HTTP 404 to cloudwatch:GetMetricStatistics");
    assertThat(bare.what() + bare.next()).doesNotContain("Service returned", "Request ID");
    Failure other = Failure.aws(aws(400, "ValidationError", "bad period\nsecond line"), "CloudWatch", "a");
    assertThat(other.what()).isEqualTo("a failed (ValidationError: bad period second line)");
  }

  @Test
  void runbookStepsFillTheirNamesAndShowWhatIsMissing() {
    assertThat(Runbook.SERVICE_MISSING.text("service", "vega-api"))
        .isEqualTo("check VEGA_ECS_CLUSTER and that vega-api is deployed (Terraform)");
    assertThat(Runbook.SERVICE_MISSING.text()).isEqualTo("check VEGA_ECS_CLUSTER and that <service> is deployed (Terraform)");
  }

  @Test
  void jwtClaimsAreReadWithoutTheSignature() throws Exception {
    String token = DoctorLoginIT.jwt("https://cognito-idp.us-west-1.amazonaws.com/p", "c", "access",
        java.time.Instant.ofEpochSecond(1_800_000_000L));
    LoginRun.Claims c = LoginRun.claims(token);
    assertThat(c.issuer()).isEqualTo("https://cognito-idp.us-west-1.amazonaws.com/p");
    assertThat(c.clientId()).isEqualTo("c");
    assertThat(c.tokenUse()).isEqualTo("access");
    assertThat(c.expires()).isEqualTo(java.time.Instant.ofEpochSecond(1_800_000_000L));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoginRun.claims("a.%%%.c"))
        .isInstanceOf(JsonBody.Malformed.class).hasMessage("the payload is not base64url");
  }
}

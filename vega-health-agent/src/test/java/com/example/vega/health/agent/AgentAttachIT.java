package com.example.vega.health.agent;

import com.example.vega.health.internal.DatabaseUrl;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.testing.PostgresServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded agent attached to a real JVM ({@code HostMain}) with a real Postgres and, for the
 * runner, the moto AWS emulator: health served on its own port, the runner's trace continued from
 * TRACEPARENT, and the host unharmed whatever is wrong with the agent's settings.
 */
class AgentAttachIT {
  static PostgresServer pg;

  @BeforeAll
  static void startPostgres() {
    pg = PostgresServer.start();
    pg.vegaSchema(PostgresServer.MIGRATIONS.size());
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  static String libpqUrl() {
    return "postgresql://" + PostgresServer.USER + ":" + PostgresServer.PASSWORD + "@127.0.0.1:" + pg.port() + "/"
        + PostgresServer.DATABASE;
  }

  @Test
  void maintenanceHostGetsHealthOnItsOwnPortAndExitsNormally() throws Exception {
    int port = MotoServer.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("VEGA_HEALTH_ROLE", "maintenance");
    env.put("VEGA_ENVIRONMENT", "test");
    env.put("VEGA_DATABASE_URL", libpqUrl());
    env.put("VEGA_EXPECTED_MIGRATION", "004_findings_columns.sql");
    env.put("VEGA_HEALTH_PORT", String.valueOf(port));
    try (HostProcess host = HostProcess.attach(env)) {
      assertThat(host.awaitOutput("host: main started", Duration.ofSeconds(20))).isTrue();
      String base = "http://127.0.0.1:" + port + "/v1/healthz";
      HostProcess.await(base + "/live", Duration.ofSeconds(20));
      HttpResponse<String> health = awaitStatus(base, "{\"status\":\"pass\"", Duration.ofSeconds(30));
      assertThat(health.statusCode()).as(health.body() + host.stderr()).isEqualTo(200);
      assertThat(health.headers().firstValue("Content-Type")).hasValue("application/health+json");
      assertThat(health.body()).contains("\"postgres:responseTime\"", "\"config:problems\"", "jvm-deadlock")
          .contains("\"serviceId\":\"vega-maintenance\"");
      assertThat(HostProcess.get(base + "/live").statusCode()).isEqualTo(200);
      assertThat(HostProcess.get(base + "/ready").statusCode()).isEqualTo(200);
      assertThat(probe(base + "/live")).isZero();
      assertThat(probe("http://127.0.0.1:" + MotoServer.freePort() + "/v1/healthz/live")).isEqualTo(1);

      assertThat(host.finish()).isZero();
      assertThat(host.stdout()).contains("host: main done");
      assertThat(health.body() + host.stdout() + host.stderr()).doesNotContain(PostgresServer.PASSWORD);
    }
  }

  @Test
  void runnerContinuesTheTraceFromTheEnvironmentAndChecksItsBuckets() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    Map<String, String> aws = Map.of("AWS_ENDPOINT_URL", moto.endpoint().toString(), "AWS_REGION", MotoServer.REGION,
        "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test");
    try (AwsSdk sdk = new AwsSdk(aws::get)) {
      sdk.s3().createBucket(b -> b.bucket("vega-test-source").createBucketConfiguration(
          c -> c.locationConstraint(MotoServer.REGION)));
      sdk.s3().createBucket(b -> b.bucket("vega-test-artifacts").createBucketConfiguration(
          c -> c.locationConstraint(MotoServer.REGION)));
    }
    int port = MotoServer.freePort();
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    Map<String, String> env = new HashMap<>(aws);
    env.put("VEGA_ROLE", "runner");
    env.put("VEGA_ENVIRONMENT", "test");
    env.put("VEGA_DATABASE_URL", libpqUrl());
    env.put("VEGA_LLM_PROXY_BASE_URL", "http://127.0.0.1:9");
    env.put("VEGA_FILE_STORAGE_BACKEND", "s3");
    env.put("VEGA_S3_SOURCE_BUCKET", "vega-test-source");
    env.put("VEGA_S3_ARTIFACTS_BUCKET", "vega-test-artifacts");
    env.put("VEGA_HEALTH_PORT", String.valueOf(port));
    env.put("TRACEPARENT", "00-" + traceId + "-00f067aa0ba902b7-01");
    env.put("BAGGAGE", "vega.scan.id=scan-42");
    // Tracing configured: the agent builds the SDK before main (nothing exported in this test).
    env.put("OTEL_TRACES_EXPORTER", "none");
    env.put("OTEL_METRICS_EXPORTER", "none");
    env.put("OTEL_LOGS_EXPORTER", "none");
    env.put("HOST_AWAIT_RECORDING", "1");
    try (HostProcess host = HostProcess.attach(env)) {
      assertThat(host.awaitOutput("host: trace", Duration.ofSeconds(20))).isTrue();
      assertThat(host.awaitOutput("host: span", Duration.ofSeconds(20))).isTrue();
      assertThat(host.stdout()).contains("host: trace " + traceId)
          .contains("host: otel io.opentelemetry.api.GlobalOpenTelemetry$ObfuscatedOpenTelemetry")
          .contains("host: span " + traceId + " recording=true");
      String base = "http://127.0.0.1:" + port + "/v1/healthz";
      HttpResponse<String> health = awaitStatus(base, "\"s3:", Duration.ofSeconds(30));
      assertThat(health.body()).contains("\"serviceId\":\"vega-v16-runner\"", "\"postgres:responseTime\"");
      assertThat(awaitStatus(base, "\"componentId\":\"s3\",\"componentType\":\"datastore\",\"status\":\"pass\"",
          Duration.ofSeconds(30)).body()).isNotEmpty();
      assertThat(host.finish()).isZero();
      assertThat(host.stdout()).contains("host: main done");
    }
  }

  @Test
  void withoutTracingSettingsTheHostKeepsTheNoopApi() throws Exception {
    // The host waits its 5 s for the span to record: long after the agent would have built an SDK.
    Map<String, String> env = Map.of("VEGA_HEALTH_PORT", "0", "HOST_AWAIT_RECORDING", "1");
    try (HostProcess host = HostProcess.attach(env)) {
      assertThat(host.awaitOutput("host: span", Duration.ofSeconds(20))).isTrue();
      assertThat(host.finish()).isZero();
      assertThat(host.stdout()).contains("host: trace 00000000000000000000000000000000", "recording=false")
          .doesNotContain("LateOpenTelemetry")
          .doesNotContain("shaded");
    }
  }

  @Test
  void awaitReadyExitStopsTheJvmBeforeMainOnAFailureProvenByItsKind() throws Exception {
    String wrong = "postgresql://" + PostgresServer.USER + ":not-the-Pa55word@127.0.0.1:" + pg.port() + "/"
        + PostgresServer.DATABASE;
    Map<String, String> env = Map.of("VEGA_DATABASE_URL", wrong, "VEGA_HEALTH_PORT", "0",
        "VEGA_HEALTH_AWAIT_READY", "exit");
    try (HostProcess host = HostProcess.attach(env)) {
      assertThat(host.waitExit(Duration.ofSeconds(60))).as(host.stderr()).isEqualTo(VegaAgent.NOT_READY);
      assertThat(host.stdout()).doesNotContain("host: main started");
      assertThat(host.stderr()).contains("not ready after", "exit 3 before main: check postgres DOWN",
          "(next: ").doesNotContain("not-the-Pa55word");
    }
  }

  @Test
  void awaitReadyWaitStartsMainOnceTheChecksAnswered() throws Exception {
    Map<String, String> env = Map.of("VEGA_DATABASE_URL", libpqUrl(), "VEGA_HEALTH_PORT", "0",
        "VEGA_HEALTH_AWAIT_READY", "wait");
    try (HostProcess host = HostProcess.attach(env)) {
      assertThat(host.awaitOutput("host: main started", Duration.ofSeconds(30))).as(host.stderr()).isTrue();
      assertThat(host.stderr()).contains("vega-health-agent: ready after");
      assertThat(host.finish()).isZero();
    }
  }

  @Test
  void aMalformedAwaitReadyIsNamedAndMainStartsAtOnce() throws Exception {
    Map<String, String> env = Map.of("VEGA_HEALTH_PORT", "0", "VEGA_HEALTH_AWAIT_READY", "forever");
    try (HostProcess host = HostProcess.attach(env)) {
      assertThat(host.awaitOutput("host: main started", Duration.ofSeconds(30))).isTrue();
      assertThat(host.finish()).isZero();
      assertThat(host.stderr()).contains("VEGA_HEALTH_AWAIT_READY is malformed: expected off (main starts at once)");
    }
  }

  @Test
  void portInUseIsLoggedOnceAndTheHostRunsOn() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Map<String, String> env = Map.of("VEGA_HEALTH_ROLE", "maintenance", "VEGA_ENVIRONMENT", "test",
          "VEGA_DATABASE_URL", pg.jdbcUrl(), "VEGA_HEALTH_PORT", String.valueOf(taken.getLocalPort()));
      try (HostProcess host = HostProcess.attach(env)) {
        assertThat(host.awaitOutput("is not served", Duration.ofSeconds(20))).as(host.stderr()).isTrue();
        assertThat(host.finish()).isZero();
        assertThat(host.stdout()).contains("host: main started", "host: main done");
        assertThat(HostProcess.count(host.stderr(), "cannot listen on")).isEqualTo(1);
        assertThat(host.stderr()).contains("set VEGA_HEALTH_PORT to a free port").doesNotContain("\tat ");
      }
    }
  }

  @Test
  void malformedDatabaseUrlIsLoggedOnceAndHealthStillServed() throws Exception {
    int port = MotoServer.freePort();
    Map<String, String> env = Map.of("VEGA_HEALTH_ROLE", "maintenance", "VEGA_ENVIRONMENT", "test",
        "VEGA_DATABASE_URL", "mysql://root:hunter2-secret@db:3306/vega", "VEGA_HEALTH_PORT", String.valueOf(port));
    try (HostProcess host = HostProcess.attach(env)) {
      assertThat(host.awaitOutput("is not a Postgres URL", Duration.ofSeconds(20))).as(host.stderr()).isTrue();
      // The config check's first run comes within the start spread (5 s by default), not at once.
      HttpResponse<String> health = awaitStatus("http://127.0.0.1:" + port + "/v1/healthz", "VEGA_DATABASE_URL",
          Duration.ofSeconds(20));
      assertThat(host.finish()).isZero();
      assertThat(host.stdout()).contains("host: main done");
      assertThat(HostProcess.count(host.stderr(), "is not a Postgres URL")).isEqualTo(1);
      assertThat(host.stderr() + health.body()).doesNotContain("hunter2-secret").doesNotContain("\tat ");
    }
  }

  @Test
  void unknownRoleIsLoggedOnceAndTheHostRunsOn() throws Exception {
    int port = MotoServer.freePort();
    Map<String, String> env = Map.of("VEGA_HEALTH_ROLE", "janitor", "VEGA_HEALTH_PORT", String.valueOf(port));
    try (HostProcess host = HostProcess.attach(env)) {
      assertThat(host.awaitOutput("is not a role", Duration.ofSeconds(20))).as(host.stderr()).isTrue();
      assertThat(HostProcess.await("http://127.0.0.1:" + port + "/v1/healthz/live", Duration.ofSeconds(20))
          .statusCode()).isEqualTo(200);
      assertThat(host.finish()).isZero();
      assertThat(host.stdout()).contains("host: main started", "host: main done");
      assertThat(HostProcess.count(host.stderr(), "is not a role")).isEqualTo(1);
      assertThat(host.stderr()).contains("api, worker, runner, llm-proxy, maintenance");
    }
  }

  @Test
  void badPortSettingIsLoggedOnceAndTheHostRunsOn() throws Exception {
    Map<String, String> env = Map.of("VEGA_HEALTH_PORT", "eighty", "VEGA_HEALTH_BIND", "everywhere");
    try (HostProcess host = HostProcess.attach(env)) {
      assertThat(host.awaitOutput("is not served", Duration.ofSeconds(20))).as(host.stderr()).isTrue();
      assertThat(host.finish()).isZero();
      assertThat(host.stdout()).contains("host: main done");
      assertThat(HostProcess.count(host.stderr(), "VEGA_HEALTH_PORT='eighty' is not a port")).isEqualTo(1);
      assertThat(host.stderr()).contains("VEGA_HEALTH_BIND='everywhere' is not an IP address");
    }
  }

  @Test
  void probeServerLimitsComeFromTheEnvironmentAndABadOneIsLoggedOnce() throws Exception {
    int port = MotoServer.freePort();
    Map<String, String> env = Map.of("VEGA_HEALTH_PORT", String.valueOf(port),
        "VEGA_HEALTH_SERVER_REQUEST_TIMEOUT", "300ms", "VEGA_HEALTH_SERVER_MAX_CONNECTIONS", "lots");
    try (HostProcess host = HostProcess.attach(env)) {
      assertThat(HostProcess.await("http://127.0.0.1:" + port + "/v1/healthz/live", Duration.ofSeconds(20))
          .statusCode()).isEqualTo(200);
      try (java.net.Socket silent = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
        silent.setSoTimeout(5_000);
        long t0 = System.nanoTime();
        assertThat(silent.getInputStream().read()).as("closed by the agent's probe server").isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1_500)); // not the 2 s default
      }
      assertThat(host.finish()).isZero();
      assertThat(HostProcess.count(host.stderr(), "VEGA_HEALTH_SERVER_MAX_CONNECTIONS='lots' is not valid")).isEqualTo(1);
    }
  }

  @Test
  void theShadedJarCarriesNettyOnlyUnderTheAgentsPrefix() throws Exception {
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(HostProcess.agentJar().toFile())) {
      java.util.List<String> classes = jar.stream().map(java.util.jar.JarEntry::getName)
          .filter(n -> n.endsWith(".class")).toList();
      assertThat(classes).noneMatch(n -> n.startsWith("io/netty/"));
      assertThat(classes).anyMatch(n -> n.startsWith("com/example/vega/health/agent/shaded/io/netty/handler/codec/http/"));
    }
  }

  /** The ECS container health check, exactly as the task definition runs it. */
  static int probe(String url) throws Exception {
    try (HostProcess p = HostProcess.start(java.util.List.of(HostProcess.java(), "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-Xmx32m", "-cp", HostProcess.agentJar().toString(),
        "com.example.vega.health.agent.Probe", url), Map.of())) {
      return p.waitExit(Duration.ofSeconds(20));
    }
  }

  /** Polls until the body contains {@code text}. */
  static HttpResponse<String> awaitStatus(String url, String text, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = HostProcess.get(url);
        if (last.body().contains(text)) {
          return last;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no answer containing " + text + " from " + url + "; last: "
        + (last == null ? "none" : last.statusCode() + " " + last.body()));
  }
}

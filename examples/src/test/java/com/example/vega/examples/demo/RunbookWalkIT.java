package com.example.vega.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.examples.common.Aws;
import com.example.vega.examples.common.ScanToken;
import com.example.vega.examples.maintenance.MaintenanceMain;
import com.example.vega.examples.testing.DoctorProcess;
import com.example.vega.health.testing.MotoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The local demo on moto (SQS, S3, Secrets Manager), broken one way per runbook section that can
 * be reproduced on one machine, each time asserting that {@code doctor} (run as a person runs it)
 * or the service's own {@code /v1/healthz} names the right first failing hop or check and the
 * runbook's next step; each fault is repaired in a {@code finally}, whatever that test's assertions
 * found, so one failure never fails the tests after it; the database goes last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunbookWalkIT {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final Pattern ID = Pattern.compile("\"id\":\"([a-z0-9-]+)\"");
  DemoStack demo;
  Aws aws;
  Path logs;

  @BeforeAll
  void start() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    Map<String, String> awsEnv = Map.of("AWS_REGION", MotoServer.REGION, "AWS_ACCESS_KEY_ID", "test",
        "AWS_SECRET_ACCESS_KEY", "test", "AWS_ENDPOINT_URL", moto.endpoint().toString());
    logs = Files.createTempDirectory("runbook-walk-");
    demo = DemoStack.start(new DemoStack.Options(awsEnv, Map.of(), null, Map.of()), logs, step -> { });
    aws = new Aws(demo.settings());
  }

  @AfterAll
  void stop() {
    if (demo != null) {
      demo.close();
    }
  }

  /** {@code doctor --role <role>} with the demo's settings (plus {@code more}), as an operator runs it. */
  DoctorProcess.Report doctor(String role, Map<String, String> more) throws Exception {
    Map<String, String> env = new HashMap<>();
    demo.settings().forEach((k, v) -> {
      if (!k.startsWith("OTEL_")) {
        env.put(k, v);
      }
    });
    env.putAll(more);
    DoctorProcess.Report r = DoctorProcess.run(env, "", "--role", role);
    assertThat(r.out()).doesNotContain("SLF4J", "(Service: ", "Exception");
    return r;
  }

  /** The service's /v1/healthz entry of {@code check} once {@code until} holds for it (at most 10 s). */
  JsonNode healthz(String service, String check, Predicate<JsonNode> until) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + demo.services().get(service).healthPort() + "/v1/healthz");
    JsonNode entry = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode checks = new ObjectMapper().readTree(HTTP.send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofString()).body()).path("checks");
      for (var e : checks.properties()) {
        if (e.getKey().startsWith(check + ":")) {
          entry = e.getValue().path(0); // the check's own measurement comes first, with output and hint
          break;
        }
      }
      if (entry != null && until.test(entry)) {
        return entry;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(service + " /v1/healthz never had " + check + " as expected; last: " + entry);
  }

  static Predicate<JsonNode> status(String s) {
    return e -> s.equals(e.path("status").asString());
  }

  /** Submits a scan through the API and follows it to done or failed; returns its last JSON. */
  String scan() throws Exception {
    String base = "http://127.0.0.1:" + demo.api().port();
    HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/scans"))
        .POST(HttpRequest.BodyPublishers.ofString("password = 'hunter2'\ncursor.execute(request.args['q'])\n"))
        .build(), HttpResponse.BodyHandlers.ofString());
    Matcher m = ID.matcher(created.body());
    assertThat(created.statusCode() == 202 && m.find()).as(created.body()).isTrue();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String body = "";
    while (System.nanoTime() < deadline) {
      body = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/scans/" + m.group(1))).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      if (body.contains("\"status\":\"done\"") || body.contains("\"status\":\"failed\"")) {
        return body;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("scan not finished within 30 s: " + body);
  }

  String runnerLogs() throws Exception {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(logs)) {
      for (Path p : files.toList()) {
        all.append(Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return all.toString();
  }

  void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(demo.settings().get("VEGA_DATABASE_URL"));
        Statement st = c.createStatement()) {
      st.executeUpdate(statement);
    }
  }

  @Test
  @Order(1)
  void healthyDemoScansWithItsTokenFromSecretsManagerAndTheDoctorFindsNothing() throws Exception {
    assertThat(scan()).contains("\"status\":\"done\"", "\"findings\":2");
    // The token reached the runner by a secret ARN, read once; no token in any runner log line.
    assertThat(runnerLogs()).doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}");
    try (var secrets = aws.secrets()) {
      assertThat(secrets.listSecrets().secretList()).extracting(s -> s.name())
          .containsExactly(DemoStack.PROVIDER_SECRET);
    }
    DoctorProcess.Report worker = doctor("worker", Map.of());
    assertThat(worker.exit()).as(worker.out()).isZero();
  }

  @Test
  @Order(2)
  void scanStuckInQueuedQueueMissingIsTheWorkersSqsHop() throws Exception {
    String queueUrl = demo.settings().get("VEGA_SQS_QUEUE_URL");
    try (var sqs = aws.sqs()) {
      sqs.deleteQueue(b -> b.queueUrl(queueUrl));
      try {
        DoctorProcess.Report r = doctor("worker", Map.of());
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.firstFailingHop()).isEqualTo("vega-worker → sqs");
        assertThat(r.next()).contains("VEGA_SQS_QUEUE_URL");
        assertThat(healthz("vega-worker", "sqs", status("fail")).path("hint").asString()).contains("VEGA_SQS_QUEUE_URL");
      } finally {
        sqs.createQueue(b -> b.queueName("vega-scans")); // repaired whatever the assertions found
      }
      healthz("vega-worker", "sqs", status("pass"));
    }
  }

  @Test
  @Order(3)
  void runnerFailingArtifactsBucketMissingStopsTheRunnerWithTheHintAndIsTheRunnersS3Hop() throws Exception {
    try (var s3 = aws.s3()) {
      s3.listObjectsV2(b -> b.bucket("vega-artifacts")).contents()
          .forEach(o -> s3.deleteObject(b -> b.bucket("vega-artifacts").key(o.key())));
      s3.deleteBucket(b -> b.bucket("vega-artifacts"));
      try {
        // The runner checks once at start and stops with the hint; the scan row says why.
        String failed = scan();
        assertThat(failed).contains("\"status\":\"failed\"", "not ready: s3 DOWN", "VEGA_S3_ARTIFACTS_BUCKET");
        assertThat(runnerLogs()).contains("vega-v16-runner stops before the scan, exit 3");
        DoctorProcess.Report r = doctor("runner", Map.of("VEGA_LLM_PROXY_BASE_URL",
            "http://127.0.0.1:" + demo.proxy().port()));
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.firstFailingHop()).isEqualTo("vega-v16-runner → s3");
        assertThat(r.next()).contains("VEGA_S3_ARTIFACTS_BUCKET");
      } finally {
        s3.createBucket(b -> b.bucket("vega-artifacts")); // repaired whatever the assertions found
      }
    }
  }

  @Test
  @Order(4)
  void llmProxyRejectingTheScanTokenIsTheRunnersLlmProxyHop() throws Exception {
    String forged = ScanToken.mint("scan-00000000000000f0", Instant.now().plusSeconds(600),
        "not-the-proxys-signing-key".getBytes(StandardCharsets.UTF_8));
    DoctorProcess.Report r = doctor("runner", Map.of("VEGA_LLM_PROXY_BASE_URL",
        "http://127.0.0.1:" + demo.proxy().port(), "VEGA_LLM_PROXY_TOKEN", forged));
    assertThat(r.exit()).as(r.out()).isEqualTo(1);
    assertThat(r.firstFailingHop()).isEqualTo("vega-v16-runner → llm-proxy");
    assertThat(r.next()).contains("valid scan-scoped proxy token");
    assertThat(r.out()).doesNotContain(forged);
  }

  @Test
  @Order(5)
  void providerKeySecretScheduledForDeletionIsTheProxysSecretsCheckUntilRestored() throws Exception {
    try (var secrets = aws.secrets()) {
      secrets.deleteSecret(b -> b.secretId(DemoStack.PROVIDER_SECRET).recoveryWindowInDays(7L));
      try {
        JsonNode entry = healthz("vega-llm-proxy", "secrets", status("fail"));
        assertThat(entry.path("output").asString()).contains("scheduled for deletion");
        assertThat(entry.path("hint").asString()).contains("aws secretsmanager restore-secret");
        DoctorProcess.Report r = doctor("llm-proxy", Map.of("VEGA_PROVIDER_SECRET_ID", DemoStack.PROVIDER_SECRET));
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.firstFailingHop()).isEqualTo("vega-llm-proxy → secrets");
      } finally {
        secrets.restoreSecret(b -> b.secretId(DemoStack.PROVIDER_SECRET)); // repaired whatever the assertions found
      }
      healthz("vega-llm-proxy", "secrets", status("pass"));
    }
  }

  @Test
  @Order(6)
  void findingsNotPersistingMigrationMissingIsNamedAndMaintenanceStopsOnThePartlyAppliedSchema() throws Exception {
    sql("DELETE FROM schema_migrations WHERE version = '004_findings_columns.sql'");
    try {
      DoctorProcess.Report r = doctor("maintenance", Map.of());
      assertThat(r.exit()).as(r.out()).isEqualTo(1);
      assertThat(r.firstFailingHop()).isEqualTo("vega-maintenance → postgres");
      assertThat(r.hop("vega-maintenance → postgres", "detail")).contains("004_findings_columns.sql");
      assertThat(r.next()).contains("run-migrations.sh");
      // "Migration already partially applied": the columns exist, the record does not.
      assertThat(MaintenanceMain.run(new HashMap<>(demo.settings()))).isEqualTo(1);
    } finally {
      // Repaired whatever the assertions found (and not twice, should maintenance have recorded it).
      sql("INSERT INTO schema_migrations(version) SELECT '004_findings_columns.sql' WHERE NOT EXISTS"
          + " (SELECT 1 FROM schema_migrations WHERE version = '004_findings_columns.sql')");
    }
    assertThat(MaintenanceMain.run(new HashMap<>(demo.settings()))).isZero();
  }

  @Test
  @Order(7)
  void apiDownDatabaseStoppedIsEachServicesPostgresCheckWithTheRunbookStep() throws Exception {
    demo.postgres().close();
    DoctorProcess.Report r = doctor("api", Map.of());
    assertThat(r.exit()).as(r.out()).isEqualTo(1);
    assertThat(r.firstFailingHop()).isEqualTo("vega-api → postgres");
    assertThat(r.next()).contains("check VEGA_DATABASE_URL and the database security group");
    // The worker's own /v1/healthz says the same within its interval (the previous fault's result was also a fail).
    healthz("vega-worker", "postgres", status("fail").and(e -> e.path("hint").asString()
        .contains("check VEGA_DATABASE_URL and the database security group")));
  }
}

package com.example.vega.health.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.agent.AwsSdk;
import com.example.vega.health.agent.HostProcess;
import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.testing.PostgresServer;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code java -jar vega-health-agent.jar doctor} run as a process against healthy and broken
 * set-ups, one per runbook section that applies: exit codes and the hint it prints.
 */
class DoctorIT {
  static PostgresServer pg;

  @BeforeAll
  static void startPostgres() {
    pg = PostgresServer.start();
    createSchema(pg);
    pg.sql("INSERT INTO scans (id, status) VALUES ('scan-queued', 'queued')");
    pg.sql("INSERT INTO scans (id, status) VALUES ('scan-claimed', 'claimed')");
    pg.sql("INSERT INTO scans (id, status, runner_task) VALUES ('scan-done', 'done', 'arn:aws:ecs:us-west-1:123456789012:task/vega/abc')");
    pg.sql("INSERT INTO scans (id, status, runner_task) VALUES ('scan-lost', 'done', 'arn:aws:ecs:us-west-1:123456789012:task/vega/def')");
    pg.sql("INSERT INTO findings (id, scan_id, title) VALUES ('f1', 'scan-done', 'a'), ('f2', 'scan-done', 'b')");
  }

  /** The examples' schema: schema_migrations (001 to 003 applied), scans, findings. */
  static void createSchema(PostgresServer pg) {
    pg.sql("CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz DEFAULT now())");
    pg.sql("INSERT INTO schema_migrations (version) VALUES ('001_init.sql'), ('002_scans.sql'), ('003_findings.sql')");
    pg.sql("CREATE TABLE scans (id text PRIMARY KEY, status text NOT NULL, source_key text, runner_task text,"
        + " failure_reason text, created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now())");
    pg.sql("CREATE TABLE findings (id text PRIMARY KEY, scan_id text, title text, severity text, status text,"
        + " path text, created_at timestamptz DEFAULT now())");
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  static Map<String, String> maintenance(String dbUrl) {
    Map<String, String> env = new HashMap<>();
    env.put("VEGA_ENVIRONMENT", "test");
    env.put("VEGA_DATABASE_URL", dbUrl);
    return env;
  }

  static String dbUrl() {
    return dbUrl(pg);
  }

  static String dbUrl(PostgresServer pg) {
    return "postgresql://" + PostgresServer.USER + ":" + PostgresServer.PASSWORD + "@127.0.0.1:" + pg.port() + "/vega";
  }

  static Result doctor(Map<String, String> env, String... args) throws Exception {
    try (HostProcess p = HostProcess.doctor(env, args)) {
      int code = p.waitExit(Duration.ofSeconds(90));
      Result r = new Result(code, p.stdout(), p.stderr());
      assertThat(r.out + r.err).as("never a stack trace, never the password")
          .doesNotContain("\tat ").doesNotContain("Exception in thread").doesNotContain(PostgresServer.PASSWORD)
          .doesNotContain("SLF4J").doesNotContain("Service returned HTTP status code");
      return r;
    }
  }

  record Result(int code, String out, String err) {}

  @Test
  void healthyMaintenanceExitsZero() throws Exception {
    Result r = doctor(maintenance(dbUrl()), "--role", "maintenance");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("vega-maintenance → postgres", "UP", "All 3 hops are UP");
  }

  @Test
  void postgresRefusedNamesTheRunbookStep() throws Exception {
    int closed = MotoServer.freePort();
    Result r = doctor(maintenance("jdbc:postgresql://127.0.0.1:" + closed + "/vega?user=vega&password=x-secret-x"),
        "--role", "maintenance");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("First failing hop: vega-maintenance → postgres")
        .contains("Next: check VEGA_DATABASE_URL and the database security group")
        .doesNotContain("x-secret-x");
  }

  @Test
  void missingMigrationIsNamed() throws Exception {
    Map<String, String> env = maintenance(dbUrl());
    env.put("VEGA_EXPECTED_MIGRATION", "004_findings_columns.sql");
    Result neutral = doctor(env, "--role", "maintenance", "--json");
    assertThat(neutral.code()).isEqualTo(1);
    assertThat((String) JsonBody.parseObject(neutral.out()).get("next"))
        .contains("apply the pending migrations").doesNotContain("run-migrations.sh");
    // A Vega task definition carries its house rules (examples' vega-house-rules.properties).
    env.put("VEGA_MIGRATIONS_RUN_HINT", "run the migrations (scripts/aws/run-migrations.sh {environment})");
    Result r = doctor(env, "--role", "maintenance", "--json");
    assertThat(r.code()).isEqualTo(1);
    Map<String, Object> json = JsonBody.parseObject(r.out());
    assertThat(json).containsEntry("exitCode", 1.0).containsEntry("firstFailingHop", "vega-maintenance → postgres");
    assertThat((String) json.get("next")).contains("scripts/aws/run-migrations.sh test");
    assertThat(r.out()).contains("004_findings_columns.sql").doesNotContain("\u001b[");
  }

  @Test
  void missingQueueIsNamedForTheWorker() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    Map<String, String> env = aws(moto);
    env.putAll(maintenance(dbUrl()));
    env.put("VEGA_SQS_QUEUE_URL", moto.endpoint() + "/123456789012/vega-test-scans");
    env.put("VEGA_SCAN_WORKER_EXECUTION_MODE", "local");
    Result r = doctor(env, "--role", "worker");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("First failing hop: vega-worker → sqs")
        .contains("queue vega-test-scans does not exist").contains("check VEGA_SQS_QUEUE_URL");
  }

  @Test
  void unknownRoleCannotRun() throws Exception {
    Result r = doctor(Map.of(), "--role", "janitor");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo(
        "vega doctor: unknown role 'janitor': use one of api, worker, runner, llm-proxy, maintenance or all");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void malformedUrlCannotRun() throws Exception {
    Result r = doctor(Map.of(), "--url", "api.dev.vega example");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("is not an http(s) URL").hasLineCount(1);
  }

  @Test
  void unreachableUrlCannotRun() throws Exception {
    Result r = doctor(Map.of(), "--url", "http://127.0.0.1:" + MotoServer.freePort(), "--timeout", "3s");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("is unreachable: connection refused").hasLineCount(1);
  }

  @Test
  void garbageHealthBodyCannotRun() throws Exception {
    HttpServer server = fakeApi("{\"status\": \"pass\", \"checks\": {\"x\": [tru");
    try {
      Result r = doctor(Map.of(), "--url", "http://127.0.0.1:" + server.getAddress().getPort());
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("/v1/healthz answered 200 but not with health+json").hasLineCount(1);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void smokeTestWalksTheDetailAndPrintsTheFailingHopsHint() throws Exception {
    String health = "{\"status\":\"fail\",\"serviceId\":\"vega-api\",\"checks\":{"
        + "\"postgres:responseTime\":[{\"componentId\":\"postgres\",\"status\":\"pass\",\"observedValue\":3,"
        + "\"observedUnit\":\"ms\",\"durationMs\":3}],"
        + "\"sqs:visible\":[{\"componentId\":\"sqs\",\"status\":\"fail\",\"output\":\"queue vega-dev-scans does not exist\","
        + "\"hint\":\"check VEGA_SQS_QUEUE_URL in the vega-api task definition\",\"durationMs\":12}]}}";
    HttpServer server = fakeApi(health);
    try {
      Result r = doctor(Map.of(), "--url", "http://127.0.0.1:" + server.getAddress().getPort(), "--token",
          "detail-token-0123456789");
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
      assertThat(r.out()).contains("frontend", "/v1/healthz", "vega-api → postgres", "vega-api → sqs")
          .contains("First failing hop: vega-api → sqs (DOWN)")
          .contains("Next: check VEGA_SQS_QUEUE_URL in the vega-api task definition")
          .doesNotContain("detail-token-0123456789");
      Result json = doctor(Map.of(), "--url", "http://127.0.0.1:" + server.getAddress().getPort(), "--json");
      assertThat(JsonBody.parseObject(json.out())).containsEntry("exitCode", 1.0)
          .containsEntry("firstFailingHop", "vega-api → sqs");
      assertThat(json.out()).contains("check VEGA_SQS_QUEUE_URL in the vega-api task definition");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void smokeTestWithoutDetailPointsAtTheApiAndTheToken() throws Exception {
    HttpServer server = fakeApi("{\"status\":\"fail\"}");
    try {
      Result r = doctor(Map.of(), "--url", "http://127.0.0.1:" + server.getAddress().getPort());
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.out()).contains("First failing hop: /v1/healthz (DOWN)", "aws ecs describe-services",
          "pass --token");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void scanStuckInQueuedPointsAtTheWorker() throws Exception {
    Result r = doctor(maintenance(dbUrl()), "scan", "scan-queued");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("the scan stopped at: worker claims the scan").contains("Scan stuck in queued");
  }

  @Test
  void scanClaimedWithoutRunnerPointsAtRunTask() throws Exception {
    Result r = doctor(maintenance(dbUrl()), "scan", "scan-claimed");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("the scan stopped at: runner task").contains("Worker not launching runner tasks");
  }

  @Test
  void unknownScanIsNamed() throws Exception {
    Result r = doctor(maintenance(dbUrl()), "scan", "scan-nope");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("no scan scan-nope in scans");
  }

  @Test
  void completedScanWithArtifactsAndFindingsIsGood() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    Map<String, String> env = artifacts(moto);
    Result r = doctor(env, "scan", "scan-done");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("3 finding_updated events (2 findings), 2 rows in findings")
        .contains("v16-report.json, v16-events.jsonl, v16-debug-bundle.zip")
        .contains("debug bundle", "2 entries", "manifest: stage=report_written, steps_completed=7");
  }

  @Test
  void findingsNotPersistedAgainstEvents() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    Map<String, String> env = artifacts(moto);
    Result r = doctor(env, "scan", "scan-lost");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("the scan stopped at: findings persisted").contains("Findings not persisting")
        .contains("scans/scan-lost/v16-debug-bundle.zip is not a readable zip");
  }

  @Test
  void missingArtifactsBucketIsNamed() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    Map<String, String> env = aws(moto);
    env.putAll(maintenance(dbUrl()));
    env.put("VEGA_S3_ARTIFACTS_BUCKET", "vega-test-nobucket");
    Result r = doctor(env, "scan", "scan-done");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("bucket vega-test-nobucket does not exist").contains("check VEGA_S3_ARTIFACTS_BUCKET");
  }

  @Test
  void awsSequenceReportsMissingServiceQueueAndLogGroups() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    Map<String, String> env = aws(moto);
    env.putAll(maintenance(dbUrl()));
    env.put("VEGA_EXPECTED_MIGRATION", "003_findings.sql");
    // The house rules reach the doctor's postgres hop as they reach the services' check.
    env.put("VEGA_MIGRATIONS_COLUMNS", "003_findings.sql=findings.planted_column");
    try (AwsSdk sdk = new AwsSdk(env::get)) {
      sdk.ecs().createCluster(b -> b.clusterName("vega-test"));
    }
    env.put("VEGA_ECS_CLUSTER", "vega-test");
    env.put("VEGA_SQS_QUEUE_URL", moto.endpoint() + "/123456789012/vega-test-missing");
    Result r = doctor(env, "--aws", "--services", "vega-api", "--sqs-sample", "1s");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("ecs vega-api", "vega-api is not a service of cluster vega-test")
        .contains("the queue does not exist", "log group /vega/test/vega-worker does not exist")
        .contains("postgres schema_migrations", "applied: 003_findings.sql", "column findings.planted_column does not exist")
        .contains("Next: check VEGA_ECS_CLUSTER and that vega-api is deployed");
  }

  @Test
  void awsSequenceReadsQueueDepthTwiceAndStoppedTasks() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    Map<String, String> env = aws(moto);
    env.put("VEGA_ENVIRONMENT", "test");
    String queueUrl;
    try (AwsSdk sdk = new AwsSdk(env::get)) {
      sdk.ecs().createCluster(b -> b.clusterName("vega-test"));
      queueUrl = sdk.sqs().createQueue(b -> b.queueName("vega-test-scans")).queueUrl();
      sdk.sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"scan\":\"1\"}"));
      sdk.logs().createLogGroup(b -> b.logGroupName("/vega/test/vega-worker"));
    }
    env.put("VEGA_ECS_CLUSTER", "vega-test");
    env.put("VEGA_SQS_QUEUE_URL", queueUrl);
    Result r = doctor(env, "--aws", "--services", "vega-worker", "--sqs-sample", "1s", "--json");
    Map<String, Object> json = JsonBody.parseObject(r.out());
    assertThat(r.out()).as(r.err()).contains("\"name\":\"sqs scan queue\"", "visible 1 (was 1 1s ago)",
        "oldest message", "\"name\":\"ecs vega-maintenance stopped tasks\"", "no error lines in the last 30 min");
    assertThat(json).containsEntry("firstFailingHop", "ecs vega-worker");
    assertThat(r.code()).isEqualTo(1);
  }

  static Map<String, String> aws(MotoServer moto) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
    env.put("AWS_REGION", MotoServer.REGION);
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    return env;
  }

  static Map<String, String> artifacts(MotoServer moto) {
    Map<String, String> env = aws(moto);
    env.putAll(maintenance(dbUrl()));
    env.put("VEGA_S3_ARTIFACTS_BUCKET", "vega-test-artifacts");
    try (AwsSdk sdk = new AwsSdk(env::get)) {
      var s3 = sdk.s3();
      s3.createBucket(b -> b.bucket("vega-test-artifacts").createBucketConfiguration(
          c -> c.locationConstraint(MotoServer.REGION)));
      for (String scan : new String[] {"scan-done", "scan-lost"}) {
        String events = scan.equals("scan-done")
            // the example runner's own key ("finding"), and another spelling
            ? "{\"type\":\"started\"}\n{\"type\":\"finding_updated\",\"finding\":\"f1\",\"severity\":\"high\"}\n"
                + "{\"type\": \"finding_updated\", \"finding_id\": \"f2\"}\n{\"type\":\"finding_updated\",\"finding\""
                + ":\"f2\"}\nnot json\n"
            : "{\"type\":\"finding_updated\",\"finding_id\":\"g1\"}\n";
        put(s3, "scans/" + scan + "/v16-events.jsonl", events);
        put(s3, "scans/" + scan + "/v16-report.json", "{}");
        if (scan.equals("scan-done")) {
          s3.putObject(b -> b.bucket("vega-test-artifacts").key("scans/" + scan + "/v16-debug-bundle.zip"),
              RequestBody.fromBytes(bundle("{\"stage\":\"report_written\",\"steps_completed\":7,\"codex\":{\"x\":1}}")));
        } else {
          put(s3, "scans/" + scan + "/v16-debug-bundle.zip", "zip");
        }
      }
    }
    return env;
  }

  /** A debug bundle: manifest.json and one state file. */
  static byte[] bundle(String manifest) {
    try {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
        zip.putNextEntry(new java.util.zip.ZipEntry("manifest.json"));
        zip.write(manifest.getBytes(StandardCharsets.UTF_8));
        zip.putNextEntry(new java.util.zip.ZipEntry("codex/state.json"));
        zip.write("{}".getBytes(StandardCharsets.UTF_8));
      }
      return bytes.toByteArray();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void put(software.amazon.awssdk.services.s3.S3Client s3, String key, String body) {
    s3.putObject(b -> b.bucket("vega-test-artifacts").key(key), RequestBody.fromString(body, StandardCharsets.UTF_8));
  }

  /** An API that serves a page at / and {@code healthBody} at /v1/healthz. */
  static HttpServer fakeApi(String healthBody) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    s.createContext("/", ex -> {
      byte[] body;
      String type;
      int status = 200;
      if (ex.getRequestURI().getPath().startsWith("/v1/healthz")) {
        body = healthBody.getBytes(StandardCharsets.UTF_8);
        type = "application/health+json";
        status = healthBody.contains("\"status\":\"fail\"") ? 503 : 200;
      } else {
        body = "<!doctype html><html><body>vega</body></html>".getBytes(StandardCharsets.UTF_8);
        type = "text/html";
      }
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    s.start();
    return s;
  }
}

package com.example.vega.health.agent.doctor;

import static com.example.vega.health.agent.doctor.DoctorRun.hop;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.agent.AwsSdk;
import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.testing.PostgresServer;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Branches of the smoke test and of {@code doctor scan} that only a broken set-up reaches: the
 * load balancer's own error page instead of health+json, a frontend that does not load, a done
 * scan without its {@code v16-report.json}, and a debug bundle that is not a zip. Real servers:
 * a JDK HTTP server as the load balancer, moto_server's S3, Postgres.
 */
class DoctorBranchesIT {
  static PostgresServer pg;

  @BeforeAll
  static void startPostgres() {
    pg = PostgresServer.start();
    DoctorIT.createSchema(pg);
    pg.sql("INSERT INTO scans (id, status, runner_task) VALUES ('scan-done', 'done', NULL)");
    pg.sql("INSERT INTO scans (id, status, runner_task) VALUES ('scan-failed', 'failed', NULL)");
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  /** A load balancer answering / with {@code pageStatus} and /v1/healthz with {@code healthStatus}, both as HTML. */
  static HttpServer balancer(int pageStatus, String pageType, int healthStatus) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    s.createContext("/", ex -> {
      boolean health = ex.getRequestURI().getPath().startsWith("/v1/healthz");
      int status = health ? healthStatus : pageStatus;
      String type = health ? "text/html" : pageType;
      byte[] body = (health ? "<html><head><title>" + status + " Bad Gateway</title></head><body><center><h1>"
          + status + "</h1></center></body></html>"
          : pageType.equals("text/html") ? "<!doctype html><html><body>vega</body></html>"
          : "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code></Error>").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    s.start();
    return s;
  }

  @ParameterizedTest
  @ValueSource(ints = {502, 503, 504})
  void loadBalancersOwnErrorPageIsDownAndPointsAtTheApiTasks(int status) throws Exception {
    HttpServer lb = balancer(200, "text/html", status);
    try {
      Map<String, Object> json = DoctorRun.json(Map.of("VEGA_ENVIRONMENT", "test"), "--url",
          "http://127.0.0.1:" + lb.getAddress().getPort());
      assertThat(hop(json, "frontend")).containsEntry("status", "UP");
      Map<String, Object> h = hop(json, "/v1/healthz");
      assertThat(h).containsEntry("status", "DOWN");
      assertThat(DoctorRun.text(h, "detail")).endsWith("/v1/healthz → " + status + " from the load balancer");
      assertThat(DoctorRun.text(h, "hint")).startsWith("no API task answers behind the load balancer. API is down:");
      assertThat(json).containsEntry("exitCode", 1.0).containsEntry("firstFailingHop", "/v1/healthz");
    } finally {
      lb.stop(0);
    }
  }

  @Test
  void frontendThatDoesNotLoadIsDownWithTheRunbooksFrontendStep() throws Exception {
    // CloudFront in front of a bucket without index.html: S3's 403 in XML, not the page.
    HttpServer lb = balancer(403, "application/xml", 502);
    try {
      Map<String, Object> json = DoctorRun.json(Map.of("VEGA_ENVIRONMENT", "test"), "--url",
          "http://127.0.0.1:" + lb.getAddress().getPort());
      Map<String, Object> h = hop(json, "frontend");
      assertThat(h).containsEntry("status", "DOWN");
      assertThat(DoctorRun.text(h, "detail")).endsWith(" → 403, not HTML (application/xml)");
      assertThat(DoctorRun.text(h, "hint")).startsWith("the frontend is static files in S3 served by CloudFront:"
          + " check the distribution is Deployed");
    } finally {
      lb.stop(0);
    }
  }

  Map<String, String> artifacts(String scan, boolean report, byte[] bundle) {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    Map<String, String> env = DoctorIT.aws(moto);
    env.putAll(DoctorIT.maintenance(DoctorIT.dbUrl(pg)));
    env.put("VEGA_S3_ARTIFACTS_BUCKET", "vega-test-artifacts");
    try (AwsSdk sdk = new AwsSdk(env::get)) {
      var s3 = sdk.s3();
      s3.createBucket(b -> b.bucket("vega-test-artifacts").createBucketConfiguration(
          c -> c.locationConstraint(MotoServer.REGION)));
      s3.putObject(b -> b.bucket("vega-test-artifacts").key("scans/" + scan + "/v16-events.jsonl"),
          software.amazon.awssdk.core.sync.RequestBody.fromString("{\"type\":\"started\"}\n"));
      if (report) {
        s3.putObject(b -> b.bucket("vega-test-artifacts").key("scans/" + scan + "/v16-report.json"),
            software.amazon.awssdk.core.sync.RequestBody.fromString("{}"));
      }
      s3.putObject(b -> b.bucket("vega-test-artifacts").key("scans/" + scan + "/v16-debug-bundle.zip"),
          software.amazon.awssdk.core.sync.RequestBody.fromBytes(bundle));
    }
    return env;
  }

  @Test
  void doneScanWithoutItsReportIsDownAsAnArtifactMissing() throws Exception {
    Map<String, String> env = artifacts("scan-done", false, DoctorIT.bundle("{\"stage\":\"codex_running\"}"));
    Map<String, Object> json = DoctorRun.json(env, "scan", "scan-done");
    Map<String, Object> h = hop(json, "s3 artifacts");
    assertThat(h).containsEntry("status", "DOWN").containsEntry("detail",
        "s3://vega-test-artifacts/scans/scan-done/: v16-events.jsonl, v16-debug-bundle.zip; missing v16-report.json");
    assertThat(DoctorRun.text(h, "hint")).startsWith("S3 artifact missing: confirm VEGA_FILE_STORAGE_BACKEND=s3");
  }

  @Test
  void failedScanWithoutItsReportPointsAtTheBundleNotAtTheUpload() throws Exception {
    Map<String, String> env = artifacts("scan-failed", false, DoctorIT.bundle("{\"stage\":\"codex_running\"}"));
    Map<String, Object> h = hop(DoctorRun.json(env, "scan", "scan-failed"), "s3 artifacts");
    assertThat(h).containsEntry("status", "DEGRADED");
    assertThat(DoctorRun.text(h, "detail")).endsWith("missing v16-report.json (the scan is failed)");
    assertThat(DoctorRun.text(h, "hint")).isEqualTo("the bundle shows how far the runner got: download it (aws s3 cp"
        + " s3://vega-test-artifacts/scans/scan-failed/v16-debug-bundle.zip .) and inspect the Codex state");
  }

  @Test
  void bundleThatIsNotAZipIsAWarningThatSaysSo() throws Exception {
    Map<String, String> env = artifacts("scan-done", true, "PK\u0003\u0004 cut short".getBytes(StandardCharsets.UTF_8));
    Map<String, Object> h = hop(DoctorRun.json(env, "scan", "scan-done"), "debug bundle");
    assertThat(h).containsEntry("status", "DEGRADED").containsEntry("detail", "scans/scan-done/v16-debug-bundle.zip is"
        + " not a readable zip (the runner may have stopped while writing it)");
    assertThat(DoctorRun.text(h, "hint")).startsWith("the bundle shows how far the runner got");
  }

  @Test
  void artifactsBucketDeniedToTheDoctorSaysWhoseRightsWereDenied() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(artifacts("scan-done", true, DoctorIT.bundle("{}")));
    // S3 that denies everything (a 403 without a body, as HEAD gets it); STS stays on moto.
    HttpServer s3 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    s3.createContext("/", ex -> {
      ex.sendResponseHeaders(403, -1);
      ex.close();
    });
    s3.start();
    try {
      env.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + s3.getAddress().getPort());
      Map<String, Object> h = hop(DoctorRun.json(env, "scan", "scan-done"), "s3 artifacts");
      assertThat(h).containsEntry("status", "DOWN").containsEntry("detail", "access denied on bucket vega-test-artifacts");
      assertThat(DoctorRun.strings(h, "evidence")).containsExactly(
          "rights tested: the credentials in use, arn:aws:sts::123456789012:user/moto (not a task role's)");
    } finally {
      s3.stop(0);
    }
  }
}

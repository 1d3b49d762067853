package com.example.vega.health.agent.doctor;

import static com.example.vega.health.agent.doctor.DoctorRun.hop;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.MotoServer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ExplicitAuthFlowsType;

/**
 * {@code doctor smoke}'s branches that the local demo cannot hold on demand (a scan that stays
 * claimed, one that failed, a report that is missing, an API that refuses the scan), against a
 * small API of the JDK's HttpServer that answers as vega-api does; and the sign-in's Cognito
 * answers from moto's cognito-idp (a user without a permanent password, an unknown app client).
 * The end to end run against the real services is examples' {@code DoctorSmokeIT}.
 */
class DoctorSmokeIT {
  HttpServer api;
  volatile String scanStatus = "done";
  volatile String failureReason = "";
  volatile int submitStatus = 202;
  volatile boolean report = true;
  Map<String, String> env;

  @BeforeEach
  void stub() throws IOException {
    api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    api.createContext("/v1/scans", ex -> {
      String path = ex.getRequestURI().getPath();
      if (ex.getRequestMethod().equals("POST") && path.equals("/v1/scans")) {
        ex.getRequestBody().readAllBytes();
        answer(ex, submitStatus, submitStatus == 202 ? "{\"id\":\"scan-00aa\",\"status\":\"queued\"}"
            : "{\"error\":\"database unavailable\"}");
      } else if (path.equals("/v1/scans/scan-00aa")) {
        answer(ex, 200, "{\"id\":\"scan-00aa\",\"status\":\"" + scanStatus + "\",\"findings\":2,\"failureReason\":\""
            + failureReason + "\"}");
      } else if (path.equals("/v1/scans/scan-00aa/report")) {
        answer(ex, report ? 200 : 404, report ? "{\"scan\":\"scan-00aa\",\"findings\":[]}" : "{\"error\":\"no report\"}");
      } else {
        answer(ex, 404, "{\"error\":\"no such scan\"}");
      }
    });
    api.start();
    env = new HashMap<>();
    env.put("VEGA_AUTH_PROVIDER", "local");
  }

  @AfterEach
  void stop() {
    api.stop(0);
  }

  static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  String url() {
    return "http://127.0.0.1:" + api.getAddress().getPort();
  }

  Map<String, Object> smoke(String... more) throws Exception {
    String[] args = new String[3 + more.length];
    args[0] = "smoke";
    args[1] = "--url";
    args[2] = url();
    System.arraycopy(more, 0, args, 3, more.length);
    return DoctorRun.json(env, args);
  }

  @Test
  void doneScanWithItsReportIsUpWithoutASignInWhenTheApiSignsNobodyIn() throws Exception {
    Map<String, Object> json = smoke();
    assertThat(json).containsEntry("exitCode", 0.0);
    assertThat(hop(json, "submit scan")).containsEntry("status", "UP")
        .containsEntry("detail", "POST " + url() + "/v1/scans → 202, scan scan-00aa");
    assertThat(hop(json, "scan done")).containsEntry("status", "UP");
    assertThat(DoctorRun.text(hop(json, "scan done"), "detail")).endsWith(", 2 findings");
    assertThat(hop(json, "scan report")).containsEntry("status", "UP");
    assertThat(DoctorRun.strings(json, "notes")).contains("VEGA_AUTH_PROVIDER is local: the API signs nobody in,"
        + " the scan is submitted without a token");
  }

  @Test
  void scanThatStaysClaimedPointsAtTheWorkerLaunchingRunners() throws Exception {
    scanStatus = "claimed";
    Map<String, Object> json = smoke("--wait", "1s");
    assertThat(json).containsEntry("exitCode", 1.0).containsEntry("firstFailingHop", "runner runs the scan");
    assertThat(hop(json, "worker claims the scan")).containsEntry("status", "UP");
    assertThat(String.valueOf(json.get("next"))).startsWith("Worker not launching runner tasks");
  }

  @Test
  void scanStillRunningAfterTheWaitIsNamedWithTheRunnersLogs() throws Exception {
    scanStatus = "running";
    Map<String, Object> json = smoke("--wait", "1s");
    assertThat(json).containsEntry("exitCode", 1.0).containsEntry("firstFailingHop", "scan done");
    assertThat(DoctorRun.text(hop(json, "scan done"), "detail")).startsWith("still running after ");
    assertThat(String.valueOf(json.get("next"))).contains("aws logs tail /vega/dev/vega-v16-runner");
  }

  @Test
  void failedScanGivesItsReasonAndTheRunnerStep() throws Exception {
    scanStatus = "failed";
    failureReason = "runner exited 3: check s3 DOWN";
    Map<String, Object> json = smoke();
    assertThat(json).containsEntry("exitCode", 1.0).containsEntry("firstFailingHop", "runner runs the scan");
    assertThat(hop(json, "runner runs the scan")).containsEntry("detail", "failed: runner exited 3: check s3 DOWN");
    assertThat(String.valueOf(json.get("next"))).startsWith("Runner task failing");
    assertThat(DoctorRun.strings(json, "notes"))
        .contains("the scan stopped at: runner runs the scan; doctor scan scan-00aa follows it further (its row,"
            + " runner task, logs and artifacts)");
  }

  @Test
  void missingReportIsTheArtifactStep() throws Exception {
    report = false;
    Map<String, Object> json = smoke();
    assertThat(json).containsEntry("exitCode", 1.0).containsEntry("firstFailingHop", "scan report");
    assertThat(DoctorRun.text(hop(json, "scan report"), "detail")).endsWith("→ 404: no v16-report.json for the scan");
    assertThat(String.valueOf(json.get("next"))).startsWith("S3 artifact missing");
  }

  @Test
  void apiRefusingTheScanStopsThere() throws Exception {
    submitStatus = 500;
    Map<String, Object> json = smoke();
    assertThat(json).containsEntry("exitCode", 1.0).containsEntry("firstFailingHop", "submit scan");
    assertThat(String.valueOf(json.get("next"))).startsWith("the API answered 500 to the scan");
  }

  @Test
  void withoutATestUserOrTokenTheDoctorCannotRun() throws Exception {
    env.put("VEGA_AUTH_PROVIDER", "cognito");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Doctor.main(new String[] {"smoke", "--url", url()}, new ByteArrayInputStream(new byte[0]),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env::get, false, Clock.systemUTC());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("vega doctor: no test user: set VEGA_SMOKE_USERNAME");
  }

  // ---- the sign-in, against moto's cognito-idp ----

  @Test
  void cognitoChallengesAndUnknownAppClientsAreNamedAndThePasswordNeverPrinted() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    String pool;
    String client;
    try (CognitoIdentityProviderClient cognito = CognitoIdentityProviderClient.builder()
        .region(Region.of(MotoServer.REGION)).endpointOverride(moto.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create()).build()) {
      pool = cognito.createUserPool(b -> b.poolName("vega-dev")).userPool().id();
      client = cognito.createUserPoolClient(b -> b.userPoolId(pool).clientName("vega-web")
          .explicitAuthFlows(ExplicitAuthFlowsType.ALLOW_USER_PASSWORD_AUTH)).userPoolClient().clientId();
      // Created with a temporary password only: Cognito answers NEW_PASSWORD_REQUIRED.
      cognito.adminCreateUser(b -> b.userPoolId(pool).username("smoke").temporaryPassword("Temp0rary!Pass"));
    }
    env.put("VEGA_AUTH_PROVIDER", "cognito");
    env.put("VEGA_COGNITO_REGION", MotoServer.REGION);
    env.put("VEGA_COGNITO_USER_POOL_ID", pool);
    env.put("VEGA_COGNITO_APP_CLIENT_ID", client);
    env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
    env.put("VEGA_SMOKE_USERNAME", "smoke");
    env.put("VEGA_SMOKE_PASSWORD", "Temp0rary!Pass");
    Map<String, Object> json = smoke();
    assertThat(json).containsEntry("exitCode", 1.0).containsEntry("firstFailingHop", "sign in");
    assertThat(hop(json, "sign in")).containsEntry("detail",
        "Cognito asks smoke for NEW_PASSWORD_REQUIRED instead of signing in");
    assertThat(json.toString()).doesNotContain("Temp0rary!Pass");

    env.put("VEGA_COGNITO_APP_CLIENT_ID", "no-such-client-0000");
    json = smoke();
    assertThat(hop(json, "sign in")).containsEntry("status", "DOWN")
        .containsEntry("detail", "Cognito refused to sign in smoke (ResourceNotFoundException)");
    assertThat(String.valueOf(json.get("next"))).startsWith("Cognito does not know app client no-such-client-0000");
    assertThat(json.toString()).doesNotContain("Temp0rary!Pass");
  }
}

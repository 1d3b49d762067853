package com.example.vega.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.examples.testing.DoctorProcess;
import com.example.vega.health.testing.MotoServer;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ExplicitAuthFlowsType;

/**
 * {@code doctor smoke} (the runbook's smoke test) as an operator runs it, against the local demo on
 * moto with vega-api validating Cognito tokens of a moto user pool: it signs in as the test user
 * (InitiateAuth USER_PASSWORD_AUTH), submits a scan, follows it to done and fetches its report;
 * a wrong password and a stopped worker are each named with the runbook's step. The worker is
 * stopped last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalDemoSmokeIT {
  static final String PASSWORD = "Sm0ke!Test-Passw0rd";
  static final List<String> STAGES = List.of("/v1/auth/me", "submit scan", "worker claims the scan",
      "runner runs the scan", "scan done", "scan report");
  DemoStack demo;
  String pool;
  String client;
  CognitoIdentityProviderClient cognito;

  @BeforeAll
  void start() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    cognito = CognitoIdentityProviderClient.builder().region(Region.of(MotoServer.REGION))
        .endpointOverride(moto.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create()).build();
    pool = cognito.createUserPool(b -> b.poolName("vega-local")).userPool().id();
    client = cognito.createUserPoolClient(b -> b.userPoolId(pool).clientName("vega-web")
        .explicitAuthFlows(ExplicitAuthFlowsType.ALLOW_USER_PASSWORD_AUTH)).userPoolClient().clientId();
    cognito.adminCreateUser(b -> b.userPoolId(pool).username("smoke"));
    cognito.adminSetUserPassword(b -> b.userPoolId(pool).username("smoke").password(PASSWORD).permanent(true));
    Map<String, String> awsEnv = Map.of("AWS_REGION", MotoServer.REGION, "AWS_ACCESS_KEY_ID", "test",
        "AWS_SECRET_ACCESS_KEY", "test", "AWS_ENDPOINT_URL", moto.endpoint().toString());
    demo = DemoStack.start(new DemoStack.Options(awsEnv, Map.of(), null, Map.of(), cognitoSettings()),
        Files.createTempDirectory("doctor-smoke-"), step -> { });
  }

  @AfterAll
  void stop() {
    if (demo != null) {
      demo.close();
    }
    if (cognito != null) {
      cognito.close();
    }
  }

  Map<String, String> cognitoSettings() {
    return Map.of("VEGA_AUTH_PROVIDER", "cognito", "VEGA_COGNITO_REGION", MotoServer.REGION,
        "VEGA_COGNITO_USER_POOL_ID", pool, "VEGA_COGNITO_APP_CLIENT_ID", client);
  }

  /** What an operator has: the Cognito settings, the emulator's endpoint, and the test user. */
  Map<String, String> env(String password) {
    Map<String, String> env = new HashMap<>(cognitoSettings());
    env.put("AWS_ENDPOINT_URL", demo.settings().get("AWS_ENDPOINT_URL"));
    env.put("VEGA_SMOKE_USERNAME", "smoke");
    env.put("VEGA_SMOKE_PASSWORD", password);
    return env;
  }

  String url() {
    return "http://127.0.0.1:" + demo.api().port();
  }

  static void printsNoSecret(DoctorProcess.Report r) {
    assertThat(r.out()).doesNotContain(PASSWORD).doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}\\.")
        .doesNotContain("(Service: ", "SLF4J");
  }

  @Test
  @Order(1)
  void signsInSubmitsAScanFollowsItToDoneAndFetchesItsReport() throws Exception {
    DoctorProcess.Report r = DoctorProcess.run(env(PASSWORD), "", "smoke", "--url", url(), "--wait", "60s");
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.hop("sign in", "status")).as(r.out()).isEqualTo("UP");
    assertThat(r.hop("sign in", "detail")).startsWith("signed in as smoke with app client " + client);
    for (String stage : STAGES) {
      assertThat(r.hop(stage, "status")).as(stage + "\n" + r.out()).isEqualTo("UP");
    }
    assertThat(r.hop("submit scan", "detail")).containsPattern("→ 202, scan scan-[0-9a-f]{16}$");
    assertThat(r.hop("scan done", "detail")).contains("findings");
    assertThat(r.hop("scan report", "detail")).contains("→ 200").contains("bytes of JSON");
    printsNoSecret(r);
  }

  @Test
  @Order(2)
  void accessTokenOnStdinIsUsedAndNeverPrinted() throws Exception {
    String token = cognito.initiateAuth(b -> b.clientId(client).authFlow(AuthFlowType.USER_PASSWORD_AUTH)
        .authParameters(Map.of("USERNAME", "smoke", "PASSWORD", PASSWORD))).authenticationResult().accessToken();
    Map<String, String> env = new HashMap<>(cognitoSettings());
    DoctorProcess.Report r = DoctorProcess.run(env, token + "\n", "smoke", "--url", url(), "--token", "-",
        "--wait", "60s");
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.hop("sign in", "status")).isEmpty(); // no sign-in hop: the token was given
    assertThat(r.hop("/v1/auth/me", "status")).isEqualTo("UP");
    assertThat(r.hop("scan report", "status")).isEqualTo("UP");
    assertThat(r.out()).doesNotContain(token).doesNotContain(token.split("\\.")[2]);
    printsNoSecret(r);
  }

  @Test
  @Order(3)
  void wrongPasswordStopsAtSignInWithTheRunbooksStepAndIsNeverPrinted() throws Exception {
    String wrong = "Wr0ng!Passw0rd-" + System.nanoTime();
    DoctorProcess.Report r = DoctorProcess.run(env(wrong), "", "smoke", "--url", url());
    assertThat(r.exit()).as(r.out()).isEqualTo(1);
    assertThat(r.firstFailingHop()).isEqualTo("sign in");
    assertThat(r.hop("sign in", "detail")).isEqualTo("Cognito refused to sign in smoke (NotAuthorizedException)");
    assertThat(r.next()).contains("VEGA_SMOKE_PASSWORD", "admin-set-user-password");
    assertThat(r.hop("submit scan", "status")).isEmpty(); // the walk stops at the sign-in
    assertThat(r.out()).doesNotContain(wrong);
    printsNoSecret(r);
  }

  @Test
  @Order(4)
  void unknownTestUserIsNamed() throws Exception {
    Map<String, String> env = env(PASSWORD);
    env.put("VEGA_SMOKE_USERNAME", "nobody");
    DoctorProcess.Report r = DoctorProcess.run(env, "", "smoke", "--url", url());
    assertThat(r.exit()).as(r.out()).isEqualTo(1);
    assertThat(r.firstFailingHop()).isEqualTo("sign in");
    assertThat(r.next()).startsWith("nobody is not a user of the pool behind app client " + client);
    printsNoSecret(r);
  }

  /** Last: the worker stays stopped. */
  @Test
  @Order(9)
  void scanThatNoWorkerTakesIsStuckInQueuedAndTheWorkerIsNamed() throws Exception {
    demo.worker().close();
    DoctorProcess.Report r = DoctorProcess.run(env(PASSWORD), "", "smoke", "--url", url(), "--wait", "3s");
    assertThat(r.exit()).as(r.out()).isEqualTo(1);
    assertThat(r.hop("submit scan", "status")).isEqualTo("UP");
    assertThat(r.firstFailingHop()).isEqualTo("worker claims the scan");
    assertThat(r.hop("worker claims the scan", "detail")).startsWith("still queued after 3 s");
    assertThat(r.next()).startsWith("Scan stuck in queued: is the worker running");
    assertThat(r.json().path("notes").toString()).containsPattern("doctor scan scan-[0-9a-f]{16} follows it further");
    printsNoSecret(r);
  }
}

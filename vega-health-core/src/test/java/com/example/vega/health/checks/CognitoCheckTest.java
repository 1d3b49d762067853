package com.example.vega.health.checks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import com.example.vega.health.testing.MotoServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;

class CognitoCheckTest {
  static final String KEYS = "{\"keys\":[{\"alg\":\"RS256\",\"e\":\"AQAB\",\"kid\":\"k1\",\"kty\":\"RSA\",\"n\":\"xyz\",\"use\":\"sig\"},"
      + "{\"alg\":\"RS256\",\"e\":\"AQAB\",\"kid\":\"k2\",\"kty\":\"RSA\",\"n\":\"abc\",\"use\":\"sig\"}]}";
  private final HttpClient http = HttpClient.newHttpClient();
  /** The pools the fake Cognito knows: pool id to JWKS body. */
  private final Map<String, String> pools = new ConcurrentHashMap<>();
  private final Map<String, String> settings = new ConcurrentHashMap<>();
  /** A status the fake Cognito answers whatever the pool (0: by the pools map). */
  private final java.util.concurrent.atomic.AtomicInteger answer = new java.util.concurrent.atomic.AtomicInteger();
  private HttpServer cognito;
  private URI base;

  @BeforeEach
  void start() throws IOException {
    cognito = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    cognito.createContext("/", ex -> {
      String[] parts = ex.getRequestURI().getPath().split("/");
      String body = parts.length > 1 ? pools.get(parts[1]) : null;
      int code = answer.get() != 0 ? answer.get() : body == null ? 404 : 200;
      byte[] b = (body == null ? "{\"message\":\"User pool does not exist.\"}" : body).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(code, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    cognito.start();
    base = URI.create("http://127.0.0.1:" + cognito.getAddress().getPort());
    settings.put("VEGA_ENVIRONMENT", "dev");
    settings.put("VEGA_AUTH_PROVIDER", "cognito");
    settings.put("VEGA_COGNITO_REGION", "us-west-1");
    settings.put("VEGA_COGNITO_USER_POOL_ID", "us-west-1_AbC123");
    settings.put("VEGA_COGNITO_APP_CLIENT_ID", "4l0hk2u2h7qg3c6gkk1dkcbq4j");
  }

  @AfterEach
  void stop() {
    cognito.stop(0);
  }

  private CognitoCheck check(URI at) {
    return CognitoCheck.builder(http, settings::get).issuerBase(at).build();
  }

  private CheckResult run(CognitoCheck c) throws InterruptedException {
    return c.check(CheckContext.of(Duration.ofSeconds(3)));
  }

  @Test
  void unknownPoolIsDownAsWrongRegionOrPoolAndRecoversOnceItExists() throws Exception {
    CognitoCheck c = check(base);
    CheckResult r = run(c);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(r.message()).isEqualTo("no user pool us-west-1_AbC123 in us-west-1 (JWKS answered 404)");
    assertThat(r.hint()).isEqualTo("wrong region or pool: confirm VEGA_COGNITO_REGION, VEGA_COGNITO_USER_POOL_ID "
        + "and VEGA_COGNITO_APP_CLIENT_ID are correct in the vega-api task definition");

    pools.put("us-west-1_AbC123", KEYS);
    CheckResult ok = run(c);
    assertThat(ok.status()).isEqualTo(Status.UP);
    assertThat(ok.message()).isEqualTo(
        "issuer https://cognito-idp.us-west-1.amazonaws.com/us-west-1_AbC123 publishes 2 signing keys");
    assertThat(ok.observation("keys").value()).isEqualTo(2);
    assertThat(ok.observation("issuer").value())
        .isEqualTo("https://cognito-idp.us-west-1.amazonaws.com/us-west-1_AbC123");
  }

  @Test
  void providerOtherThanCognitoIsDownInProductionOnly() throws Exception {
    pools.put("us-west-1_AbC123", KEYS);
    settings.put("VEGA_AUTH_PROVIDER", "local");
    CheckResult r = run(check(base));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.MISCONFIGURED);
    assertThat(r.message()).isEqualTo("VEGA_AUTH_PROVIDER is 'local', production needs 'cognito'");
    assertThat(r.hint()).startsWith("set VEGA_AUTH_PROVIDER=cognito in the vega-api task definition");

    settings.put("VEGA_ENVIRONMENT", "local");
    assertThat(run(check(base)).status()).isEqualTo(Status.UP);
  }

  @Test
  void poolFromAnotherRegionIsDownNamingBothSettings() throws Exception {
    settings.put("VEGA_COGNITO_USER_POOL_ID", "us-east-1_AbC123");
    CheckResult r = run(check(base));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.message()).isEqualTo("VEGA_COGNITO_USER_POOL_ID belongs to us-east-1 but VEGA_COGNITO_REGION is us-west-1");
  }

  @Test
  void missingAppClientIdIsNamed() throws Exception {
    settings.remove("VEGA_COGNITO_APP_CLIENT_ID");
    CheckResult r = run(check(base));
    assertThat(r.message()).isEqualTo("VEGA_COGNITO_APP_CLIENT_ID is not set");
  }

  @Test
  void appClientIdIsLookedUpInThePoolAndAClientThePoolLacksIsDownUntilFixed() throws Exception {
    CognitoIdentityProviderClient idp = AwsClients.moto().cognito();
    MotoServer.shared().reset();
    String pool = idp.createUserPool(r -> r.poolName("vega-dev")).userPool().id();
    String client = idp.createUserPoolClient(r -> r.userPoolId(pool).clientName("vega-web")).userPoolClient().clientId();
    pools.put(pool, KEYS);
    settings.put("VEGA_COGNITO_USER_POOL_ID", pool);
    settings.put("VEGA_COGNITO_APP_CLIENT_ID", "4l0hk2u2h7qg3c6gkk1dkcbq4j");
    CognitoCheck c = CognitoCheck.builder(http, settings::get).issuerBase(base).userPoolClients(idp).build();

    CheckResult wrong = run(c);
    assertThat(wrong.status()).isEqualTo(Status.DOWN);
    assertThat(wrong.errorKind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(wrong.message()).isEqualTo("app client 4l0hk2u2h7qg3c6gkk1dkcbq4j does not exist in user pool " + pool);
    assertThat(wrong.hint()).isEqualTo("tokens from the login page carry another client_id and the API rejects them: "
        + "set VEGA_COGNITO_APP_CLIENT_ID in the vega-api task definition to one of the pool's app clients "
        + "(aws cognito-idp list-user-pool-clients --user-pool-id " + pool + " --region us-west-1)");

    settings.put("VEGA_COGNITO_APP_CLIENT_ID", client);
    CheckResult ok = run(c);
    assertThat(ok.status()).isEqualTo(Status.UP);
    assertThat(ok.message()).isEqualTo("issuer https://cognito-idp.us-west-1.amazonaws.com/" + pool
        + " publishes 2 signing keys; app client vega-web is in the pool");
  }

  @Test
  void describeUserPoolClientDeniedIsAWarningNamingThePermission() throws Exception {
    WireMockServer wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    try {
      wm.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(400)
          .withHeader("Content-Type", "application/x-amz-json-1.1")
          .withBody("{\"__type\":\"AccessDeniedException\",\"message\":\"User: arn:aws:sts::1:assumed-role/x "
              + "is not authorized to perform: cognito-idp:DescribeUserPoolClient\"}")));
      pools.put("us-west-1_AbC123", KEYS);
      CheckResult r = run(CognitoCheck.builder(http, settings::get).issuerBase(base)
          .userPoolClients(AwsClients.at(URI.create(wm.baseUrl())).cognito()).build());
      assertThat(r.status()).isEqualTo(Status.DEGRADED);
      assertThat(r.errorKind()).isEqualTo(ErrorKind.ACCESS_DENIED);
      assertThat(r.message()).isEqualTo(
          "the app client could not be checked: cognito-idp:DescribeUserPoolClient denied on us-west-1_AbC123");
      assertThat(r.hint()).startsWith("give the api task role cognito-idp:DescribeUserPoolClient on the pool");
      assertThat(r.message() + r.hint()).doesNotContain("assumed-role", "Service returned");
    } finally {
      wm.stop();
    }
  }

  @Test
  void jwksWithoutKeysIsDown() throws Exception {
    pools.put("us-west-1_AbC123", "{\"keys\":[]}");
    CheckResult r = run(check(base));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.message()).isEqualTo("the JWKS of https://cognito-idp.us-west-1.amazonaws.com/us-west-1_AbC123 holds no keys");
  }

  @Test
  void rateLimitingIsDegradedAndA403PointsAtEgressNotAtThePool() throws Exception {
    pools.put("us-west-1_AbC123", KEYS);
    answer.set(429);
    CheckResult limited = run(check(base));
    assertThat(limited.status()).isEqualTo(Status.DEGRADED);
    assertThat(limited.errorKind()).isEqualTo(ErrorKind.THROTTLED);
    assertThat(limited.hint()).startsWith("Cognito is rate limiting this account");

    answer.set(403);
    CheckResult denied = run(check(base));
    assertThat(denied.status()).isEqualTo(Status.DOWN);
    assertThat(denied.errorKind()).isEqualTo(ErrorKind.ACCESS_DENIED);
    assertThat(denied.hint()).startsWith("the JWKS is public, so the 403 comes from between the task and Cognito")
        .doesNotContain("wrong region or pool");

    answer.set(503);
    assertThat(run(check(base)).errorKind()).isEqualTo(ErrorKind.SERVER_ERROR);
    answer.set(0);
    assertThat(run(check(base)).status()).isEqualTo(Status.UP);
  }

  @Test
  void aTimeoutDoesNotBlameTheSecurityGroup() {
    CheckResult r = check(URI.create("http://127.0.0.1:1")).onTimeout(java.time.Duration.ofSeconds(2));
    assertThat(r.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
    assertThat(r.hint()).startsWith("cognito-idp.us-west-1.amazonaws.com did not answer in time (the connection and "
        + "the answer are not told apart)").contains("the vega-api task's CPU").doesNotContain("security group");
  }

  @Test
  void unreachableJwksIsDownWithTheNetworkHint() throws Exception {
    CheckResult r = run(check(URI.create("http://127.0.0.1:" + MotoServer.freePort())));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.CONNECTION_REFUSED);
    assertThat(r.message()).isEqualTo(
        "the JWKS of https://cognito-idp.us-west-1.amazonaws.com/us-west-1_AbC123 is unreachable (connection refused)");
    assertThat(r.hint()).isEqualTo("the vega-api task needs outbound HTTPS to cognito-idp.us-west-1.amazonaws.com: "
        + "check its security group and NAT route");
  }

  @Test
  void theMessageReadsTheSameUnderATurkishDefaultLocale() throws Exception {
    java.util.Locale before = java.util.Locale.getDefault();
    java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR")); // where "I".toLowerCase() is a dotless i
    try {
      CheckResult r = run(check(URI.create("http://127.0.0.1:" + MotoServer.freePort())));
      assertThat(r.message()).endsWith("is unreachable (connection refused)");
    } finally {
      java.util.Locale.setDefault(before);
    }
  }
}

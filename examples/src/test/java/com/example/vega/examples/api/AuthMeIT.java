package com.example.vega.examples.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.examples.boot.VegaBootService;
import com.example.vega.examples.common.LocalAws;
import com.example.vega.examples.testing.DoctorProcess;
import com.example.vega.health.testing.MotoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ExplicitAuthFlowsType;

/**
 * "Login failing" against the real example API: {@code GET /v1/auth/me} validates access tokens of
 * a moto user pool (moto signs them with its pool key and serves the JWKS), and {@code doctor login}
 * walks the same API.
 */
class AuthMeIT {
  static MotoServer moto;
  static VegaBootService api;
  static String pool;
  static String client;
  static String token;
  static String otherClientsToken;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    moto = MotoServer.shared();
    moto.reset();
    try (CognitoIdentityProviderClient cognito = CognitoIdentityProviderClient.builder()
        .region(Region.of(MotoServer.REGION)).endpointOverride(moto.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create()).build()) {
      pool = cognito.createUserPool(b -> b.poolName("vega-dev")).userPool().id();
      client = appClient(cognito, "vega-web");
      String other = appClient(cognito, "someone-else");
      cognito.adminCreateUser(b -> b.userPoolId(pool).username("ana"));
      cognito.adminSetUserPassword(b -> b.userPoolId(pool).username("ana").password("Str0ng!Passw0rd").permanent(true));
      token = signIn(cognito, client);
      otherClientsToken = signIn(cognito, other);
    }
    Map<String, String> env = new HashMap<>();
    env.put("VEGA_ENVIRONMENT", "local");
    env.put("VEGA_AUTH_PROVIDER", "cognito");
    env.put("VEGA_COGNITO_REGION", MotoServer.REGION);
    env.put("VEGA_COGNITO_USER_POOL_ID", pool);
    env.put("VEGA_COGNITO_APP_CLIENT_ID", client);
    env.put("AWS_REGION", MotoServer.REGION);
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
    // Nothing listens: /v1/auth/me needs no database, and the health checks are not under test here.
    env.put("VEGA_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + LocalAws.freePort() + "/vega?user=vega");
    env.put("VEGA_SQS_QUEUE_URL", moto.endpoint() + "/123456789012/vega-scans");
    env.put("VEGA_S3_SOURCE_BUCKET", "vega-source");
    env.put("OTEL_TRACES_EXPORTER", "none");
    env.put("OTEL_METRICS_EXPORTER", "none");
    env.put("OTEL_LOGS_EXPORTER", "none");
    api = VegaBootService.start(ApiApplication.class, env, Map.of("vega.health.role", "api",
        "spring.application.name", "vega-api", "vega.health.enabled", "false"), LocalAws.freePort());
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  private static String appClient(CognitoIdentityProviderClient cognito, String name) {
    return cognito.createUserPoolClient(b -> b.userPoolId(pool).clientName(name)
        .explicitAuthFlows(ExplicitAuthFlowsType.ALLOW_ADMIN_USER_PASSWORD_AUTH)).userPoolClient().clientId();
  }

  private static String signIn(CognitoIdentityProviderClient cognito, String appClient) {
    return cognito.adminInitiateAuth(b -> b.userPoolId(pool).clientId(appClient)
        .authFlow(AuthFlowType.ADMIN_USER_PASSWORD_AUTH)
        .authParameters(Map.of("USERNAME", "ana", "PASSWORD", "Str0ng!Passw0rd"))).authenticationResult().accessToken();
  }

  static HttpResponse<String> me(String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + "/v1/auth/me"));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String url() {
    return "http://127.0.0.1:" + api.port();
  }

  static Map<String, String> doctorEnv() {
    return Map.of("VEGA_AUTH_PROVIDER", "cognito", "VEGA_COGNITO_REGION", MotoServer.REGION,
        "VEGA_COGNITO_USER_POOL_ID", pool, "VEGA_COGNITO_APP_CLIENT_ID", client);
  }

  @Test
  void validAccessTokenGivesTheCallersClaimsAndNeverTheToken() throws Exception {
    HttpResponse<String> r = me("Bearer " + token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"username\":\"ana\"", "\"client_id\":\"" + client + "\"", "\"token_use\":\"access\"")
        .doesNotContain(token).doesNotContain(token.split("\\.")[2]);
  }

  @Test
  void tokenOfAnotherAppClientForgedOrMissingIsInvalidToken() throws Exception {
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("\"ana\"", "\"root\"");
    String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    for (String auth : new String[] {"Bearer " + otherClientsToken, "Bearer " + forged, "Bearer not-a-jwt", null}) {
      HttpResponse<String> r = me(auth);
      assertThat(r.statusCode()).as(String.valueOf(auth)).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
      assertThat(r.body()).contains("\"error\":\"invalid_token\"");
      if (auth != null) {
        assertThat(r.body()).doesNotContain(auth.substring(7));
      }
    }
    assertThat(me("Bearer " + otherClientsToken).body()).contains("client_id");
  }

  @Test
  void doctorLoginAgainstTheRealApiAcceptsTheTokenAndExplainsAnotherClientsToken() throws Exception {
    DoctorProcess.Report ok = DoctorProcess.run(doctorEnv(), token + "\n", "login", "--url", url());
    assertThat(ok.exit()).as(ok.out()).isZero();
    assertThat(ok.hop("/v1/auth/me", "status")).isEqualTo("UP");
    assertThat(ok.out()).doesNotContain(token);

    DoctorProcess.Report other = DoctorProcess.run(doctorEnv(), otherClientsToken + "\n", "login", "--url", url());
    assertThat(other.exit()).as(other.out()).isEqualTo(1);
    assertThat(other.firstFailingHop()).isEqualTo("access token");
    assertThat(other.hop("/v1/auth/me", "detail")).startsWith("GET " + url() + "/v1/auth/me → 401 invalid_token");
    assertThat(other.next()).startsWith("the token was issued to app client ").contains(client);
    assertThat(other.out()).doesNotContain(otherClientsToken);
  }
}

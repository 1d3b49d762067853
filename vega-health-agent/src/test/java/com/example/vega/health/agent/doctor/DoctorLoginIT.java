package com.example.vega.health.agent.doctor;

import static com.example.vega.health.agent.doctor.DoctorRun.hop;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "Login failing": {@code doctor login} against a stub of the API's {@code /v1/auth/me} (the
 * example API gains it later), which accepts one token and answers every other with 401
 * {@code invalid_token}, as the API does. Tokens are Cognito-shaped JWTs made here: the doctor
 * reads their claims and never checks the signature (the API does).
 */
class DoctorLoginIT {
  static final String REGION = "us-west-1";
  static final String POOL = "us-west-1_AbCdEf123";
  static final String CLIENT = "5u8dh3example0client0id";
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  HttpServer api;
  String accepted;
  Map<String, String> env;

  @BeforeEach
  void stub() throws Exception {
    accepted = jwt("https://cognito-idp." + REGION + ".amazonaws.com/" + POOL, CLIENT, "access", NOW.plusSeconds(600));
    api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    api.createContext("/v1/auth/me", ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      boolean ok = ("Bearer " + accepted).equals(auth);
      byte[] body = (ok ? "{\"username\":\"ana\"}" : "{\"error\":\"invalid_token\"}").getBytes(StandardCharsets.UTF_8);
      if (!ok) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      }
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(ok ? 200 : 401, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    api.start();
    env = new HashMap<>();
    env.put("VEGA_AUTH_PROVIDER", "cognito");
    env.put("VEGA_COGNITO_REGION", REGION);
    env.put("VEGA_COGNITO_USER_POOL_ID", POOL);
    env.put("VEGA_COGNITO_APP_CLIENT_ID", CLIENT);
  }

  @AfterEach
  void stop() {
    api.stop(0);
  }

  static String jwt(String iss, String clientId, String use, Instant exp) {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    String header = b.encodeToString("{\"kid\":\"k1\",\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b.encodeToString(("{\"sub\":\"8f1e\",\"iss\":\"" + iss + "\",\"client_id\":\"" + clientId
        + "\",\"token_use\":\"" + use + "\",\"scope\":\"aws.cognito.signin.user.admin\",\"exp\":" + exp.getEpochSecond()
        + ",\"iat\":" + (exp.getEpochSecond() - 3600) + ",\"username\":\"ana\"}").getBytes(StandardCharsets.UTF_8));
    return header + "." + payload + "." + b.encodeToString("not-checked".getBytes(StandardCharsets.UTF_8));
  }

  Map<String, Object> login(String token) throws Exception {
    Map<String, Object> json = DoctorRun.json(env, "", CLOCK, "login", "--url", url(), "--token", token);
    assertThat(json.toString()).doesNotContain(token);
    return json;
  }

  String url() {
    return "http://127.0.0.1:" + api.getAddress().getPort();
  }

  @Test
  void acceptedTokenIsUpEndToEnd() throws Exception {
    Map<String, Object> json = login(accepted);
    assertThat(json).containsEntry("exitCode", 0.0);
    assertThat(hop(json, "access token")).containsEntry("status", "UP");
    assertThat(hop(json, "/v1/auth/me")).containsEntry("status", "UP");
  }

  @Test
  void tokenOnStdinIsReadAndNeverPrinted() throws Exception {
    Map<String, Object> json = DoctorRun.json(env, accepted + "\n", CLOCK, "login", "--url", url());
    assertThat(json).containsEntry("exitCode", 0.0);
    assertThat(json.toString()).doesNotContain(accepted).contains("access token given (not printed)");
  }

  @Test
  void expiredTokenIsExplained() throws Exception {
    Map<String, Object> json = login(jwt("https://cognito-idp." + REGION + ".amazonaws.com/" + POOL, CLIENT, "access",
        NOW.minusSeconds(7200)));
    assertThat(json).containsEntry("firstFailingHop", "access token").containsEntry("next",
        "the token expired 2 hours ago: sign in again; if fresh tokens expire at once, check the clock of the"
            + " machine that validates them");
    assertThat(hop(json, "/v1/auth/me")).containsEntry("status", "DOWN").containsEntry("detail",
        "GET " + url() + "/v1/auth/me → 401 invalid_token: expired at 2026-11-30T10:00:00Z (2 hours ago)");
  }

  @Test
  void tokenOfAnotherPoolIsExplained() throws Exception {
    Map<String, Object> json = login(jwt("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other", CLIENT, "access",
        NOW.plusSeconds(600)));
    assertThat(json).containsEntry("next", "the token comes from https://cognito-idp.eu-west-1.amazonaws.com/"
        + "eu-west-1_Other, not the configured pool https://cognito-idp.us-west-1.amazonaws.com/" + POOL
        + ": VEGA_COGNITO_REGION or VEGA_COGNITO_USER_POOL_ID in the API task definition (or the frontend's pool) is"
        + " wrong");
  }

  @Test
  void tokenOfAnotherAppClientIsExplained() throws Exception {
    Map<String, Object> json = login(jwt("https://cognito-idp." + REGION + ".amazonaws.com/" + POOL, "otherclient",
        "access", NOW.plusSeconds(600)));
    assertThat(hop(json, "access token")).containsEntry("detail",
        "issued to app client otherclient, not VEGA_COGNITO_APP_CLIENT_ID");
    assertThat((String) json.get("next")).startsWith("the token was issued to app client otherclient, not"
        + " VEGA_COGNITO_APP_CLIENT_ID " + CLIENT);
  }

  @Test
  void idTokenIsNotAnAccessToken() throws Exception {
    Map<String, Object> json = login(jwt("https://cognito-idp." + REGION + ".amazonaws.com/" + POOL, CLIENT, "id",
        NOW.plusSeconds(600)));
    assertThat(json).containsEntry("next", "the token's token_use is id: the API takes access tokens; send the access"
        + " token, not the id token");
  }

  @Test
  void somethingThatIsNotAJwtIsNamed() throws Exception {
    Map<String, Object> json = login("not-a-jwt-at-all");
    assertThat(hop(json, "access token")).containsEntry("status", "DOWN").containsEntry("detail",
        "not a JWT: 1 parts, a JWT has 3");
  }

  @Test
  void rightLookingTokenTheApiStillRejectsPointsAtTheApisSettings() throws Exception {
    Map<String, Object> json = login(jwt("https://cognito-idp." + REGION + ".amazonaws.com/" + POOL, CLIENT, "access",
        NOW.plusSeconds(900)));
    assertThat(hop(json, "access token")).containsEntry("status", "UP");
    assertThat(json).containsEntry("firstFailingHop", "/v1/auth/me");
    assertThat((String) json.get("next")).startsWith("the API rejected a token that looks right for the configured pool"
        + " and client: the API's own VEGA_COGNITO_* settings may differ");
  }

  @Test
  void authProviderThatIsNotCognitoIsDown() throws Exception {
    env.put("VEGA_AUTH_PROVIDER", "local");
    assertThat(hop(login(accepted), "cognito settings")).containsEntry("status", "DOWN")
        .containsEntry("detail", "VEGA_AUTH_PROVIDER is 'local', not cognito");
  }
}

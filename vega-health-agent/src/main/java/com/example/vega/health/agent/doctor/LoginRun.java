package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import com.example.vega.health.agent.Text;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code doctor login --url https://api.<env>... [--token T]} (or the token on stdin): "Login
 * failing". The Cognito settings the API needs, the access token decoded locally (never printed,
 * its signature left to the API: expired, issued by another pool or to another app client, not an
 * access token), and {@code /v1/auth/me} with it, whose {@code invalid_token} the decoding explains.
 */
final class LoginRun {
  private LoginRun() {}

  /** What the doctor reads from an access token's payload. */
  record Claims(@Nullable String issuer, @Nullable String clientId, @Nullable String tokenUse, @Nullable Instant expires) {}

  static Report run(Args args, Context ctx, InputStream stdin) throws CannotRun {
    URI base = UrlRun.uri(args.get("url"), "--url");
    String given = args.get("token");
    String token = tokenOf(given == null || given.equals("-") ? readToken(stdin) : given);
    ctx.secret(token);
    String t = token;
    List<Hop> hops = Walk.run(ctx, List.of(
        Step.of("cognito settings", LoginRun::settings),
        Step.of("access token", c -> decoded(c, t)),
        Step.of("/v1/auth/me", c -> authMe(c, base, t))));
    ctx.note("access token given (not printed)");
    return ctx.report("login at " + base, hops);
  }

  /** The access token as given, without a {@code Bearer } prefix; an empty one cannot run. */
  static String tokenOf(String given) throws CannotRun {
    String token = given.trim();
    if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = token.substring(7).trim();
    }
    if (token.isEmpty()) {
      throw new CannotRun("no access token: pass --token <access token>, or the token on stdin");
    }
    return token;
  }

  static String readToken(InputStream stdin) throws CannotRun {
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.US_ASCII));
      char[] buf = new char[16 * 1024];
      int n = r.read(buf);
      return n <= 0 ? "" : new String(buf, 0, n).strip();
    } catch (IOException e) {
      throw new CannotRun("could not read the token from stdin: " + Failure.sentence(e));
    }
  }

  static Hop settings(Context ctx) {
    List<String> missing = new ArrayList<>();
    for (String s : List.of(Settings.COGNITO_REGION, Settings.COGNITO_USER_POOL_ID, Settings.COGNITO_APP_CLIENT_ID)) {
      if (ctx.setting(s) == null) {
        missing.add(s);
      }
    }
    String provider = ctx.setting(Settings.AUTH_PROVIDER);
    if (provider != null && !provider.equals("cognito")) {
      return Hop.of("cognito settings", Status.DOWN, 0, "VEGA_AUTH_PROVIDER is " + com.example.vega.health.VegaSettings
          .shown(provider) + ", not cognito", Runbook.LOGIN_SETTINGS.text());
    }
    if (!missing.isEmpty()) {
      return Hop.of("cognito settings", Status.UNKNOWN, 0, String.join(", ", missing) + " not set here: the token's"
          + " pool and client cannot be compared", Runbook.LOGIN_SETTINGS.text());
    }
    return Hop.up("cognito settings", 0, "pool " + ctx.setting(Settings.COGNITO_USER_POOL_ID) + " in "
        + ctx.setting(Settings.COGNITO_REGION) + ", app client " + ctx.setting(Settings.COGNITO_APP_CLIENT_ID));
  }

  /** The payload of a JWT, without checking its signature (the API does that). */
  static Claims claims(String token) throws JsonBody.Malformed {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new JsonBody.Malformed(parts.length + " parts, a JWT has 3");
    }
    String json;
    try {
      json = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new JsonBody.Malformed("the payload is not base64url");
    }
    Map<String, Object> p = JsonBody.parseObject(json);
    Object exp = p.get("exp");
    return new Claims(str(p.get("iss")), str(p.get("client_id")), str(p.get("token_use")),
        exp instanceof Double d ? Instant.ofEpochSecond(d.longValue()) : null);
  }

  private static @Nullable String str(@Nullable Object o) {
    return o instanceof String s ? Text.oneLine(s, 200) : null;
  }

  static Hop decoded(Context ctx, String token) {
    String hop = "access token";
    Claims c;
    try {
      c = claims(token);
    } catch (JsonBody.Malformed e) {
      return Hop.of(hop, Status.DOWN, 0, "not a JWT: " + e.getMessage(), Runbook.TOKEN_MALFORMED.text("why", e.getMessage()));
    }
    String region = ctx.setting(Settings.COGNITO_REGION);
    String pool = ctx.setting(Settings.COGNITO_USER_POOL_ID);
    String client = ctx.setting(Settings.COGNITO_APP_CLIENT_ID);
    String expected = region == null || pool == null ? null : "https://cognito-idp." + region + ".amazonaws.com/" + pool;
    List<String> evidence = List.of("iss " + c.issuer(), "client_id " + c.clientId(), "token_use " + c.tokenUse(),
        "exp " + c.expires());
    Instant now = ctx.clock.instant();
    if (c.expires() == null) {
      return new Hop(hop, Status.DOWN, 0, "the token has no exp claim", Runbook.TOKEN_MALFORMED.text("why",
          "no exp"), evidence);
    }
    if (!c.expires().isAfter(now)) {
      String ago = FrontendHops.human(Duration.between(c.expires(), now));
      return new Hop(hop, Status.DOWN, 0, "expired at " + c.expires() + " (" + ago + " ago)",
          Runbook.TOKEN_EXPIRED.text("ago", ago), evidence);
    }
    if (expected != null && !expected.equals(c.issuer())) {
      return new Hop(hop, Status.DOWN, 0, "issued by " + c.issuer() + ", not the configured pool",
          Runbook.TOKEN_ISSUER.text("issuer", String.valueOf(c.issuer()), "expected", expected), evidence);
    }
    if (!"access".equals(c.tokenUse())) {
      return new Hop(hop, Status.DOWN, 0, "token_use is " + c.tokenUse() + ", not access",
          Runbook.TOKEN_USE.text("use", String.valueOf(c.tokenUse())), evidence);
    }
    if (client != null && !client.equals(c.clientId())) {
      return new Hop(hop, Status.DOWN, 0, "issued to app client " + c.clientId() + ", not VEGA_COGNITO_APP_CLIENT_ID",
          Runbook.TOKEN_CLIENT.text("client", String.valueOf(c.clientId()), "expected", client), evidence);
    }
    String compared = expected == null || client == null ? " (pool and client not compared: settings not set)" : "";
    return new Hop(hop, Status.UP, 0, "an access token of " + c.issuer() + " for app client " + c.clientId()
        + ", valid until " + c.expires() + compared, "", evidence);
  }

  static Hop authMe(Context ctx, URI base, String token) throws CannotRun {
    String hop = "/v1/auth/me";
    URI me = base.resolve("/v1/auth/me");
    HttpClient http = UrlRun.client(ctx.timeout);
    UrlRun.Answer a = UrlRun.get(http, me, "application/json", token, ctx.timeout);
    String error = "";
    try {
      Object e = JsonBody.parseObject(a.body()).get("error");
      error = e instanceof String s ? Text.oneLine(s, 80) : "";
    } catch (JsonBody.Malformed ignored) {
      // not JSON: the status says it
    }
    if (a.status() == 200) {
      return Hop.up(hop, a.latencyMs(), "GET " + me + " → 200: the API accepts the token");
    }
    if (a.status() == 401 || a.status() == 403) {
      String said = "GET " + me + " → " + a.status() + (error.isEmpty() ? "" : " " + error);
      Hop local = decoded(ctx, token);
      // The decoding names the cause when it found one; otherwise the API's own settings differ.
      return Hop.of(hop, Status.DOWN, a.latencyMs(), said + (local.status() == Status.DOWN
          ? ": " + local.detail() : ""), local.status() == Status.DOWN ? local.hint() : Runbook.AUTH_ME_REJECTED.text());
    }
    return Hop.of(hop, Status.DOWN, a.latencyMs(), "GET " + me + " → " + a.status(),
        Runbook.AUTH_ME_FAILED.text("status", String.valueOf(a.status())));
  }
}

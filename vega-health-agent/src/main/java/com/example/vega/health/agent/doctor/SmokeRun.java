package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import com.example.vega.health.agent.Text;
import com.example.vega.health.checks.internal.AwsFailures;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InitiateAuthResponse;

/**
 * {@code doctor smoke --url https://api.<env>...}: the runbook's smoke test
 * ({@code scripts/aws/smoke-test.sh}) as a command. Signs in as the test user (Cognito
 * {@code InitiateAuth} USER_PASSWORD_AUTH with {@code VEGA_SMOKE_USERNAME}/{@code VEGA_SMOKE_PASSWORD},
 * or an access token on stdin), proves the token at {@code /v1/auth/me}, submits a tiny scan, follows
 * it through queued → claimed → running → done, naming the stage where it stopped with
 * {@code doctor scan}'s next steps, and fetches its report. The password and the token are never printed.
 */
final class SmokeRun {
  /** What the smoke test submits: small, and with something for the scanner to find. */
  static final String SOURCE = "# vega smoke test\npassword = 'not-a-real-secret'\n";
  private static final Duration POLL = Duration.ofMillis(500);

  private SmokeRun() {}

  /** What following the scan saw: the statuses in order, and the last answer's fields. */
  record Followed(List<String> seen, String last, @Nullable String failureReason, @Nullable Object findings,
      long waitedMs, boolean finished) {}

  static final Context.Fact<String> SCAN = new Context.Fact<>("smoke scan id", String.class);
  static final Context.Fact<Followed> FOLLOWED = new Context.Fact<>("smoke scan followed", Followed.class);

  static Report run(Args args, Context ctx, InputStream stdin) throws CannotRun {
    URI base = UrlRun.uri(args.get("url"), "--url");
    Duration wait = Args.duration(args.get("wait", "120s"), "--wait");
    HttpClient http = UrlRun.client(ctx.timeout);
    String username = ctx.setting(Settings.SMOKE_USERNAME);
    String password = ctx.setting(Settings.SMOKE_PASSWORD);
    ctx.secret(password);
    String given = args.get("token");
    List<Step> steps = new ArrayList<>();
    String[] token = new String[1];
    if (given != null) {
      token[0] = LoginRun.tokenOf(given.equals("-") ? LoginRun.readToken(stdin) : given);
      ctx.secret(token[0]);
      ctx.note("access token given (not printed)");
    } else if (username != null && password != null) {
      steps.add(Step.of("sign in", c -> signIn(c, username, password, token)).stopping());
      ctx.note("signing in as " + username + " (password not printed)");
    } else if ("local".equals(ctx.setting(Settings.AUTH_PROVIDER))) {
      ctx.note("VEGA_AUTH_PROVIDER is local: the API signs nobody in, the scan is submitted without a token");
    } else {
      throw new CannotRun("no test user: set VEGA_SMOKE_USERNAME and VEGA_SMOKE_PASSWORD (with VEGA_COGNITO_REGION"
          + " and VEGA_COGNITO_APP_CLIENT_ID), or pass an access token on stdin with --token -");
    }
    if (token[0] != null || !steps.isEmpty()) {
      // The token signed in with (or given) is the one the API must accept, before any scan.
      steps.add(Step.of("/v1/auth/me", c -> LoginRun.authMe(c, base, java.util.Objects.requireNonNull(token[0],
          "token"))).stopping());
    }
    steps.add(Step.of("submit scan", c -> submit(c, http, base, token[0])).stopping());
    steps.add(Step.of("worker claims the scan", c -> follow(c, http, base, token[0], wait)).stopping());
    steps.add(Step.of("runner runs the scan", SmokeRun::running).stopping());
    steps.add(Step.of("scan done", SmokeRun::done).stopping());
    steps.add(Step.of("scan report", c -> report(c, http, base, token[0])));
    List<Hop> hops = Walk.run(ctx, steps);
    String id = ctx.fact(SCAN);
    for (Hop h : hops) {
      if (h.status() == Status.DOWN) {
        if (id != null) {
          ctx.note("the scan stopped at: " + h.name() + "; doctor scan " + id
              + " follows it further (its row, runner task, logs and artifacts)");
        }
        break;
      }
    }
    return ctx.report("smoke test of " + base + (id == null ? "" : ", scan " + id), hops);
  }

  /** Cognito InitiateAuth USER_PASSWORD_AUTH: an unauthenticated call, so no AWS credentials are used. */
  static Hop signIn(Context ctx, String username, String password, String[] token) throws CannotRun {
    String hop = "sign in";
    String region = ctx.setting(Settings.COGNITO_REGION);
    String client = ctx.setting(Settings.COGNITO_APP_CLIENT_ID);
    if (region == null || client == null) {
      throw new CannotRun("signing in needs VEGA_COGNITO_REGION and VEGA_COGNITO_APP_CLIENT_ID (the frontend's"
          + " app client)");
    }
    long start = System.nanoTime();
    InitiateAuthResponse r;
    try (CognitoIdentityProviderClient cognito = cognito(ctx, region)) {
      r = cognito.initiateAuth(b -> b.clientId(client).authFlow(AuthFlowType.USER_PASSWORD_AUTH)
          .authParameters(Map.of("USERNAME", username, "PASSWORD", password)));
    } catch (SdkException e) {
      return signInFailed(ctx, e, username, client).hop(hop, Hop.since(start));
    } catch (RuntimeException e) {
      throw new CannotRun("no Cognito client: " + Failure.sentence(e) + " (check VEGA_COGNITO_REGION)");
    }
    long ms = Hop.since(start);
    if (r.challengeName() != null) {
      return Hop.of(hop, Status.DOWN, ms, "Cognito asks " + username + " for " + r.challengeNameAsString()
          + " instead of signing in", Runbook.SMOKE_CHALLENGE.text("user", username,
              "challenge", r.challengeNameAsString()));
    }
    if (r.authenticationResult() == null || r.authenticationResult().accessToken() == null) {
      return Hop.of(hop, Status.DOWN, ms, "Cognito answered without an access token", Runbook.LOGIN_SETTINGS.text());
    }
    token[0] = r.authenticationResult().accessToken();
    ctx.secret(token[0]);
    ctx.secret(r.authenticationResult().idToken());
    ctx.secret(r.authenticationResult().refreshToken());
    return Hop.up(hop, ms, "signed in as " + username + " with app client " + client + " (token not printed)");
  }

  private static CognitoIdentityProviderClient cognito(Context ctx, String region) {
    var b = CognitoIdentityProviderClient.builder().region(Region.of(region))
        .credentialsProvider(AnonymousCredentialsProvider.create())
        .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(3))
            .socketTimeout(Duration.ofSeconds(10)).build());
    String endpoint = ctx.setting("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER");
    if (endpoint == null || endpoint.isBlank()) {
      endpoint = ctx.setting("AWS_ENDPOINT_URL");
    }
    if (endpoint != null && !endpoint.isBlank()) {
      b.endpointOverride(URI.create(endpoint.trim()));
    }
    return b.build();
  }

  /** Cognito's own error codes for a sign-in, each to its step; anything else as every AWS failure reads. */
  static Failure signInFailed(Context ctx, SdkException e, String username, String client) {
    String code = AwsFailures.errorCode(e);
    Runbook step = switch (code) {
      case "NotAuthorizedException" -> Runbook.SMOKE_NOT_AUTHORIZED;
      case "UserNotFoundException" -> Runbook.SMOKE_NO_USER;
      case "UserNotConfirmedException", "PasswordResetRequiredException" -> Runbook.SMOKE_USER_STATE;
      case "ResourceNotFoundException" -> Runbook.SMOKE_NO_CLIENT;
      case "InvalidParameterException" -> Runbook.SMOKE_FLOW;
      default -> null;
    };
    if (step == null) {
      return Failure.aws(e, "Cognito", "cognito-idp:InitiateAuth");
    }
    return new Failure(com.example.vega.health.ErrorKind.OTHER, Status.DOWN,
        "Cognito refused to sign in " + username + " (" + code + ")",
        step.text("user", username, "client", client, "code", code));
  }

  static Hop submit(Context ctx, HttpClient http, URI base, @Nullable String token) throws CannotRun {
    String hop = "submit scan";
    URI scans = base.resolve("/v1/scans");
    HttpRequest.Builder b = HttpRequest.newBuilder(scans).timeout(ctx.timeout).header("Accept", "application/json")
        .header("Content-Type", "text/plain").header("User-Agent", "vega-doctor")
        .POST(HttpRequest.BodyPublishers.ofString(SOURCE, StandardCharsets.UTF_8));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    UrlRun.Answer a = UrlRun.send(http, b.build(), ctx.timeout);
    String id = null;
    try {
      if (JsonBody.parseObject(a.body()).get("id") instanceof String s && s.matches("[A-Za-z0-9_-]{1,128}")) {
        id = s;
      }
    } catch (JsonBody.Malformed ignored) {
      // the status says what went wrong
    }
    if (a.status() / 100 == 2 && id != null) {
      ctx.remember(SCAN, id);
      return Hop.up(hop, a.latencyMs(), "POST " + scans + " → " + a.status() + ", scan " + id);
    }
    String hint = a.status() == 401 || a.status() == 403 ? Runbook.AUTH_ME_REJECTED.text()
        : a.status() == 502 || a.status() == 503 || a.status() == 504 ? Runbook.API_DOWN.text(ctx)
        : Runbook.SMOKE_SUBMIT.text(ctx, "status", String.valueOf(a.status()));
    return Hop.of(hop, Status.DOWN, a.latencyMs(), "POST " + scans + " → " + a.status()
        + (a.status() / 100 == 2 ? " without a scan id" : ""), hint);
  }

  /** Polls {@code GET /v1/scans/<id>} until done or failed, or until {@code wait} has passed. */
  static Hop follow(Context ctx, HttpClient http, URI base, @Nullable String token, Duration wait) throws CannotRun {
    String hop = "worker claims the scan";
    String id = ctx.established(SCAN);
    URI uri = base.resolve("/v1/scans/" + id);
    List<String> seen = new ArrayList<>();
    long start = System.nanoTime();
    long deadline = start + wait.toNanos();
    String last = "";
    String reason = null;
    Object findings = null;
    boolean finished = false;
    while (true) {
      UrlRun.Answer a = UrlRun.get(http, uri, "application/json", token, ctx.timeout);
      if (a.status() != 200) {
        return Hop.of(hop, Status.DOWN, Hop.since(start), "GET " + uri + " → " + a.status(),
            Runbook.SMOKE_SUBMIT.text(ctx, "status", String.valueOf(a.status())));
      }
      Map<String, Object> doc;
      try {
        doc = JsonBody.parseObject(a.body());
      } catch (JsonBody.Malformed e) {
        throw new CannotRun(uri + " answered 200 but not with the scan's JSON (" + e.getMessage() + ")");
      }
      last = doc.get("status") instanceof String s ? Text.oneLine(s, 40).toLowerCase(java.util.Locale.ROOT) : "?";
      reason = doc.get("failureReason") instanceof String s && !s.isBlank() ? Text.oneLine(s, 300) : null;
      findings = doc.get("findings");
      long at = Hop.since(start);
      if (seen.isEmpty() || !seen.get(seen.size() - 1).startsWith(last + " ")) {
        seen.add(last + " at +" + at + " ms");
      }
      if (last.equals("done") || last.equals("failed")) {
        finished = true;
        break;
      }
      if (System.nanoTime() >= deadline) {
        break;
      }
      sleep();
    }
    long ms = Hop.since(start);
    Followed f = new Followed(seen, last, reason, findings, ms, finished);
    ctx.remember(FOLLOWED, f);
    if (last.equals("queued")) {
      String waited = wait.toSeconds() < 120 ? wait.toSeconds() + " s" : FrontendHops.human(wait);
      return new Hop(hop, Status.DOWN, ms, "still queued after " + waited + ": the worker hasn't picked it up",
          Runbook.SCAN_QUEUED.text(ctx), f.seen());
    }
    return new Hop(hop, Status.UP, 0, "claimed (status " + last + ")", "", f.seen());
  }

  static Hop running(Context ctx) {
    String hop = "runner runs the scan";
    Followed f = ctx.established(FOLLOWED);
    if (f.last().equals("claimed")) {
      return Hop.of(hop, Status.DOWN, 0, "still claimed after " + f.waitedMs() + " ms: no runner has started it",
          Runbook.RUNNER_NOT_LAUNCHED.text(ctx));
    }
    if (f.last().equals("failed")) {
      return Hop.of(hop, Status.DOWN, 0, "failed" + (f.failureReason() == null ? "" : ": " + f.failureReason()),
          Runbook.RUNNER_FAILED.text(ctx));
    }
    if (!f.last().equals("running") && !f.last().equals("done")) {
      return Hop.of(hop, Status.UNKNOWN, 0, "status " + f.last() + " is not one of queued, claimed, running, done,"
          + " failed", Runbook.RUNNER_GONE.text(ctx));
    }
    return Hop.up(hop, 0, f.last().equals("done") ? "ran (status done)" : "running");
  }

  static Hop done(Context ctx) {
    String hop = "scan done";
    Followed f = ctx.established(FOLLOWED);
    if (!f.finished()) {
      return Hop.of(hop, Status.DOWN, f.waitedMs(), "still " + f.last() + " after " + f.waitedMs() + " ms",
          Runbook.RUNNER_GONE.text(ctx));
    }
    return Hop.up(hop, f.waitedMs(), "done in about " + f.waitedMs() + " ms"
        + (f.findings() instanceof Double d ? ", " + d.longValue() + " findings" : ""));
  }

  /** {@code GET /v1/scans/<id>/report}: the scan's {@code v16-report.json}, as the frontend shows it. */
  static Hop report(Context ctx, HttpClient http, URI base, @Nullable String token) throws CannotRun {
    String hop = "scan report";
    String id = ctx.established(SCAN);
    URI uri = base.resolve("/v1/scans/" + id + "/report");
    UrlRun.Answer a = UrlRun.get(http, uri, "application/json", token, ctx.timeout);
    if (a.status() == 200) {
      try {
        Map<String, Object> doc = JsonBody.parseObject(a.body());
        return Hop.up(hop, a.latencyMs(), "GET " + uri + " → 200, " + a.body().length() + " bytes of JSON ("
            + String.join(", ", doc.keySet().stream().limit(8).map(k -> Text.oneLine(k, 40)).toList()) + ")");
      } catch (JsonBody.Malformed e) {
        return Hop.of(hop, Status.DOWN, a.latencyMs(), "GET " + uri + " → 200 but not JSON (" + e.getMessage() + ")",
            Runbook.ARTIFACT_MISSING.text(ctx));
      }
    }
    return Hop.of(hop, Status.DOWN, a.latencyMs(), "GET " + uri + " → " + a.status()
        + (a.status() == 404 ? ": no v16-report.json for the scan" : ""), Runbook.ARTIFACT_MISSING.text(ctx));
  }

  private static void sleep() throws CannotRun {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CannotRun("interrupted");
    }
  }
}

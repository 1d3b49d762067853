package com.example.vega.health.checks;

import com.example.vega.health.DependencyCall;
import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ComponentType;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.Setting;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.Caller;
import com.example.vega.health.checks.internal.HttpFailures;
import com.example.vega.health.Failures;
import com.example.vega.health.token.ScanTokenHandoff;
import com.example.vega.health.token.TokenReference;
import java.util.List;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The runner's way to the LLM: vega-llm-proxy reachable at {@code VEGA_LLM_PROXY_BASE_URL}, and the
 * scan-scoped token present, a well-formed JWT, not expired (DEGRADED when it expires soon) and
 * accepted by the proxy. The token never appears in a result, message or log; the proxy's answer
 * body is never read.
 *
 * <p>A runner that gets its token through the hand-off ({@link ScanTokenHandoff}) has only its
 * reference, {@code VEGA_LLM_PROXY_TOKEN_REF}. When the application redeemed it through the same
 * core (same class loader), this check validates that token as above. Otherwise it never reads the
 * reference (a read consumes it) and says what it can prove without: the reference is well-formed;
 * a {@code file:} token file exists and is owner-only, or the secret exists (DescribeSecret, with a
 * Secrets Manager client); a reference seen present and then gone, or redeemed by another copy of
 * this core in the JVM (the agent's), was redeemed by the runner; one never seen present is DOWN.
 * The proxy must answer as well; its messages say the token itself was not read.
 */
public final class LlmProxyCheck implements HealthCheck {
  private final ProxyEndpoint proxy;
  private final Supplier<@Nullable String> token;
  private final Supplier<@Nullable String> reference;
  private final TokenPresence.@Nullable SecretLookup secretLookup;
  private final Duration expiryWarning;
  private final Caller who;
  /** The reference this check saw present: its disappearance afterwards is the runner's redeem. */
  private final AtomicReference<@Nullable String> seen = new AtomicReference<>();

  private LlmProxyCheck(Builder b, Caller who) {
    this.proxy = new ProxyEndpoint(b.http, b.baseUrl, b.path, who);
    this.token = b.token;
    this.reference = b.reference;
    this.secretLookup = b.secretLookup;
    this.expiryWarning = b.expiryWarning;
    this.who = who;
  }

  /**
   * A check of the proxy at {@code baseUrl} with the scan-scoped token {@code token} supplies
   * (read at each run: a runner may get its token after start).
   */
  public static Builder builder(HttpClient http, URI baseUrl, Supplier<@Nullable String> token) {
    return new Builder(http, baseUrl, token);
  }

  /**
   * In a role profile: needs VEGA_LLM_PROXY_BASE_URL; reads VEGA_LLM_PROXY_TOKEN, else
   * VEGA_LLM_PROXY_TOKEN_REF, at each run. A secret reference is described with the service's
   * SecretsManagerClient; without one, the config check names it.
   */
  static @Nullable CheckRegistration inProfile(Profile p, CheckPolicy policy) {
    String base = p.valid(Setting.LLM_PROXY_BASE_URL);
    if (base == null) {
      return null;
    }
    VegaSettings settings = p.settings();
    Builder b = builder(p.http(), URI.create(base), () -> Setting.LLM_PROXY_TOKEN.raw(settings))
        .tokenReference(() -> Setting.LLM_PROXY_TOKEN_REF.raw(settings)).caller(p.caller());
    String ref = p.valid(Setting.LLM_PROXY_TOKEN_REF);
    if (ref != null && Setting.LLM_PROXY_TOKEN.raw(settings) == null && ScanTokenHandoff.redeemed(ref).isEmpty()
        && TokenReference.parse(ref).kind() == TokenReference.Kind.SECRET_ARN) {
      // Compared with null before it is used: the SDK's class is loaded only when a client is given.
      SecretsManagerClient sm = p.clients().secrets();
      if (sm == null) {
        p.client(null, "SecretsManagerClient", "the scan token's secret (VEGA_LLM_PROXY_TOKEN_REF) is not "
            + "described: whether the worker put it is not known");
      } else {
        b.referenceSecrets(sm);
      }
    }
    return b.build().registration(policy);
  }

  /** Registered as {@code llm-proxy}, a component measured by {@code responseTime}. */
  public CheckRegistration registration(CheckPolicy policy) {
    return new CheckRegistration("llm-proxy", ComponentType.COMPONENT, "responseTime", policy, this);
  }

  @Override
  public CheckResult check(CheckContext ctx) throws InterruptedException {
    String t = token.get();
    if (t == null || t.isBlank()) {
      String ref = reference.get();
      if (ref == null || ref.isBlank()) {
        return CheckResult.down(ErrorKind.MISCONFIGURED,
            "the scan-scoped proxy token is missing (neither VEGA_LLM_PROXY_TOKEN_REF nor VEGA_LLM_PROXY_TOKEN is set)",
            "the runner needs its scan-scoped proxy token: check that the worker hands it over with "
                + "ScanTokenHandoff and passes VEGA_LLM_PROXY_TOKEN_REF (a secret ARN or file: URI the runner "
                + "reads once) to the runner task; the token itself never goes in the RunTask request");
      }
      String mine = ScanTokenHandoff.redeemed(ref).orElse(null);
      if (mine == null) {
        return withoutToken(ref, ctx);
      }
      t = mine;
    }
    t = t.trim();
    String malformed = ProxyJwt.malformation(t);
    Long exp = malformed == null ? ProxyJwt.expiry(t) : null;
    if (exp == null) {
      return CheckResult.down(ErrorKind.MISCONFIGURED,
          "the scan-scoped proxy token is not a well-formed JWT ("
              + (malformed == null ? "no numeric exp claim" : malformed) + ")",
          "the runner needs a valid scan-scoped proxy token; check how the worker issues it");
    }
    Instant now = ctx.clock().now();
    long left = exp - now.getEpochSecond();
    if (left <= 0) {
      return CheckResult.down(ErrorKind.EXPIRED,
          "the scan-scoped proxy token expired " + human(-left) + " ago",
          "the runner needs a valid scan-scoped proxy token; a token lives as long as its scan; "
              + "check the worker issues tokens that outlast the runner's run time")
          .with("tokenExpiresIn", left, "s");
    }

    ProxyEndpoint.Answer answer = proxy.get(t, ctx);
    CheckResult failed = answer.failure();
    if (failed != null) {
      return failed.with("tokenExpiresIn", left, "s");
    }
    long ms = answer.ms();
    int code = answer.code();
    // The token is sent, so a 403 is the token rejected; any other 4xx means the base URL leads elsewhere.
    ErrorKind kind = HttpFailures.kind(code, true, ErrorKind.MISCONFIGURED);
    CheckResult result;
    if (kind != ErrorKind.NONE) {
      result = proxy.answered(kind, code);
    } else if (left <= expiryWarning.toSeconds()) {
      result = CheckResult.degraded(ErrorKind.EXPIRED,
          "the scan-scoped proxy token expires in " + human(left),
          "the token will be rejected soon: a scan that runs longer needs a fresh token from the worker");
    } else {
      result = CheckResult.up("LLM proxy at " + proxy.origin() + " accepted the scan-scoped token (expires in "
          + human(left) + ")");
    }
    return result.with("responseTime", ms, "ms").with("tokenExpiresIn", left, "s");
  }

  /**
   * Only the reference, which this check must not read: what can be proven without the token
   * (the reference, then whether the proxy answers at all).
   */
  private CheckResult withoutToken(String ref, CheckContext ctx) throws InterruptedException {
    TokenReference r;
    try {
      r = TokenReference.parse(ref);
    } catch (IllegalArgumentException e) {
      return CheckResult.down(ErrorKind.MISCONFIGURED, Objects.requireNonNullElse(e.getMessage(),
              TokenReference.SETTING + " is malformed"),
          "the worker passes the reference ScanTokenHandoff.put returned as VEGA_LLM_PROXY_TOKEN_REF in the "
              + "runner's RunTask overrides; check the worker's launch code");
    }
    String what = r.kind() == TokenReference.Kind.FILE ? "token file " + r : "token secret " + r;
    String evidence;
    boolean known = true;
    if (ScanTokenHandoff.redeemedInThisJvm(r.value())) {
      evidence = "the runner redeemed its scan token in this JVM (" + what + ")";
    } else {
      TokenPresence found = TokenPresence.of(r, secretLookup, ctx, who);
      if (found.failure() != null) {
        return found.failure();
      }
      switch (found.state()) {
        case PRESENT -> {
          seen.set(r.value());
          evidence = "the scan " + what + " is there"
              + (r.kind() == TokenReference.Kind.FILE ? " and owner-only" : " (DescribeSecret)");
        }
        case NOT_KNOWN -> {
          known = false;
          evidence = "whether the scan " + what + " exists is not known (no SecretsManagerClient given)";
        }
        default -> {
          if (!r.value().equals(seen.get())) {
            return TokenPresence.neverPresent(r, what, found.state());
          }
          evidence = "the scan token was redeemed by the runner (the " + what + ", seen before, is gone)";
        }
      }
    }

    ProxyEndpoint.Answer answer = proxy.get(null, ctx);
    CheckResult failed = answer.failure();
    if (failed != null) {
      return failed;
    }
    long ms = answer.ms();
    int code = answer.code();
    // No token is sent: 401 and 403 are the proxy asking for one, which proves it answers.
    ErrorKind kind = code == 401 || code == 403 ? ErrorKind.NONE : HttpFailures.kind(code, false, ErrorKind.MISCONFIGURED);
    if (kind != ErrorKind.NONE) {
      return proxy.answered(kind, code).with("responseTime", ms, "ms");
    }
    String message = "LLM proxy at " + proxy.origin() + " answers (" + code + " without a token); " + evidence
        + "; the token itself was not read here (the runner reads it once)";
    CheckResult result = known ? CheckResult.up(message)
        : CheckResult.unknown(message, "give the checks the runner's SecretsManagerClient (with "
            + "secretsmanager:DescribeSecret on the scan token secrets) to see the worker put the token");
    return result.with("responseTime", ms, "ms");
  }

  static String human(long seconds) {
    if (seconds < 120) {
      return seconds + "s";
    }
    if (seconds < 2 * 3600) {
      return (seconds / 60) + "m";
    }
    return (seconds / 3600) + "h";
  }

  /**
   * One GET of the proxy's health path (with the token when it has one); with only a secret
   * reference and a Secrets Manager client, one DescribeSecret too.
   */
  @Override
  public List<DependencyCall> callsPerRun() {
    DependencyCall get = new DependencyCall("llm-proxy", "GET " + proxy.path(), 1);
    return secretLookup == null ? List.of(get)
        : List.of(get, new DependencyCall("secretsmanager", "DescribeSecret", 1));
  }

  @Override
  public CheckResult onTimeout(Duration timeout) {
    return proxy.timedOut(timeout);
  }

  /** Builds an {@link LlmProxyCheck}; {@link #build()} validates. */
  public static final class Builder extends CallerBuilder<Builder> {
    private final HttpClient http;
    private final URI baseUrl;
    private final Supplier<@Nullable String> token;
    private Supplier<@Nullable String> reference = () -> null;
    private TokenPresence.@Nullable SecretLookup secretLookup;
    private String path = "/v1/health";
    private Duration expiryWarning = Duration.ofMinutes(10);

    private Builder(HttpClient http, URI baseUrl, Supplier<@Nullable String> token) {
      super("runner");
      this.http = Objects.requireNonNull(http, "http");
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
      this.token = Objects.requireNonNull(token, "token");
    }

    /**
     * Where the runner's token is when the token supplier has none: the value of
     * {@code VEGA_LLM_PROXY_TOKEN_REF} ({@link ScanTokenHandoff}), read at each run. The check uses
     * the token the application redeemed through this core, and never reads the reference itself.
     */
    public Builder tokenReference(Supplier<@Nullable String> reference) {
      this.reference = Objects.requireNonNull(reference, "reference");
      return this;
    }

    /**
     * The runner's Secrets Manager client: with a secret reference, the check calls DescribeSecret
     * (never GetSecretValue) to see the secret exists. Without it, that is reported as not known.
     */
    public Builder referenceSecrets(SecretsManagerClient secrets) {
      this.secretLookup = new ScanTokenSecret(secrets);
      return this;
    }

    /** The proxy path that needs the token; default {@code /v1/health}. */
    public Builder path(String path) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with '/', was '" + path + "'");
      }
      this.path = path;
      return this;
    }

    /** A token expiring within this is DEGRADED; default 10 minutes. */
    public Builder expiryWarning(Duration window) {
      if (window.isNegative()) {
        throw new IllegalArgumentException("expiryWarning must not be negative, was " + window);
      }
      this.expiryWarning = window;
      return this;
    }

    public LlmProxyCheck build() {
      String scheme = baseUrl.getScheme();
      if (!("http".equals(scheme) || "https".equals(scheme)) || baseUrl.getHost() == null) {
        throw new IllegalArgumentException("VEGA_LLM_PROXY_BASE_URL must be http(s)://host[:port]");
      }
      return new LlmProxyCheck(this, buildCaller(null));
    }
  }
}

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
import com.example.vega.health.failure.Caller;
import com.example.vega.health.failure.Failures;
import com.example.vega.health.failure.HttpFailures;
import java.util.List;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The runner's way to the LLM: vega-llm-proxy reachable at {@code VEGA_LLM_PROXY_BASE_URL}, and the
 * scan-scoped token present, a well-formed JWT, not expired (DEGRADED when it expires soon) and
 * accepted by the proxy. The token never appears in a result, message or log; the proxy's answer
 * body is never read.
 */
public final class LlmProxyCheck implements HealthCheck {
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern EXP = Pattern.compile("\"exp\"\\s*:\\s*(\\d{1,12})(\\.\\d+)?\\s*[,}]");

  private final HttpClient http;
  private final URI baseUrl;
  private final String origin;
  private final String path;
  private final Supplier<@Nullable String> token;
  private final Duration expiryWarning;
  private final Caller who;

  private LlmProxyCheck(Builder b, Caller who) {
    this.http = b.http;
    this.baseUrl = b.baseUrl;
    this.origin = Http.origin(b.baseUrl);
    this.path = b.path;
    this.token = b.token;
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

  /** In a role profile: needs VEGA_LLM_PROXY_BASE_URL; reads VEGA_LLM_PROXY_TOKEN at each run. */
  static @Nullable CheckRegistration inProfile(Profile p, CheckPolicy policy) {
    String base = p.valid(Setting.LLM_PROXY_BASE_URL);
    if (base == null) {
      return null;
    }
    VegaSettings settings = p.settings();
    return builder(p.http(), URI.create(base), () -> Setting.LLM_PROXY_TOKEN.raw(settings)).caller(p.caller())
        .build().registration(policy);
  }

  /** Registered as {@code llm-proxy}, a component measured by {@code responseTime}. */
  public CheckRegistration registration(CheckPolicy policy) {
    return new CheckRegistration("llm-proxy", ComponentType.COMPONENT, "responseTime", policy, this);
  }

  @Override
  public CheckResult check(CheckContext ctx) throws InterruptedException {
    String t = token.get();
    if (t == null || t.isBlank()) {
      return CheckResult.down(ErrorKind.MISCONFIGURED, "the scan-scoped proxy token is missing (VEGA_LLM_PROXY_TOKEN)",
          "the runner needs a valid scan-scoped proxy token; check that the worker passes "
              + "VEGA_LLM_PROXY_TOKEN to the runner task");
    }
    t = t.trim();
    String malformed = malformation(t);
    Long exp = malformed == null ? expiry(t) : null;
    if (exp == null) {
      return CheckResult.down(ErrorKind.MISCONFIGURED,
          "the scan-scoped proxy token is not a well-formed JWT ("
              + (malformed == null ? "no numeric exp claim" : malformed) + ")",
          "the runner needs a valid scan-scoped proxy token; check how the worker issues "
              + "VEGA_LLM_PROXY_TOKEN");
    }
    Instant now = ctx.clock().instant();
    long left = exp - now.getEpochSecond();
    if (left <= 0) {
      return CheckResult.down(ErrorKind.EXPIRED,
          "the scan-scoped proxy token expired " + human(-left) + " ago",
          "the runner needs a valid scan-scoped proxy token; a token lives as long as its scan; "
              + "check the worker issues tokens that outlast the runner's run time")
          .with("tokenExpiresIn", left, "s");
    }

    long start = System.nanoTime();
    HttpResponse<Void> response;
    try {
      response = Http.send(http, HttpRequest.newBuilder(baseUrl.resolve(path)).GET()
          .header("Authorization", "Bearer " + t), HttpResponse.BodyHandlers.discarding(), ctx);
    } catch (HttpTimeoutException e) {
      return CheckResult.down(ErrorKind.TIMEOUT,
          "no answer from the LLM proxy at " + origin + " within " + ctx.timeout().toMillis() + "ms",
          unreachableHint()).with("tokenExpiresIn", left, "s");
    } catch (IOException e) {
      ErrorKind net = Failures.network(e);
      ErrorKind kind = net == ErrorKind.UNKNOWN_HOST || net == ErrorKind.CONNECTION_REFUSED ? net : ErrorKind.OTHER;
      String what = switch (kind) {
        case UNKNOWN_HOST -> "the LLM proxy host " + baseUrl.getHost() + " does not resolve";
        case CONNECTION_REFUSED -> "the LLM proxy at " + origin + " refused the connection";
        default -> "the LLM proxy at " + origin + " is unreachable (" + e.getClass().getSimpleName() + ")";
      };
      return CheckResult.down(kind, what, unreachableHint()).with("tokenExpiresIn", left, "s");
    }
    long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
    int code = response.statusCode();
    // The token is sent, so a 403 is the token rejected; any other 4xx means the base URL leads elsewhere.
    ErrorKind kind = HttpFailures.kind(code, true, ErrorKind.MISCONFIGURED);
    String logs = who.logsTail("vega-llm-proxy", "30m");
    CheckResult result;
    if (kind != ErrorKind.NONE) {
      result = switch (kind) {
        case AUTHENTICATION -> HttpFailures.result(kind, "the LLM proxy rejected the scan-scoped token (" + code + ")",
            "the runner needs a valid scan-scoped proxy token; see why the proxy refused it: " + logs);
        case SERVER_ERROR -> HttpFailures.result(kind, "the LLM proxy answered " + code,
            "check LLM proxy logs for provider authentication errors (" + logs
                + ") and that the provider API key is correct in Secrets Manager");
        case THROTTLED -> HttpFailures.result(kind, "the LLM proxy is throttling (429)",
            "the proxy or the provider is rate limiting: the check tries again on its next run; if it "
                + "persists, look for rate-limit errors in " + logs);
        default -> HttpFailures.result(kind, "the LLM proxy at " + origin + " answered " + code + " to " + path,
            "check VEGA_LLM_PROXY_BASE_URL is the proxy's internal address");
      };
    } else if (left <= expiryWarning.toSeconds()) {
      result = CheckResult.degraded(ErrorKind.EXPIRED,
          "the scan-scoped proxy token expires in " + human(left),
          "the token will be rejected soon: a scan that runs longer needs a fresh token from the worker");
    } else {
      result = CheckResult.up("LLM proxy at " + origin + " accepted the scan-scoped token (expires in "
          + human(left) + ")");
    }
    return result.with("responseTime", ms, "ms").with("tokenExpiresIn", left, "s");
  }

  private String unreachableHint() {
    return "check that vega-llm-proxy is running (aws ecs describe-services --cluster " + who.cluster()
        + " --services vega-llm-proxy --region " + who.region() + ") and that VEGA_LLM_PROXY_BASE_URL is "
        + "the proxy's internal address";
  }

  /** Why the token is not three base64url parts with a JSON payload, or null when it is. */
  private static @Nullable String malformation(String t) {
    String[] parts = t.split("\\.", -1);
    if (parts.length != 3) {
      return "expected 3 dot-separated parts, found " + parts.length;
    }
    for (int i = 0; i < 2; i++) {
      if (!PART.matcher(parts[i]).matches()) {
        return (i == 0 ? "header" : "payload") + " is not base64url";
      }
      try {
        String json = new String(Base64.getUrlDecoder().decode(parts[i]), StandardCharsets.UTF_8).trim();
        if (!json.startsWith("{") || !json.endsWith("}")) {
          return (i == 0 ? "header" : "payload") + " is not a JSON object";
        }
      } catch (IllegalArgumentException e) {
        return (i == 0 ? "header" : "payload") + " is not base64url";
      }
    }
    if (!parts[2].isEmpty() && !PART.matcher(parts[2]).matches()) {
      return "signature is not base64url";
    }
    return null;
  }

  private static @Nullable Long expiry(String t) {
    String payload = new String(Base64.getUrlDecoder().decode(t.split("\\.")[1]), StandardCharsets.UTF_8);
    Matcher m = EXP.matcher(payload);
    return m.find() ? Long.valueOf(m.group(1)) : null;
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

  /** One GET of the proxy's health path with the token. */
  @Override
  public List<DependencyCall> callsPerRun() {
    return List.of(new DependencyCall("llm-proxy", "GET " + path, 1));
  }

  @Override
  public CheckResult onTimeout(Duration timeout) {
    return CheckResult.down(ErrorKind.TIMEOUT,
        "no answer from the LLM proxy at " + origin + " within " + timeout.toMillis() + "ms", unreachableHint());
  }

  /** Builds an {@link LlmProxyCheck}; {@link #build()} validates. */
  public static final class Builder extends CallerBuilder<Builder> {
    private final HttpClient http;
    private final URI baseUrl;
    private final Supplier<@Nullable String> token;
    private String path = "/v1/health";
    private Duration expiryWarning = Duration.ofMinutes(10);

    private Builder(HttpClient http, URI baseUrl, Supplier<@Nullable String> token) {
      super("runner");
      this.http = Objects.requireNonNull(http, "http");
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
      this.token = Objects.requireNonNull(token, "token");
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

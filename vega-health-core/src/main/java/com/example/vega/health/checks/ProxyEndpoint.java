package com.example.vega.health.checks;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Caller;
import com.example.vega.health.Failures;
import com.example.vega.health.checks.internal.HttpFailures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The LLM proxy as {@link LlmProxyCheck} calls it: one GET of its health path, and what each way
 * of failing means, with the runbook's hints. The answer body is never read.
 */
final class ProxyEndpoint {
  private final HttpClient http;
  private final URI baseUrl;
  private final String origin;
  private final String path;
  private final Caller who;

  ProxyEndpoint(HttpClient http, URI baseUrl, String path, Caller who) {
    this.http = http;
    this.baseUrl = baseUrl;
    this.origin = Http.origin(baseUrl);
    this.path = path;
    this.who = who;
  }

  String origin() {
    return origin;
  }

  String path() {
    return path;
  }

  /** The proxy's answer: its status code and time, or why there was none ({@code failure}). */
  record Answer(int code, long ms, @Nullable CheckResult failure) {}

  /** GETs the health path, with the token as a bearer when there is one, within the run's budget. */
  Answer get(@Nullable String token, CheckContext ctx) throws InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    long start = System.nanoTime();
    HttpResponse<Void> response;
    try {
      response = Http.send(http, request, HttpResponse.BodyHandlers.discarding(), ctx);
    } catch (HttpTimeoutException e) {
      return new Answer(0, 0, timedOut(ctx.timeout()));
    } catch (IOException e) {
      return new Answer(0, 0, unreachable(e));
    }
    long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
    return new Answer(response.statusCode(), ms, null);
  }

  /** No answer within {@code timeout}. */
  CheckResult timedOut(Duration timeout) {
    return CheckResult.down(ErrorKind.TIMEOUT,
        "no answer from the LLM proxy at " + origin + " within " + timeout.toMillis() + "ms", unreachableHint());
  }

  /** What the proxy's answer {@code code} of {@code kind} (not NONE) means. */
  CheckResult answered(ErrorKind kind, int code) {
    String logs = who.logs("vega-llm-proxy");
    return switch (kind) {
      case AUTHENTICATION -> HttpFailures.result(kind, "the LLM proxy rejected the scan-scoped token (" + code + ")",
          "the runner needs a valid scan-scoped proxy token; see why the proxy refused it in " + logs);
      case SERVER_ERROR -> HttpFailures.result(kind, "the LLM proxy answered " + code,
          "check " + logs + " for provider authentication errors and that the provider API key is correct "
              + "in Secrets Manager");
      case THROTTLED -> HttpFailures.result(kind, "the LLM proxy is throttling (429)",
          "the proxy or the provider is rate limiting: the check tries again on its next run; if it "
              + "persists, look for rate-limit errors in " + logs);
      default -> HttpFailures.result(kind, "the LLM proxy at " + origin + " answered " + code + " to " + path,
          "check VEGA_LLM_PROXY_BASE_URL is the proxy's internal address");
    };
  }

  private CheckResult unreachable(IOException e) {
    ErrorKind net = Failures.network(e);
    ErrorKind kind = net == ErrorKind.UNKNOWN_HOST || net == ErrorKind.CONNECTION_REFUSED ? net : ErrorKind.OTHER;
    String what = switch (kind) {
      case UNKNOWN_HOST -> "the LLM proxy host " + baseUrl.getHost() + " does not resolve";
      case CONNECTION_REFUSED -> "the LLM proxy at " + origin + " refused the connection";
      default -> "the LLM proxy at " + origin + " is unreachable (" + e.getClass().getSimpleName() + ")";
    };
    return CheckResult.down(kind, what, unreachableHint());
  }

  private String unreachableHint() {
    return "check that vega-llm-proxy is running (aws ecs describe-services --cluster " + who.cluster()
        + " --services vega-llm-proxy --region " + who.region() + ") and that VEGA_LLM_PROXY_BASE_URL is "
        + "the proxy's internal address";
  }
}

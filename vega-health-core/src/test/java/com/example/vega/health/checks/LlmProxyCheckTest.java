package com.example.vega.health.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.Status;
import com.example.vega.health.Caller;
import com.example.vega.health.testing.ManualScheduler;
import com.example.vega.health.testing.MotoServer;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlmProxyCheckTest {
  static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicReference<String> accepted = new AtomicReference<>("");
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicInteger delayMs = new AtomicInteger();
  private final AtomicReference<String> token = new AtomicReference<>();
  private HttpServer proxy;
  private URI base;

  /** A JWT with the given expiry; the signature is opaque to the check. */
  static String jwt(Instant exp, String scan) {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    return b.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b.encodeToString(("{\"sub\":\"" + scan + "\",\"exp\":" + exp.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8))
        + "." + b.encodeToString(("sig-" + scan).getBytes(StandardCharsets.UTF_8));
  }

  @BeforeEach
  void start() throws IOException {
    proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    proxy.createContext("/v1/health", ex -> {
      try {
        Thread.sleep(delayMs.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      boolean ok = auth != null && auth.equals("Bearer " + accepted.get());
      int code = ok ? status.get() : 401;
      // A careless proxy echoing the token back: the check must never read or repeat it.
      byte[] body = ("{\"error\":\"bad token " + auth + "\"}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"invalid_token\" " + auth);
      ex.sendResponseHeaders(code, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    proxy.start();
    base = URI.create("http://127.0.0.1:" + proxy.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    proxy.stop(0);
  }

  private LlmProxyCheck check(URI at) {
    return LlmProxyCheck.builder(http, at, token::get).caller(new Caller("runner", "dev", "us-west-1", "vega-dev")).build();
  }

  private static CheckResult run(LlmProxyCheck c, Duration timeout) throws InterruptedException {
    return c.check(new ManualScheduler(NOW).context(timeout));
  }

  private static CheckResult run(LlmProxyCheck c) throws InterruptedException {
    return run(c, Duration.ofSeconds(3));
  }

  @Test
  void missingTokenIsDownNamingTheSettingAndRecoversOnceGiven() throws Exception {
    LlmProxyCheck c = check(base);
    CheckResult r = run(c);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.MISCONFIGURED);
    assertThat(r.message()).isEqualTo("the scan-scoped proxy token is missing (neither VEGA_LLM_PROXY_TOKEN_REF nor "
        + "VEGA_LLM_PROXY_TOKEN is set)");
    // The hint names the reference: a token in the RunTask overrides is readable with ecs:DescribeTasks.
    assertThat(r.hint()).contains("passes VEGA_LLM_PROXY_TOKEN_REF").contains("never goes in the RunTask request")
        .doesNotContain("passes VEGA_LLM_PROXY_TOKEN ");

    String t = jwt(NOW.plus(Duration.ofHours(1)), "scan-1");
    token.set(t);
    accepted.set(t);
    CheckResult ok = run(c);
    assertThat(ok.status()).isEqualTo(Status.UP);
    assertThat(ok.message()).isEqualTo("LLM proxy at " + base + " accepted the scan-scoped token (expires in 60m)");
    assertThat(ok.observation("tokenExpiresIn").value()).isEqualTo(3600L);
  }

  @Test
  void malformedTokenIsDownWithoutEchoingIt() throws Exception {
    token.set("not-a-jwt-but-a-secret-value");
    CheckResult r = run(check(base));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.MISCONFIGURED);
    assertThat(r.message()).isEqualTo("the scan-scoped proxy token is not a well-formed JWT (expected 3 dot-separated parts, found 1)");
    assertThat(r.toString()).doesNotContain("secret-value");
  }

  @Test
  void expiredTokenIsDownAndAFreshOneRecovers() throws Exception {
    token.set(jwt(NOW.minus(Duration.ofMinutes(5)), "scan-1"));
    LlmProxyCheck c = check(base);
    CheckResult r = run(c);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.EXPIRED);
    assertThat(r.message()).isEqualTo("the scan-scoped proxy token expired 5m ago");

    String fresh = jwt(NOW.plus(Duration.ofHours(2)), "scan-2");
    token.set(fresh);
    accepted.set(fresh);
    assertThat(run(c).status()).isEqualTo(Status.UP);
  }

  @Test
  void tokenExpiringWithinTheWindowIsDegraded() throws Exception {
    String t = jwt(NOW.plus(Duration.ofMinutes(4)), "scan-1");
    token.set(t);
    accepted.set(t);
    CheckResult r = run(check(base));
    assertThat(r.status()).isEqualTo(Status.DEGRADED);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.EXPIRED);
    assertThat(r.message()).isEqualTo("the scan-scoped proxy token expires in 4m");
  }

  @Test
  void rejectedTokenIsDownAndTheTokenAppearsInNoResultField() throws Exception {
    String planted = jwt(NOW.plus(Duration.ofHours(1)), "scan-planted");
    token.set(planted);
    accepted.set("something-else");
    CheckResult r = run(check(base));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.AUTHENTICATION);
    assertThat(r.message()).isEqualTo("the LLM proxy rejected the scan-scoped token (401)");
    assertThat(r.hint()).endsWith("see why the proxy refused it in the vega-llm-proxy logs");
    String everything = r.toString() + r.message() + r.hint() + r.observations();
    assertThat(everything).doesNotContain(planted).doesNotContain(planted.split("\\.")[1])
        .doesNotContain(planted.split("\\.")[2]);

    // Also through the monitor, where every result is recorded and rendered from.
    ManualScheduler scheduler = new ManualScheduler(NOW);
    try (HealthMonitor m = HealthMonitor.builder().scheduler(scheduler).startSpread(Duration.ZERO)
        .runExecutor(Runnable::run).register(check(base).registration(com.example.vega.health.CheckPolicy.DEFAULT))
        .build().start()) {
      scheduler.runDue();
      assertThat(m.snapshot().check("llm-proxy").lastResult()).isNotNull();
      assertThat(m.snapshot().toString()).doesNotContain(planted).contains("rejected the scan-scoped token");
    }
  }

  @Test
  void proxyServerErrorIsDegraded() throws Exception {
    String t = jwt(NOW.plus(Duration.ofHours(1)), "scan-1");
    token.set(t);
    accepted.set(t);
    status.set(502);
    CheckResult r = run(check(base));
    assertThat(r.status()).isEqualTo(Status.DEGRADED);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.SERVER_ERROR);
    assertThat(r.message()).isEqualTo("the LLM proxy answered 502");
    assertThat(r.hint()).contains("provider API key is correct in Secrets Manager");
  }

  @Test
  void rateLimitedIsDegradedThrottledNotAWrongBaseUrl() throws Exception {
    String t = jwt(NOW.plus(Duration.ofHours(1)), "scan-1");
    token.set(t);
    accepted.set(t);
    status.set(429);
    CheckResult r = run(check(base));
    assertThat(r.status()).isEqualTo(Status.DEGRADED);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.THROTTLED);
    assertThat(r.message()).isEqualTo("the LLM proxy is throttling (429)");
    assertThat(r.hint()).startsWith("the proxy or the provider is rate limiting")
        .contains("look for rate-limit errors in the vega-llm-proxy logs").doesNotContain(t);

    status.set(404); // any other 4xx: the URL does not point at the proxy
    CheckResult wrong = run(check(base));
    assertThat(wrong.errorKind()).isEqualTo(ErrorKind.MISCONFIGURED);
    assertThat(wrong.hint()).isEqualTo("check VEGA_LLM_PROXY_BASE_URL is the proxy's internal address");
  }

  @Test
  void unreachableProxyIsDownWithTheRunbookHint() throws Exception {
    token.set(jwt(NOW.plus(Duration.ofHours(1)), "scan-1"));
    URI nothing = URI.create("http://127.0.0.1:" + MotoServer.freePort());
    CheckResult r = run(check(nothing));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.CONNECTION_REFUSED);
    assertThat(r.message()).isEqualTo("the LLM proxy at " + nothing + " refused the connection");
    assertThat(r.hint()).isEqualTo("check that vega-llm-proxy is running (aws ecs describe-services --cluster "
        + "vega-dev --services vega-llm-proxy --region us-west-1) and that VEGA_LLM_PROXY_BASE_URL is the "
        + "proxy's internal address");
  }

  /** The answer would come, after 5 s: a TIMEOUT shows the check gave up at its own deadline. */
  @Test
  void slowProxyIsATimeout() throws Exception {
    String t = jwt(NOW.plus(Duration.ofHours(1)), "scan-1");
    token.set(t);
    accepted.set(t);
    delayMs.set(5_000);
    CheckResult r = run(check(base), Duration.ofMillis(500)); // how soon it returns: ChecksBoundThemselvesIT
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
    assertThat(r.message()).isEqualTo("no answer from the LLM proxy at " + base + " within 500ms");
  }
}

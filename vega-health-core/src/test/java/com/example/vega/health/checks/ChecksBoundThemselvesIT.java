package com.example.vega.health.checks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Caller;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A check returns by itself at its deadline whatever the dependency and the client's retries do:
 * measured in wall-clock time, so it runs in the integration phase. Margin: {@link #MARGIN} beyond
 * the timeout, for scheduling on a loaded 2-core CI machine; the dependency would take 5 s, so a
 * check that waited for it overruns by far more than the margin.
 */
class ChecksBoundThemselvesIT {
  private static final Duration MARGIN = Duration.ofSeconds(1);
  private WireMockServer wm;

  @BeforeEach
  void start() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
  }

  @AfterEach
  void stop() {
    wm.stop();
  }

  private SqsCheck sqs() {
    return SqsCheck.builder(AwsClients.at(URI.create(wm.baseUrl())).sqs(),
        "https://sqs.us-west-1.amazonaws.com/123456789012/vega-scans").caller(AwsClients.caller("api")).build();
  }

  private static CheckResult timed(Duration timeout, Callable<CheckResult> run) throws Exception {
    long start = System.nanoTime();
    CheckResult r = run.call();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("%s", r.message()).isLessThan(timeout.plus(MARGIN));
    return r;
  }

  @Test
  void anAwsCheckAgainstASlowAnswerReturnsAtItsDeadline() throws Exception {
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withFixedDelay(5_000)));
    Duration timeout = Duration.ofMillis(800);
    CheckResult r = timed(timeout, () -> sqs().check(CheckContext.of(timeout)));
    assertThat(r.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
  }

  @Test
  void theLlmProxyCheckAgainstASlowProxyReturnsAtItsDeadline() throws Exception {
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withFixedDelay(5_000)));
    String token = LlmProxyCheckTest.jwt(java.time.Instant.now().plus(Duration.ofHours(1)), "scan-1");
    LlmProxyCheck check = LlmProxyCheck.builder(HttpClient.newHttpClient(), URI.create(wm.baseUrl()), () -> token)
        .caller(new Caller("runner", "dev", "us-west-1", "vega-dev")).build();
    Duration timeout = Duration.ofMillis(500);
    CheckResult r = timed(timeout, () -> check.check(CheckContext.of(timeout)));
    assertThat(r.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
  }
}

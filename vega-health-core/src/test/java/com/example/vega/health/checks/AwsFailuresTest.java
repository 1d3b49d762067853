package com.example.vega.health.checks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.Status;
import com.example.vega.health.testing.MotoServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The shared AWS failure mapping, through the SQS check against WireMock: what an emulator cannot
 * produce (denials, throttling, 5xx, slow answers, resets, bad credentials).
 */
class AwsFailuresTest {
  private WireMockServer wm;
  private SqsCheck check;

  @BeforeEach
  void start() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    check = checkAt(URI.create(wm.baseUrl()), AwsClients.DUMMY);
  }

  @AfterEach
  void stop() {
    wm.stop();
  }

  private static SqsCheck checkAt(URI endpoint,
      software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials) {
    SqsClient sqs = new AwsClients(endpoint, credentials).sqs();
    return SqsCheck.builder(sqs, "https://sqs.us-west-1.amazonaws.com/123456789012/vega-scans")
        .caller(AwsClients.caller("api")).build();
  }

  /** An SQS (JSON protocol, query-compatible) error answer. */
  private void sqsError(int status, String code) {
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/x-amz-json-1.0")
        .withHeader("x-amzn-query-error", code + ";Sender")
        .withBody("{\"__type\":\"com.amazonaws.sqs#" + code + "\",\"message\":\"nope\"}")));
  }

  private CheckResult run(Duration timeout) {
    return check.check(CheckContext.of(timeout));
  }

  @Test
  void accessDeniedIsDownNamingTheActionAndTheTaskRole() {
    sqsError(403, "AccessDenied");
    CheckResult r = run(Duration.ofSeconds(5));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.ACCESS_DENIED);
    assertThat(r.message()).isEqualTo("sqs:GetQueueAttributes denied on queue vega-scans");
    assertThat(r.hint()).isEqualTo("the api task role may not call sqs:GetQueueAttributes on queue "
        + "vega-scans: check the IAM policy on the api task role");
  }

  @Test
  void throttlingIsDegradedNotDown() {
    sqsError(400, "RequestThrottled");
    CheckResult r = run(Duration.ofSeconds(10));
    assertThat(r.status()).isEqualTo(Status.DEGRADED);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.THROTTLED);
    assertThat(r.message()).isEqualTo("SQS throttled sqs:GetQueueAttributes (RequestThrottled)");
    assertThat(r.hint()).contains("tries again on its next run");
  }

  @Test
  void oneAttemptPerRunTheSdkDoesNotRetryWhatTheNextRunWillAskAgain() {
    sqsError(400, "RequestThrottled");
    CheckResult r = run(Duration.ofMillis(700));
    assertThat(r.status()).isEqualTo(Status.DEGRADED);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.THROTTLED);
    assertThat(r.message()).isEqualTo("SQS throttled sqs:GetQueueAttributes (RequestThrottled)");
    wm.verify(1, anyRequestedFor(anyUrl()));

    wm.resetAll();
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)));
    assertThat(run(Duration.ofMillis(700)).errorKind()).isEqualTo(ErrorKind.SERVER_ERROR);
    wm.verify(1, anyRequestedFor(anyUrl()));
  }

  @Test
  void theSdkGivesUpALittleBeforeTheChecksBudgetEnds() {
    assertThat(AwsBudget.callTimeout(Duration.ofMillis(500))).isEqualTo(Duration.ofMillis(400));
    assertThat(AwsBudget.callTimeout(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(1750));
    assertThat(AwsBudget.callTimeout(Duration.ofMillis(60))).isEqualTo(Duration.ofMillis(35));
    assertThat(AwsBudget.callTimeout(Duration.ZERO)).isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void throttlingPastTheMonitorsTimeoutIsReportedAsThrottlingNotAsATimeout() throws Exception {
    sqsError(400, "RequestThrottled");
    CheckResult r = firstResultUnderTheMonitor(Duration.ofMillis(500));
    assertThat(r.status()).isEqualTo(Status.DEGRADED);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.THROTTLED);
  }

  /** The first result of the check run by a real monitor with {@code timeout}. */
  private CheckResult firstResultUnderTheMonitor(Duration timeout) throws InterruptedException {
    CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofSeconds(10)).timeout(timeout)
        .failureThreshold(1).build();
    try (HealthMonitor m = HealthMonitor.builder().startSpread(Duration.ZERO).startupDeadline(Duration.ZERO).register(check.registration(policy)).build().start()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (m.snapshot().check("sqs").lastResult() == null && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      return m.snapshot().check("sqs").lastResult();
    }
  }

  @Test
  void serverErrorIsDegradedNotDown() {
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(503).withBody("")));
    CheckResult r = run(Duration.ofSeconds(10));
    assertThat(r.status()).isEqualTo(Status.DEGRADED);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.SERVER_ERROR);
    assertThat(r.message()).startsWith("SQS answered 503 to sqs:GetQueueAttributes");
    assertThat(r.hint()).contains("AWS Health Dashboard for us-west-1");
  }

  /** The answer would come, after 5 s: a TIMEOUT shows the check gave up at its own deadline. */
  @Test
  void slowAnswerIsATimeoutWhateverTheSdkRetries() {
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withFixedDelay(5_000)));
    CheckResult r = run(Duration.ofMillis(800)); // how soon it returns: ChecksBoundThemselvesIT
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
    assertThat(r.message()).isEqualTo("no answer from SQS calling sqs:GetQueueAttributes in time");
    // A timeout says nothing of where the call was stuck: no security group on this evidence.
    assertThat(r.hint()).contains("not told apart").contains("route to the SQS endpoint in us-west-1")
        .doesNotContain("security group");
  }

  @Test
  void theMonitorsDeadlineNamesTheAwsCallNotAGenericTimeout() throws Exception {
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withFixedDelay(5_000)));
    CheckResult r = firstResultUnderTheMonitor(Duration.ofMillis(500));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
    assertThat(r.message()).isEqualTo("no answer from SQS calling sqs:GetQueueAttributes in time");
    assertThat(r.hint()).contains("the SQS endpoint").doesNotContain("security group");
  }

  @Test
  void connectionResetsAreDown() {
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    CheckResult r = run(Duration.ofSeconds(2));
    assertThat(r.status()).isEqualTo(Status.DOWN);
  }

  @Test
  void connectionRefusedIsDownWithTheEndpointHint() {
    check = checkAt(URI.create("http://127.0.0.1:" + MotoServer.freePort()), AwsClients.DUMMY);
    CheckResult r = run(Duration.ofSeconds(3));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.CONNECTION_REFUSED);
    assertThat(r.message()).isEqualTo("connection refused by the SQS endpoint calling sqs:GetQueueAttributes");
    assertThat(r.hint()).contains("security group").contains("AWS_ENDPOINT_URL");
  }

  @Test
  void refusedIsRefusedEvenWithATinyBudget() {
    check = checkAt(URI.create("http://127.0.0.1:" + MotoServer.freePort()), AwsClients.DUMMY);
    // First with room: a cold JVM loads the SDK's classes on the first call, which alone can take
    // more than 60 ms; the tiny budget is meant for the refused call, not for class loading.
    assertThat(run(Duration.ofSeconds(5)).errorKind()).isEqualTo(ErrorKind.CONNECTION_REFUSED);
    CheckResult r = run(Duration.ofMillis(60));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.CONNECTION_REFUSED);
    assertThat(r.message()).isEqualTo("connection refused by the SQS endpoint calling sqs:GetQueueAttributes");
  }

  @Test
  void expiredCredentialsAreDownAuthenticationNamed() {
    sqsError(403, "ExpiredToken");
    CheckResult r = run(Duration.ofSeconds(5));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.AUTHENTICATION);
    assertThat(r.message()).isEqualTo("AWS rejected the credentials (ExpiredToken) calling sqs:GetQueueAttributes");
    assertThat(r.hint()).contains("api task role");
  }

  @Test
  void missingCredentialsAreDownAuthenticationNamed() {
    check = checkAt(URI.create(wm.baseUrl()), () -> {
      throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
    });
    CheckResult r = run(Duration.ofSeconds(5));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.AUTHENTICATION);
    assertThat(r.message()).isEqualTo("no AWS credentials found to call sqs:GetQueueAttributes");
    assertThat(r.hint()).contains("set the api task role in the task definition");
  }
}

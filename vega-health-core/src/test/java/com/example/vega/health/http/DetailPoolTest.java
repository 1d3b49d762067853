package com.example.vega.health.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckResult;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthProbe;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.testing.ManualScheduler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link DetailAccess} of the user's runs off the probe server's event loop (issue 22): while it
 * blocks, {@code /live} and {@code /ready} are still answered; a flood of {@code /v1/healthz} is
 * refused with 503 rather than queued; {@code close()} interrupts the rule. The rule here blocks
 * on a latch the test opens, so "answered while the rule was still blocked" is an ordering, not a
 * time; every wait is bounded so a regression fails instead of hanging.
 */
class DetailPoolTest {
  /** Long enough that the detail deadline (half of it) never answers during a test. */
  private static final HealthServer.Options SLOW_DEADLINE = HealthServer.Options.defaults()
      .withRequestTimeout(Duration.ofSeconds(20));
  private final ManualScheduler scheduler = new ManualScheduler();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger entered = new AtomicInteger();
  private final AtomicInteger returned = new AtomicInteger();
  private final CountDownLatch interrupted = new CountDownLatch(1);
  /** Says yes once the test opens the latch; gives up by itself after 10 s. */
  private final DetailAccess blocking = (remote, header) -> {
    entered.incrementAndGet();
    try {
      boolean opened = release.await(10, TimeUnit.SECONDS);
      returned.incrementAndGet();
      return opened;
    } catch (InterruptedException e) {
      interrupted.countDown();
      Thread.currentThread().interrupt();
      return false;
    }
  };
  private HealthMonitor monitor;
  private HealthServer server;

  @BeforeEach
  void start() {
    CheckPolicy policy = CheckPolicy.builder().failureThreshold(1).successThreshold(1).critical(true)
        .probes(HealthProbe.LIVENESS, HealthProbe.READINESS).build();
    monitor = HealthMonitor.builder().startSpread(Duration.ZERO).service(ServiceInfo.of("vega-api"))
        .scheduler(scheduler).runExecutor(Runnable::run)
        .register("local", ctx -> CheckResult.up("ok"), policy)
        .build();
    monitor.start();
    scheduler.runDue();
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.close();
    }
    monitor.close();
  }

  private HealthServer serve(DetailAccess access, HealthServer.Options options) throws Exception {
    server = HealthServer.start(monitor, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), access, options);
    return server;
  }

  private CompletableFuture<HttpResponse<String>> getAsync(String path) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitEntered(int calls) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (entered.get() < calls) {
      assertThat(System.nanoTime()).as(calls + " calls into the rule within 5 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void liveAndReadyAnswerWhileTheDetailRuleIsBlocked() throws Exception {
    serve(blocking, SLOW_DEADLINE);
    List<CompletableFuture<HttpResponse<String>>> detail = List.of(getAsync("/v1/healthz"), getAsync("/v1/healthz"));
    awaitEntered(1); // at least one request is stuck in the rule (with the pool, both are)

    // Each probe on a connection of its own; a 5 s read timeout ends the read if the answer never comes.
    RawHttp.Response live = RawHttp.exchange(server.port(), RawHttp.get("/v1/healthz/live"));
    RawHttp.Response ready = RawHttp.exchange(server.port(), RawHttp.get("/v1/healthz/ready"));
    assertThat(live.status()).isEqualTo(200);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(returned.get()).as("the rule was still blocked when /live and /ready answered").isZero();
    assertThat(detail).noneMatch(CompletableFuture::isDone);

    release.countDown();
    for (CompletableFuture<HttpResponse<String>> f : detail) {
      HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"checks\"", "local:status");
    }
  }

  @Test
  void pipelinedAnswersKeepTheirOrderBehindADetailAnswer() throws Exception {
    serve(blocking, SLOW_DEADLINE);
    try (Socket s = RawHttp.connect(server.port(), 10_000)) {
      RawHttp.send(s, RawHttp.get("/v1/healthz") + RawHttp.get("/v1/healthz/live"));
      awaitEntered(1);
      release.countDown();
      assertThat(RawHttp.read(s.getInputStream(), false).text()).contains("\"checks\"");
      assertThat(RawHttp.read(s.getInputStream(), false).text()).isEqualTo("{\"status\":\"pass\"}");
    }
  }

  @Test
  void aClientPipeliningFarAheadOfAnOwedAnswerIsClosed() throws Exception {
    serve(blocking, SLOW_DEADLINE);
    try (Socket s = RawHttp.connect(server.port(), 5_000)) {
      RawHttp.send(s, RawHttp.get("/v1/healthz"));
      awaitEntered(1);
      RawHttp.send(s, RawHttp.get("/v1/healthz/live").repeat(ProbeHandler.MAX_OWED + 1));
      // Nothing was written (the first answer is still owed), so end of stream is the server closing.
      assertThat(RawHttp.closedByServer(s)).isTrue();
      assertThat(returned.get()).isZero();
    }
  }

  @Test
  void aFullDetailPoolAnswers503WithRetryAfterAtOnce() throws Exception {
    serve(blocking, SLOW_DEADLINE);
    List<CompletableFuture<HttpResponse<String>>> stuck = new ArrayList<>();
    for (int i = 0; i < HealthServer.DETAIL_THREADS; i++) {
      stuck.add(getAsync("/v1/healthz"));
    }
    awaitEntered(HealthServer.DETAIL_THREADS);
    // The queue holds DETAIL_QUEUE more; nothing leaves it while the rule blocks, so one of these is refused.
    List<CompletableFuture<HttpResponse<String>>> more = new ArrayList<>();
    for (int i = 0; i < HealthServer.DETAIL_QUEUE + 1; i++) {
      more.add(getAsync("/v1/healthz"));
    }
    HttpResponse<?> first = (HttpResponse<?>) CompletableFuture.anyOf(more.toArray(CompletableFuture[]::new))
        .get(10, TimeUnit.SECONDS);
    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(returned.get()).as("refused while the rule was still blocked").isZero();

    release.countDown();
    stuck.addAll(more);
    List<Integer> codes = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : stuck) {
      codes.add(f.get(10, TimeUnit.SECONDS).statusCode());
    }
    assertThat(codes).filteredOn(c -> c == 503).hasSize(1);
    assertThat(codes).filteredOn(c -> c == 200).hasSize(HealthServer.DETAIL_THREADS + HealthServer.DETAIL_QUEUE);
    assertThat(entered.get()).isEqualTo(HealthServer.DETAIL_THREADS + HealthServer.DETAIL_QUEUE);
  }

  @Test
  void aRuleThatDoesNotAnswerWithinHalfTheRequestTimeoutShowsTheStatusOnly() throws Exception {
    serve(blocking, HealthServer.Options.defaults().withRequestTimeout(Duration.ofMillis(400)));
    RawHttp.Response r = RawHttp.exchange(server.port(), RawHttp.get("/v1/healthz"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("{\"status\":\"pass\"}");
    assertThat(returned.get()).as("answered before the rule returned").isZero();
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the late rule is interrupted").isTrue();
  }

  @Test
  void closeInterruptsABlockedRuleInsteadOfWaitingForIt() throws Exception {
    serve(blocking, SLOW_DEADLINE);
    CompletableFuture<HttpResponse<String>> detail = getAsync("/v1/healthz");
    awaitEntered(1);
    server.close();
    assertThat(returned.get()).as("close() returned before the rule did").isZero();
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the rule was interrupted").isTrue();
    server = null;
    detail.cancel(true);
  }
}

package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.http.HealthServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The threads the module starts (docs/benchmarks.md section 7): named, daemons, bounded by the
 * number of checks however many run at once, and all gone after {@code close()}. The module is
 * started from a thread of its own {@link ThreadGroup}; every thread it creates, directly or from
 * its own threads, lands in that group, so other tests' threads do not count.
 */
class ThreadFootprintTest {
  private static final int CHECKS = 10;
  private static final List<String> SERVER =
      List.of("vega-health-scheduler-1", "vega-health-http-1", "vega-health-detail-1", "vega-health-detail-2");

  @Test
  void tenChecksAndTheServerStartABoundedNamedSetOfDaemonThreadsAndCloseEndsThemAll() throws Exception {
    ThreadGroup group = new ThreadGroup("vega-footprint-test");
    CountDownLatch allRunning = new CountDownLatch(CHECKS);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<HealthMonitor> monitor = new AtomicReference<>();
    AtomicReference<HealthServer> server = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread starter = new Thread(group, () -> {
      try {
        // Every first run waits until all ten are in flight: the pool's worst case.
        CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofSeconds(30)).timeout(Duration.ofSeconds(10)).build();
        HealthMonitor.Builder b = HealthMonitor.builder().service(ServiceInfo.of("vega-footprint"));
        for (int i = 0; i < CHECKS; i++) {
          b.register("c-" + i, ctx -> {
            allRunning.countDown();
            release.await(10, TimeUnit.SECONDS);
            return CheckResult.up("ok");
          }, policy);
        }
        monitor.set(b.build().start());
        server.set(HealthServer.start(monitor.get(), 0));
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "vega-footprint-starter");
    starter.start();
    starter.join();
    assertThat(failure.get()).isNull();

    try {
      assertThat(allRunning.await(10, TimeUnit.SECONDS)).as("all ten checks running at once").isTrue();
      List<String> running = new ArrayList<>();
      IntStream.range(0, CHECKS).forEach(i -> running.add("vega-health-check-c-" + i));
      // The probe server's threads start with the server, not with its first request: its event
      // loop and the two that run detail requests (a user's DetailAccess) off it.
      assertThat(ours(group)).containsExactlyInAnyOrderElementsOf(concat(SERVER, running));

      HttpClient http = HttpClient.newHttpClient(); // its own threads are in this test's group, not the module's
      for (int i = 0; i < 30; i++) {
        String path = List.of("/v1/healthz", "/v1/healthz/live", "/v1/healthz/ready").get(i % 3);
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.get().port() + path))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).isIn(200, 503);
      }
      release.countDown();
      while (monitor.get().snapshot().checks().stream().anyMatch(c -> c.lastResult() == null)) {
        Thread.sleep(10);
      }
      List<String> pool = new ArrayList<>();
      IntStream.rangeClosed(1, CHECKS).forEach(i -> pool.add("vega-health-check-" + i));
      // Threads are renamed back after their run: wait for the last one to hand its thread back.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!ours(group).containsAll(pool) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(ours(group)).containsExactlyInAnyOrderElementsOf(concat(SERVER, pool));
      Thread[] all = threads(group);
      // Nothing besides ours: the probe server's library starts no thread of its own.
      assertThat(Arrays.stream(all).filter(t -> !t.getName().startsWith("vega-health-")))
          .extracting(Thread::getName).isEmpty();
      // All are daemons, although HealthServer.start was called from a plain thread (as from
      // main): the health server never keeps the JVM alive.
      assertThat(Arrays.stream(all))
          .allSatisfy(t -> assertThat(t.isDaemon()).as(t.getName() + " is a daemon").isTrue());
    } finally {
      release.countDown();
      if (server.get() != null) {
        server.get().close();
      }
      if (monitor.get() != null) {
        monitor.get().close();
      }
    }
    // One deadline for all, well under the pool's 30 s keep-alive: a pool close() forgot would
    // otherwise end by itself and pass.
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Thread t : threads(group)) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
    }
    assertThat(threads(group)).as("threads left after close()").extracting(Thread::getName).isEmpty();
  }

  private static List<String> ours(ThreadGroup group) {
    return Arrays.stream(threads(group)).map(Thread::getName).filter(n -> n.startsWith("vega-health-")).toList();
  }

  private static Thread[] threads(ThreadGroup group) {
    Thread[] all = new Thread[group.activeCount() + 16];
    int n = group.enumerate(all, true);
    return Arrays.stream(all, 0, n).filter(Thread::isAlive).toArray(Thread[]::new);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}

package com.example.vega.health.spring;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.Status;
import com.example.vega.health.testing.PostgresServer;
import com.example.vega.health.testing.TcpFaultProxy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Side-by-side load test of {@code /v1/healthz} (application port and probe port) against Spring
 * Boot's {@code /actuator/health} with its default indicators, and with its response cache (a
 * second instance of the same app, Actuator only, {@code cache.time-to-live} 10 s), on one small Boot app with a real
 * PostgreSQL behind a fault proxy, in three states: healthy; one dependency answering in 200 ms;
 * Postgres frozen. Loopback only, bounded in time (a watchdog ends the JVM).
 *
 * <p>Not a test: run it as a main with the module's test class path, under the Maven lock (see
 * docs/benchmarks.md section 2 for the command). Arguments: seconds per cell (10), virtual users (16).
 */
public final class HealthBench {
  static final AtomicLong SLOW_CALLS = new AtomicLong();
  private static volatile PostgresServer postgres;

  /**
   * Ends the JVM without waiting for Tomcat threads blocked on the frozen database (they would hold
   * a normal exit), after stopping the embedded PostgreSQL: halt skips the shutdown hook that would
   * stop it, and an earlier version left one postmaster running per run.
   */
  private static void exit(int code) {
    PostgresServer pg = postgres;
    if (pg != null) {
      try {
        pg.close();
      } catch (RuntimeException e) {
        System.err.println("bench: could not stop the embedded PostgreSQL: " + e);
      }
    }
    Runtime.getRuntime().halt(code);
  }
  static volatile long slowMillis;

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    /** The dependency as Actuator sees it: called on every /actuator/health request. */
    @Bean
    HealthIndicator slowDependencyHealthIndicator() {
      return () -> {
        callSlowDependency();
        return Health.up().build();
      };
    }

    /** The same dependency as a Vega check: called on its interval, whatever the polling. */
    @Bean
    CheckRegistration slowDependencyCheck() {
      return CheckRegistration.of("slow-dependency", ctx -> {
        callSlowDependency();
        return CheckResult.up("answered");
      }, CheckPolicy.builder().interval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(1)).build());
    }
  }

  static void callSlowDependency() {
    SLOW_CALLS.incrementAndGet();
    long ms = slowMillis;
    if (ms > 0) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static final Duration CACHE_TTL = Duration.ofSeconds(10);
  static final String ACTUATOR = "/actuator/health";
  static final String ACTUATOR_CACHED = "/actuator/health (cache TTL " + CACHE_TTL.toSeconds() + " s)";
  static final String READY = "/v1/healthz/ready (app port)";
  static final String READY_CACHED = "/actuator/health/readiness (cache TTL " + CACHE_TTL.toSeconds() + " s)";

  record Endpoint(String name, String url, MeterRegistry registry) {}

  record Cell(String state, String endpoint, long requests, long ok, long unavailable, long errors,
      double seconds, long p50, long p99, long max, long slowCalls, long dbAcquisitions) {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int users = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.MINUTES.toMillis(8));
        System.err.println("bench: watchdog: still running after 8 minutes, stopping");
        exit(2);
      } catch (InterruptedException e) {
        // finished in time
      }
    }, "bench-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    PostgresServer pg = PostgresServer.start();
    postgres = pg;
    TcpFaultProxy proxy = new TcpFaultProxy(pg.port());
    ConfigurableApplicationContext ctx = new SpringApplicationBuilder(App.class).properties(
        "server.port=0", "server.address=127.0.0.1",
        "spring.application.name=vega-bench", "vega.health.role=api",
        // The api role's settings, as in a local deployment: every check of the role is UP when healthy.
        "VEGA_ENVIRONMENT=local", "VEGA_AUTH_PROVIDER=local", "VEGA_FILE_STORAGE_BACKEND=local",
        "VEGA_DATABASE_URL=" + PostgresServer.jdbcUrl(proxy.port()),
        "vega.health.server.port=0", "vega.health.server.address=127.0.0.1",
        "spring.datasource.url=" + PostgresServer.jdbcUrl(proxy.port()),
        "spring.datasource.username=" + PostgresServer.USER,
        "spring.datasource.password=" + PostgresServer.PASSWORD,
        "logging.level.root=WARN", "spring.main.banner-mode=off").run();
    int app = Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));
    int probe = ctx.getBean(VegaHealthLifecycle.class).probePort();
    HealthMonitor monitor = ctx.getBean(HealthMonitor.class);
    MeterRegistry registry = ctx.getBean(MeterRegistry.class);
    // The third peer: the same application with Actuator's response cache, and without Vega Health,
    // the way a team would tune Actuator instead of adopting this module.
    ConfigurableApplicationContext cached = new SpringApplicationBuilder(App.class).properties(
        "server.port=0", "server.address=127.0.0.1",
        "spring.application.name=vega-bench-cached", "vega.health.enabled=false",
        "management.endpoint.health.cache.time-to-live=" + CACHE_TTL.toSeconds() + "s",
        "spring.datasource.url=" + PostgresServer.jdbcUrl(proxy.port()),
        "spring.datasource.username=" + PostgresServer.USER,
        "spring.datasource.password=" + PostgresServer.PASSWORD,
        "logging.level.root=WARN", "spring.main.banner-mode=off").run();
    int cachedPort = Integer.parseInt(cached.getEnvironment().getProperty("local.server.port"));

    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    List<Endpoint> endpoints = List.of(
        new Endpoint("/v1/healthz (app port)", "http://127.0.0.1:" + app + "/v1/healthz", registry),
        new Endpoint("/v1/healthz (probe port)", "http://127.0.0.1:" + probe + "/v1/healthz", registry),
        // Status-only answers on both sides: what an ALB reads, without our detail body.
        new Endpoint(READY, "http://127.0.0.1:" + app + "/v1/healthz/ready", registry),
        new Endpoint(READY_CACHED, "http://127.0.0.1:" + cachedPort + "/actuator/health/readiness",
            cached.getBean(MeterRegistry.class)),
        new Endpoint(ACTUATOR, "http://127.0.0.1:" + app + "/actuator/health", registry),
        new Endpoint(ACTUATOR_CACHED, "http://127.0.0.1:" + cachedPort + "/actuator/health",
            cached.getBean(MeterRegistry.class)));
    awaitCheck(monitor, "postgres", Status.UP, Duration.ofSeconds(30));
    for (int i = 0; i < 300 && monitor.snapshot().status() != Status.UP; i++) {
      Thread.sleep(100);
    }
    StringBuilder states = new StringBuilder("bench: checks at start:");
    for (CheckState c : monitor.snapshot().checks()) {
      states.append(' ').append(c.name()).append('=').append(c.status());
      if (c.lastResult() != null && c.status() != Status.UP) {
        states.append(" (").append(c.lastResult().message()).append(')');
      }
    }
    System.err.println(states);
    if (monitor.snapshot().status() != Status.UP) {
      System.err.println("bench: not every check is UP before the healthy cells; a comparison would be wrong");
      exit(1);
    }
    for (Endpoint e : endpoints) {
      run(client, e.url(), users, 5, "warmup", e.name(), e.registry()); // JIT and connection pools
    }

    List<Cell> cells = new ArrayList<>();
    for (String state : List.of("healthy", "one dependency at 200 ms", "Postgres frozen")) {
      switch (state) {
        case "healthy" -> slowMillis = 0;
        case "one dependency at 200 ms" -> slowMillis = 200;
        default -> {
          slowMillis = 0;
          proxy.mode(TcpFaultProxy.Mode.FREEZE);
          awaitCheck(monitor, "postgres", Status.DOWN, Duration.ofSeconds(40));
        }
      }
      Thread.sleep(1000);
      // Actuator last: in the frozen state its request threads stay blocked after the cell ends.
      for (Endpoint e : endpoints) {
        cells.add(run(client, e.url(), users, seconds, state, e.name(), e.registry()));
      }
    }
    print(cells, seconds, users);

    // Request threads exhausted: 220 /actuator/health calls block Tomcat's 200 threads on the
    // frozen database (HikariCP waits 30 s for a connection, isValid(0) on a frozen one waits
    // for ever); then each liveness probe is measured while they are still blocked.
    List<java.util.concurrent.CompletableFuture<HttpResponse<Void>>> flood = new ArrayList<>();
    HttpRequest blocking = HttpRequest.newBuilder(URI.create(endpoints.stream()
        .filter(e -> e.name().equals(ACTUATOR)).findFirst().orElseThrow().url())).timeout(Duration.ofSeconds(60)).build();
    for (int i = 0; i < 220; i++) {
      flood.add(client.sendAsync(blocking, HttpResponse.BodyHandlers.discarding()));
    }
    Thread.sleep(2000);
    List<Cell> exhausted = new ArrayList<>();
    String[][] probes = {
      {"/v1/healthz/live (app port)", "http://127.0.0.1:" + app + "/v1/healthz/live"},
      {"/v1/healthz/live (probe port)", "http://127.0.0.1:" + probe + "/v1/healthz/live"},
      {"/actuator/health/liveness", "http://127.0.0.1:" + app + "/actuator/health/liveness"},
    };
    int probeSeconds = Math.max(3, seconds / 2);
    for (String[] e : probes) {
      exhausted.add(run(client, e[1], 4, probeSeconds, "Tomcat threads blocked", e[0], registry));
    }
    print(exhausted, probeSeconds, 4);
    flood.forEach(f -> f.cancel(true));
    watchdog.interrupt();
    exit(0);
  }

  private static void awaitCheck(HealthMonitor m, String name, Status s, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      CheckState c = m.snapshot().check(name);
      if (c != null && c.status() == s) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " did not become " + s + " within " + max);
  }

  private static double acquisitions(MeterRegistry r) {
    Timer t = r.find("hikaricp.connections.acquire").timer();
    return t == null ? 0 : t.count();
  }

  private static Cell run(HttpClient client, String url, int users, int seconds, String state, String name,
      MeterRegistry registry) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
    long slowBefore = SLOW_CALLS.get();
    double dbBefore = acquisitions(registry);
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    ExecutorService pool = Executors.newFixedThreadPool(users);
    List<Future<long[]>> results = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      results.add(pool.submit(() -> {
        long[] lat = new long[1 << 16];
        int n = 0;
        long ok = 0;
        long unavailable = 0;
        long errors = 0;
        while (System.nanoTime() < end) {
          long t0 = System.nanoTime();
          try {
            int code = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (code == 200) {
              ok++;
            } else if (code == 503) {
              unavailable++;
            } else {
              errors++;
            }
          } catch (java.io.IOException e) {
            errors++; // includes the client's 5 s request timeout
          }
          long d = System.nanoTime() - t0;
          if (n == lat.length) {
            lat = Arrays.copyOf(lat, n * 2);
          }
          lat[n++] = d;
        }
        long[] out = Arrays.copyOf(lat, n + 3);
        out[n] = ok;
        out[n + 1] = unavailable;
        out[n + 2] = errors;
        return out;
      }));
    }
    List<Long> all = new ArrayList<>();
    long ok = 0;
    long unavailable = 0;
    long errors = 0;
    for (Future<long[]> f : results) {
      long[] r = f.get(seconds + 30L, TimeUnit.SECONDS);
      int n = r.length - 3;
      for (int i = 0; i < n; i++) {
        all.add(r[i]);
      }
      ok += r[n];
      unavailable += r[n + 1];
      errors += r[n + 2];
    }
    pool.shutdownNow();
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
    long slow = SLOW_CALLS.get() - slowBefore;
    long db = Math.round(acquisitions(registry) - dbBefore);
    return new Cell(state, name, sorted.length, ok, unavailable, errors, elapsed,
        pct(sorted, 0.50), pct(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1], slow, db);
  }

  private static long pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static String ms(long nanos) {
    double ms = nanos / 1e6;
    return ms < 10 ? String.format(Locale.ROOT, "%.2f", ms) : String.format(Locale.ROOT, "%.0f", ms);
  }

  private static void print(List<Cell> cells, int seconds, int users) {
    StringBuilder b = new StringBuilder();
    b.append("cells: ").append(seconds).append(" s each, ").append(users)
        .append(" concurrent users, loopback, 5 s client timeout\n\n");
    b.append("| state | endpoint | req/s | 200 | 503 | errors/timeouts | p50 ms | p99 ms | max ms "
        + "| slow-dependency calls per request | DB connection acquisitions per request |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    Map<String, Double> vegaRps = new TreeMap<>();
    for (Cell c : cells) {
      double rps = c.requests / c.seconds;
      b.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %d | %d | %d | %s | %s | %s | %s | %s |%n",
          c.state, c.endpoint, rps, c.ok, c.unavailable, c.errors, ms(c.p50), ms(c.p99), ms(c.max),
          perRequest(c.slowCalls, c.requests), perRequest(c.dbAcquisitions, c.requests)));
      if (c.endpoint.equals("/v1/healthz (app port)")) {
        vegaRps.put(c.state, rps);
      }
    }
    Map<String, Double> readyRps = new TreeMap<>();
    for (Cell c : cells) {
      if (c.endpoint.equals(READY)) {
        readyRps.put(c.state, c.requests / c.seconds);
      }
    }
    for (String peer : List.of(ACTUATOR, ACTUATOR_CACHED, READY_CACHED)) {
      Map<String, Double> ours = peer.equals(READY_CACHED) ? readyRps : vegaRps;
      b.append("\nthroughput ratio, ").append(peer.equals(READY_CACHED) ? READY : "/v1/healthz (app port)")
          .append(" : ").append(peer).append("\n\n");
      for (Cell c : cells) {
        if (c.endpoint.equals(peer)) {
          double a = c.requests / c.seconds;
          b.append(String.format(Locale.ROOT, "- %s: %.1fx%n", c.state, a == 0 ? Double.POSITIVE_INFINITY
              : ours.getOrDefault(c.state, 0.0) / a));
        }
      }
    }
    System.err.println(b);
  }

  private static String perRequest(long calls, long requests) {
    return requests == 0 ? "n/a" : String.format(Locale.ROOT, "%.4f", (double) calls / requests);
  }
}

package com.example.vega.health.bench.footprint;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * What the module adds to a JVM in live heap, threads and loaded classes: fresh child JVMs
 * ({@link FootprintHost}) as a plain host ({@code baseline}), with the module idle ({@code idle})
 * and with ten checks at a 1 s interval while this process polls {@code /v1/healthz},
 * {@code /live} and {@code /ready} in a closed loop ({@code checks10}). The load generator's
 * threads and heap are this process's, never the measured JVM's. Runs are interleaved and the
 * medians printed as a Markdown table. Given vega-health-spring's test class path, the same run
 * also compares a Spring Boot application with Actuator's health only ({@code spring-actuator})
 * and with vega-health-spring ({@code spring-vega}), both idle.
 *
 * <pre>
 * java -cp vega-health-bench/target/benchmarks.jar \
 *     com.example.vega.health.bench.footprint.FootprintBenchmark [runs=7] [seconds=10] [pollers=4] [spring class path]
 * </pre>
 */
public final class FootprintBenchmark {
  static final List<String> JVM_FLAGS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");
  private static final List<String> CORE = List.of("baseline", "idle", "checks10");
  private static final List<String> SPRING = List.of("spring-actuator", "spring-vega");
  private static final List<String> ENDPOINTS = List.of("/v1/healthz", "/v1/healthz/live", "/v1/healthz/ready");

  private FootprintBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int pollers = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    String springClassPath = args.length > 3 ? args[3] : null;
    List<String> scenarios = new ArrayList<>(CORE);
    if (springClassPath != null) {
      scenarios.addAll(SPRING);
    }
    System.out.printf("runs=%d seconds=%d pollers=%d flags=%s%n", runs, seconds, pollers, String.join(" ", JVM_FLAGS));
    Map<String, List<Map<String, String>>> all = new HashMap<>();
    for (int i = 0; i < runs; i++) {
      for (int j = 0; j < scenarios.size(); j++) {
        String scenario = scenarios.get((i + j) % scenarios.size()); // rotate the order each round
        Map<String, String> r = runOnce(scenario, seconds, pollers, springClassPath);
        all.computeIfAbsent(scenario, k -> new ArrayList<>()).add(r);
        System.out.printf("run %d %-8s heap=%.2fMB classes=%s threads=%s peak=%s checkRuns=%s requests=%s errors=%s%n",
            i + 1, scenario, Long.parseLong(r.get("heapUsed")) / 1048576.0, r.get("classes"), r.get("threads"),
            r.get("peakThreads"), r.getOrDefault("checkRuns", "-"), r.getOrDefault("requests", "-"),
            r.getOrDefault("errors", "-"));
      }
    }
    report(all, seconds, CORE, "baseline");
    if (springClassPath != null) {
      report(all, seconds, SPRING, "spring-actuator");
    }
  }

  private static Map<String, String> runOnce(String scenario, int seconds, int pollers, @Nullable String springClassPath)
      throws Exception {
    boolean spring = scenario.startsWith("spring-");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_FLAGS);
    String self = Path.of(FootprintHost.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    // The Spring application's class path first: this jar only adds the host.
    cmd.addAll(List.of("-cp", spring ? springClassPath + File.pathSeparator + self : self,
        FootprintHost.class.getName(), scenario));
    Path log = Files.createTempFile("footprint-" + scenario, ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("VEGA_") || k.startsWith("OTEL_") || k.startsWith("JAVA_TOOL"));
    Process child = pb.start();
    Map<String, String> out = new HashMap<>();
    Load load = null;
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String first = lines.readLine();
      while (first != null && !first.startsWith("port=")) {
        first = lines.readLine(); // Spring Boot logs its warnings to standard output
      }
      if (first == null) {
        child.waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(scenario + ": host did not start: " + Files.readString(log));
      }
      int port = Integer.parseInt(first.substring("port=".length()));
      if (port != 0) {
        awaitOk(port, spring ? "/actuator/health" : "/v1/healthz/live");
        if (scenario.equals("checks10")) {
          load = new Load(port, pollers);
        }
      }
      Thread.sleep(seconds * 1000L);
      OutputStream in = child.getOutputStream();
      in.write("measure\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      for (String line; (line = lines.readLine()) != null && !line.equals("end"); ) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          out.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      if (load != null) {
        out.putAll(load.stop());
        load = null;
      }
      in.write("exit\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
    } finally {
      if (load != null) {
        load.stop();
      }
      if (!child.waitFor(60, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
    if (child.exitValue() != 0 || !out.containsKey("heapUsed")) {
      throw new IllegalStateException(scenario + ": host exited " + child.exitValue() + ": " + Files.readString(log));
    }
    Files.delete(log);
    return out;
  }

  /** Waits for the first 200 from a health endpoint, as an ECS container health check would see it. */
  private static void awaitOk(int port, String path) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest live = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(live, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException(path + " never answered 200 on port " + port);
  }

  /** Closed-loop pollers of the three endpoints, round robin, in this process. */
  private static final class Load {
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder ok = new LongAdder();
    private final LongAdder unavailable = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final long startNanos = System.nanoTime();
    private volatile boolean running = true;

    Load(int port, int pollers) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<HttpRequest> requests = new ArrayList<>();
      for (String path : ENDPOINTS) {
        requests.add(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5)).build());
      }
      for (int i = 0; i < pollers; i++) {
        int first = i;
        Thread t = new Thread(() -> {
          for (int n = first; running; n++) {
            try {
              int code = http.send(requests.get(n % requests.size()), HttpResponse.BodyHandlers.discarding()).statusCode();
              (code == 200 ? ok : code == 503 ? unavailable : errors).increment();
            } catch (IOException e) {
              errors.increment();
            } catch (InterruptedException e) {
              return;
            }
          }
        }, "footprint-poller-" + i);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    }

    Map<String, String> stop() throws InterruptedException {
      running = false;
      double secs = (System.nanoTime() - startNanos) / 1e9;
      for (Thread t : threads) {
        t.join(10_000);
      }
      long total = ok.sum() + unavailable.sum() + errors.sum();
      return Map.of("requests", String.valueOf(total), "requestsPerSecond", String.valueOf(Math.round(total / secs)),
          "status200", String.valueOf(ok.sum()), "status503", String.valueOf(unavailable.sum()),
          "errors", String.valueOf(errors.sum()));
    }
  }

  /** What every run records: a missing one is a bug in this harness, named. */
  private static <K, V> V present(Map<K, V> map, K key) {
    V v = map.get(key);
    if (v == null) {
      throw new IllegalStateException("no " + key + " among " + map.keySet());
    }
    return v;
  }

  private static void report(Map<String, List<Map<String, String>>> all, int seconds, List<String> scenarios,
      String baseline) {
    Map<String, Map<String, Integer>> names = new HashMap<>();
    System.out.printf("%nMedians (%d runs each; heap used right after System.gc(), SerialGC):%n%n", present(all, baseline).size());
    System.out.println("| scenario | heap after GC | metaspace | classes loaded | threads (peak) | check runs in " + seconds
        + " s | requests/s to the measured JVM |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (String s : scenarios) {
      List<Map<String, String>> rs = present(all, s);
      long threads = median(rs, "threads");
      System.out.printf("| %s | %.2f MB | %.2f MB | %d | %d (%d) | %s | %s |%n", s,
          median(rs, "heapUsed") / 1048576.0, median(rs, "metaspaceUsed") / 1048576.0, median(rs, "classes"),
          threads, median(rs, "peakThreads"), rs.get(0).containsKey("checkRuns") ? String.valueOf(median(rs, "checkRuns")) : "-",
          s.equals("checks10") ? String.valueOf(median(rs, "requestsPerSecond")) : "-");
      // The names of a run whose thread count is the median one.
      Map<String, String> typical = rs.stream().filter(r -> Long.parseLong(r.get("threads")) == threads).findFirst().orElseThrow();
      names.put(s, threadNames(present(typical, "threadNames")));
    }
    Map<String, String> base = medians(present(all, baseline));
    System.out.println();
    System.out.println(baseline + " threads: " + present(names, baseline));
    for (String s : scenarios.subList(1, scenarios.size())) {
      Map<String, String> m = medians(present(all, s));
      System.out.printf("%s adds: heap %+.2f MB, metaspace %+.2f MB, classes %+d, threads %+d: %s%n", s,
          diff(m, base, "heapUsed") / 1048576.0, diff(m, base, "metaspaceUsed") / 1048576.0,
          diff(m, base, "classes"), diff(m, base, "threads"), added(present(names, s), present(names, baseline)));
    }
    if (!scenarios.contains("checks10")) {
      return;
    }
    List<Map<String, String>> loaded = present(all, "checks10");
    System.out.printf("checks10 load: median %d requests (%d x 200, %d x 503, %d errors/timeouts) over %d s%n",
        median(loaded, "requests"), median(loaded, "status200"), median(loaded, "status503"), median(loaded, "errors"), seconds);
  }

  /** Thread names with numbers folded ({@code vega-health-http-#}); a running check's thread is named after its check. */
  private static Map<String, Integer> threadNames(String joined) {
    Map<String, Integer> counts = new TreeMap<>();
    for (String n : joined.split("\\|")) {
      String folded = n.startsWith("vega-health-check-") ? "vega-health-check-*" : n.replaceAll("\\d+", "#");
      counts.merge(folded, 1, Integer::sum);
    }
    return counts;
  }

  private static Map<String, Integer> added(Map<String, Integer> in, Map<String, Integer> base) {
    Map<String, Integer> d = new TreeMap<>();
    in.forEach((k, v) -> {
      int n = v - base.getOrDefault(k, 0);
      if (n != 0) {
        d.put(k, n);
      }
    });
    base.forEach((k, v) -> d.putIfAbsent(k, in.containsKey(k) ? 0 : -v));
    d.values().removeIf(v -> v == 0);
    return d;
  }

  private static Map<String, String> medians(List<Map<String, String>> rs) {
    Map<String, String> m = new HashMap<>();
    for (String k : List.of("heapUsed", "metaspaceUsed", "classes", "threads")) {
      m.put(k, String.valueOf(median(rs, k)));
    }
    return m;
  }

  private static long diff(Map<String, String> a, Map<String, String> b, String key) {
    return Long.parseLong(a.get(key)) - Long.parseLong(b.get(key));
  }

  private static long median(List<Map<String, String>> rs, String key) {
    long[] v = rs.stream().filter(r -> r.containsKey(key)).mapToLong(r -> Long.parseLong(r.get(key))).sorted().toArray();
    return v.length == 0 ? -1 : v[v.length / 2];
  }
}

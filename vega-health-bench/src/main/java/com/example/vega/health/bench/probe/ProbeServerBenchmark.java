package com.example.vega.health.bench.probe;

import com.example.vega.health.testing.HostileClients;
import com.example.vega.health.testing.ProbePoller;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The probe server side by side with its peer (docs/benchmarks.md section 8): today's JDK server
 * ({@link JdkProbeServer}) and the Netty one ({@code HealthServer}), each in a fresh JVM
 * ({@link ProbeServerHost}), with and without a JDK {@code HttpServer} created first. Per cell:
 * startup cost, then {@code wrk} on {@code /v1/healthz/live}, keep-alive and one connection per
 * request; in the cells with a JDK server first, {@code /live} polled on new connections every
 * 10 ms during each hostile-client case ({@link HostileClients}). Cells alternate peer, ours after
 * a warm-up, and the rounds repeat them; medians are printed as Markdown.
 *
 * <pre>
 * java -cp vega-health-bench/target/benchmarks.jar com.example.vega.health.bench.probe.ProbeServerBenchmark \
 *     [rounds=3] [seconds=10] [connections=16] [hostileRounds=2]
 * </pre>
 *
 * Needs {@code wrk} on the PATH ({@code apt-get install wrk}).
 */
public final class ProbeServerBenchmark {
  private static final List<String> JVM_FLAGS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");
  private static final List<String[]> CELLS = List.of(
      new String[] {"jdk", "plain"}, new String[] {"netty", "plain"},
      new String[] {"jdk", "jdk-first"}, new String[] {"netty", "jdk-first"});
  private static final Pattern LATENCY = Pattern.compile("^\\s+(50|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

  private ProbeServerBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int connections = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    int hostileRounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    System.out.printf("rounds=%d seconds=%d connections=%d hostileRounds=%d flags=%s%n", rounds, seconds, connections,
        hostileRounds, String.join(" ", JVM_FLAGS));
    Map<String, List<Map<String, Double>>> results = new LinkedHashMap<>();
    Map<String, List<String>> hostile = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (String[] cell : CELLS) {
        String name = cell[0] + (cell[1].equals("jdk-first") ? ", JDK HttpServer first" : "");
        Map<String, Double> r = new LinkedHashMap<>();
        List<String> hostileLines = new ArrayList<>();
        runCell(cell[0], cell[1], seconds, connections, r,
            round < hostileRounds && cell[1].equals("jdk-first") ? hostileLines : null);
        results.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
        hostile.computeIfAbsent(name, k -> new ArrayList<>()).addAll(hostileLines);
        System.out.println("round " + (round + 1) + " " + name + " " + r);
        hostileLines.forEach(System.out::println);
      }
    }
    System.out.println();
    System.out.println("| server | keep-alive req/s | p50 ms | p99 ms | conn/request req/s | p50 ms | p99 ms | errors | start ms | first /live ms | heap KB | direct KB | classes | threads |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Map.Entry<String, List<Map<String, Double>>> e : results.entrySet()) {
      List<Map<String, Double>> rs = e.getValue();
      System.out.printf("| %s | %.0f | %.3f | %.3f | %.0f | %.3f | %.3f | %.0f | %.1f | %.1f | %.0f | %.0f | %.0f | %.0f |%n", e.getKey(),
          median(rs, "ka.rate"), median(rs, "ka.p50"), median(rs, "ka.p99"),
          median(rs, "cpr.rate"), median(rs, "cpr.p50"), median(rs, "cpr.p99"),
          median(rs, "ka.errors") + median(rs, "cpr.errors"),
          median(rs, "startMs"), median(rs, "firstAnswerMs"), median(rs, "heapKB"), median(rs, "directKB"),
          median(rs, "classes"), median(rs, "threads"));
    }
    System.out.println();
    System.out.println("| server | hostile case | /live polls | unanswered or not 200 | p50 ms | p99 ms | max ms | server's connections |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|---|");
    hostile.forEach((name, lines) -> lines.forEach(l -> System.out.println("| " + name + " " + l)));
  }

  private static void runCell(String impl, String mode, int seconds, int connections, Map<String, Double> r,
      @Nullable List<String> hostile) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_FLAGS);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ProbeServerHost.class.getName(), impl, mode));
    Process host = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
      String ready = out.readLine();
      if (ready == null || !ready.startsWith("READY ")) {
        throw new IllegalStateException(impl + " " + mode + ": no READY line, got " + ready);
      }
      Map<String, String> fields = new LinkedHashMap<>();
      for (String kv : ready.substring(6).split(" ")) {
        String[] p = kv.split("=", 2);
        fields.put(p[0], p[1]);
      }
      int port = Integer.parseInt(fields.get("port"));
      for (String k : List.of("startMs", "firstAnswerMs", "heapKB", "directKB", "classes", "threads")) {
        r.put(k, Double.parseDouble(fields.get(k)));
      }
      String url = "http://127.0.0.1:" + port + "/v1/healthz/live";
      wrk(url, 3, connections, false); // warm-up
      parse(wrk(url, seconds, connections, false), "ka", r);
      parse(wrk(url, seconds, connections, true), "cpr", r);
      if (hostile != null) {
        hostileSuite(port, hostile);
      }
      try (OutputStream in = host.getOutputStream()) {
        in.write('\n');
      }
      if (!host.waitFor(10, TimeUnit.SECONDS)) {
        host.destroyForcibly();
      }
    } finally {
      host.destroyForcibly();
    }
  }

  /** Each case with a poller on new connections every 10 ms; an answer not in 1 s counts as unanswered. */
  private static void hostileSuite(int port, List<String> lines) throws Exception {
    try (ProbePoller poller = new ProbePoller(port, "/v1/healthz/live", 10, 1_000, 50, () -> 0)) {
      Thread.sleep(1_000);
      for (HostileClients.Case c : HostileClients.Case.values()) {
        poller.reset();
        HostileClients.Outcome o = HostileClients.run(c, port, Duration.ofMillis(2_500), Duration.ofSeconds(3));
        long unanswered = poller.bad().stream().filter(b -> !b.startsWith("took ")).count();
        lines.add(String.format("| %s | %d | %d | %.2f | %.2f | %.2f | %s |", c.description(), poller.polls(), unanswered,
            poller.percentileMillis(50), poller.percentileMillis(99), poller.percentileMillis(100),
            o.closedByServer() + " of " + o.opened() + " closed" + (o.answers().isEmpty() ? "" : " " + new java.util.TreeSet<>(o.answers()))));
      }
    }
  }

  private static String wrk(String url, int seconds, int connections, boolean closeEach) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency"));
    if (closeEach) {
      cmd.addAll(List.of("-H", "Connection: close"));
    }
    cmd.add(url);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  private static void parse(String wrk, String prefix, Map<String, Double> r) {
    Matcher rate = RATE.matcher(wrk);
    if (!rate.find()) {
      throw new IllegalStateException("no Requests/sec in wrk's output:\n" + wrk);
    }
    r.put(prefix + ".rate", Double.parseDouble(rate.group(1)));
    Matcher m = LATENCY.matcher(wrk);
    while (m.find()) {
      double v = Double.parseDouble(m.group(2));
      double ms = switch (m.group(3)) {
        case "us" -> v / 1000;
        case "s" -> v * 1000;
        default -> v;
      };
      r.put(prefix + ".p" + m.group(1), ms);
    }
    double errors = 0;
    Matcher e = ERRORS.matcher(wrk);
    if (e.find()) {
      for (int i = 1; i <= 4; i++) {
        errors += Double.parseDouble(e.group(i));
      }
    }
    Matcher n = NON_2XX.matcher(wrk);
    if (n.find()) {
      errors += Double.parseDouble(n.group(1));
    }
    r.put(prefix + ".errors", errors);
  }

  private static double median(List<Map<String, Double>> rs, String key) {
    double[] v = rs.stream().mapToDouble(m -> m.getOrDefault(key, Double.NaN)).sorted().toArray();
    return v.length == 0 ? Double.NaN : v[v.length / 2];
  }
}

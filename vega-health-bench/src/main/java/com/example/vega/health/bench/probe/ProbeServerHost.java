package com.example.vega.health.bench.probe;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckResult;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthProbe;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.HealthServer;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One probe server in a fresh JVM, for {@link ProbeServerBenchmark}: {@code jdk} (the peer) or
 * {@code netty} (ours), optionally after the application created a JDK {@code HttpServer} of its
 * own ({@code jdk-first}). A monitor with one liveness check is running before the server starts;
 * what starting the server added is measured around {@code start}: wall time to return and to the
 * first {@code /live} answer, live heap after GC, classes loaded and threads. Prints one
 * {@code READY} line, then serves until a line arrives on stdin.
 */
public final class ProbeServerHost {
  private ProbeServerHost() {}

  public static void main(String[] args) throws Exception {
    String impl = args[0];
    boolean jdkFirst = args.length > 1 && args[1].equals("jdk-first");
    HttpServer application = null;
    if (jdkFirst) {
      application = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      application.createContext("/", ex -> {
        ex.sendResponseHeaders(204, -1);
        ex.close();
      });
      application.start();
    }
    HealthMonitor monitor = HealthMonitor.builder().service(ServiceInfo.of("vega-probe-bench"))
        .register("local", ctx -> CheckResult.up("ok"), CheckPolicy.builder().interval(Duration.ofSeconds(1))
            .timeout(Duration.ofSeconds(1)).probes(HealthProbe.LIVENESS).build())
        .build().start();
    Thread.sleep(1_500); // the check has run; its thread is counted in the baseline
    long heap0 = heapAfterGc();
    long direct0 = directBytes();
    long classes0 = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
    int threads0 = ManagementFactory.getThreadMXBean().getThreadCount();

    long t0 = System.nanoTime();
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    AutoCloseable server;
    int port;
    if (impl.equals("jdk")) {
      JdkProbeServer s = JdkProbeServer.start(monitor, any, DetailAccess.loopback());
      server = s;
      port = s.port();
    } else {
      HealthServer s = HealthServer.start(monitor, any, DetailAccess.loopback());
      server = s;
      port = s.port();
    }
    long started = System.nanoTime();
    int status = live(port);
    long answered = System.nanoTime();
    // The JDK server's two executor threads start with its first requests: ask twice more so
    // that both are counted, as they would be in a polled service.
    live(port);
    live(port);
    Thread.sleep(200);
    long heap1 = heapAfterGc();
    long direct1 = directBytes();
    long classes1 = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
    int threads1 = ManagementFactory.getThreadMXBean().getThreadCount();
    System.out.printf("READY port=%d status=%d startMs=%.1f firstAnswerMs=%.1f heapKB=%d directKB=%d classes=%d threads=%d%n",
        port, status, (started - t0) / 1e6, (answered - t0) / 1e6, (heap1 - heap0) / 1024, (direct1 - direct0) / 1024,
        classes1 - classes0, threads1 - threads0);
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    server.close();
    monitor.close();
    if (application != null) {
      application.stop(0);
    }
  }

  private static int live(int port) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = s.getOutputStream();
      out.write("GET /v1/healthz/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String head = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      return Integer.parseInt(head.substring(9, 12));
    }
  }

  /** NIO direct buffers (Netty's, the JDK's own socket buffers): memory outside the heap. */
  private static long directBytes() {
    return ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("direct")).mapToLong(java.lang.management.BufferPoolMXBean::getMemoryUsed).sum();
  }

  private static long heapAfterGc() {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      min = Math.min(min, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return min;
  }
}

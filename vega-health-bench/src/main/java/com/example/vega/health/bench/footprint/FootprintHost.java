package com.example.vega.health.bench.footprint;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The measured JVM of {@link FootprintBenchmark}: a host that embeds nothing ({@code baseline}) or
 * starts the module the way a service does ({@code idle}, {@code checks10}; see {@link Embedded}),
 * or a Spring Boot application without and with vega-health-spring ({@code spring-actuator},
 * {@code spring-vega}: vega-health-spring's test class {@code FootprintSpringApp}).
 * It only serves: the parent process polls it. It prints {@code port=N}, waits for a line on
 * standard input, then collects garbage three times and prints its heap, classes and threads as
 * {@code key=value} lines and {@code end}; it stops at the next line.
 *
 * <p>Everything that touches the module is in {@link Embedded}, loaded only when a scenario
 * needs it, so the baseline loads none of its classes.
 */
public final class FootprintHost {
  static final String SPRING_APP = "com.example.vega.health.spring.FootprintSpringApp";

  private FootprintHost() {}

  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    Embedded module = null;
    AutoCloseable spring = null;
    int port = 0;
    if (scenario.startsWith("spring-")) {
      // vega-health-spring's test class, on the class path FootprintBenchmark gives this JVM.
      Object app = Class.forName(SPRING_APP).getMethod("start", String.class).invoke(null, scenario);
      spring = (AutoCloseable) app;
      port = (Integer) app.getClass().getMethod("port").invoke(app);
    } else if (!scenario.equals("baseline")) {
      module = Embedded.start(scenario);
      port = module.port();
    }
    System.out.println("port=" + port);
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    in.readLine(); // the parent says when: after its settle time, with its load still running

    long heap = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      // Read right after a full collection (SerialGC): the live set plus what the server
      // allocated since. The smallest of three keeps that allowance small under load.
      heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
      Thread.sleep(100);
    }
    long metaspace = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.NON_HEAP && pool.getName().equals("Metaspace")) {
        metaspace = pool.getUsage().getUsed();
      }
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      names.add(t.getName());
    }
    System.out.println("heapUsed=" + heap);
    System.out.println("metaspaceUsed=" + metaspace);
    System.out.println("classes=" + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
    System.out.println("threads=" + threads.getThreadCount());
    System.out.println("peakThreads=" + threads.getPeakThreadCount());
    System.out.println("threadNames=" + String.join("|", names));
    if (module != null) {
      System.out.println("checkRuns=" + module.checkRuns());
      System.out.println("status=" + module.status());
    }
    System.out.println("end");
    System.out.flush();
    in.readLine(); // the parent has stopped its load: closing now fails no request
    if (module != null) {
      module.close();
    }
    if (spring != null) {
      spring.close();
    }
  }
}

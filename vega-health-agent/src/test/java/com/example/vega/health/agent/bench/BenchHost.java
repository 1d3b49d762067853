package com.example.vega.health.agent.bench;

import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The host of the startup benchmark: reports JVM uptime when main starts (after premain
 * returned), when /v1/healthz/live first answers (with the agent), and heap used after GC once the
 * checks have run.
 */
public final class BenchHost {
  private BenchHost() {}

  public static void main(String[] args) throws Exception {
    long atMain = ManagementFactory.getRuntimeMXBean().getUptime();
    System.out.println("mainAt=" + atMain);
    if (args.length > 0 && !args[0].equals("none")) {
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (System.nanoTime() < deadline) {
        try {
          HttpURLConnection c = (HttpURLConnection) URI.create(args[0]).toURL().openConnection();
          c.setConnectTimeout(200);
          c.setReadTimeout(1000);
          if (c.getResponseCode() == 200) {
            System.out.println("healthAt=" + ManagementFactory.getRuntimeMXBean().getUptime());
            break;
          }
        } catch (java.io.IOException e) {
          // not listening yet
        }
        Thread.sleep(2);
      }
    }
    Thread.sleep(3000); // let every check run once
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    Runtime rt = Runtime.getRuntime();
    System.out.println("heapUsed=" + (rt.totalMemory() - rt.freeMemory()));
    System.out.println("classes=" + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
    System.out.println("threads=" + Thread.activeCount());
  }
}

package com.example.vega.health.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a test starts a child JVM (a demo, a doctor, a host with the agent, Zipkin): this JVM's
 * {@code java}, with flags for a process that lives seconds. Such a process spends most of its CPU
 * starting and compiling, so it runs C1 only with the serial collector: one broken-demo run took
 * 18.5 s and 19 CPU-seconds with the defaults, 14.3 s and 10 CPU-seconds with these (2 vCPUs,
 * 2026-12-01). Behaviour is the same; only the JIT and the collector differ.
 */
public final class TestJvm {
  public static final List<String> QUICK = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private TestJvm() {}

  /** {@code java} and {@link #QUICK}, to which a test adds its class path and arguments. */
  public static List<String> command() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(QUICK);
    return cmd;
  }
}

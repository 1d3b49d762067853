package com.example.vega.health.checks;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ComponentType;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.HealthProbe;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Process-local: are any threads of this JVM deadlocked? Feeds liveness, because a deadlocked
 * process does not heal and the orchestrator should replace it.
 */
public final class DeadlockCheck implements HealthCheck {
  public static final String NAME = "jvm-deadlock";
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  /** Every 30 s, 2 s timeout, flips after 2 results, feeds liveness only. */
  public static CheckPolicy defaultPolicy() {
    return CheckPolicy.builder().interval(Duration.ofSeconds(30)).timeout(Duration.ofSeconds(2))
        .initialStatus(com.example.vega.health.Status.UP).probes(HealthProbe.LIVENESS).build();
  }

  public CheckRegistration registration(CheckPolicy policy) {
    return new CheckRegistration(NAME, ComponentType.SYSTEM, "deadlockedThreads", policy, this);
  }

  @Override
  public CheckResult check(CheckContext context) {
    long[] ids = threads.findDeadlockedThreads();
    if (ids == null || ids.length == 0) {
      return CheckResult.up("no deadlocked threads").with("deadlockedThreads", 0, "threads");
    }
    List<String> names = new ArrayList<>();
    for (ThreadInfo info : threads.getThreadInfo(ids)) {
      if (info != null && names.size() < 5) {
        names.add(info.getThreadName());
      }
    }
    return CheckResult.down(ErrorKind.OTHER,
        ids.length + " threads deadlocked: " + String.join(", ", names),
        "take a thread dump (jcmd <pid> Thread.print) before the task is replaced, and file it with the service's owners")
        .with("deadlockedThreads", ids.length, "threads");
  }
}

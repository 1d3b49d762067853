package com.example.vega.health.agent;

import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthSnapshot;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.checks.VegaRole;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code doctor [--role R|all]}: the role's checks, once each, through a {@link HealthMonitor}
 * (so each run is bounded by its timeout and every output is redacted), printed as hops: the
 * service's settings first, then its dependencies.
 */
final class ChecksRun {
  private ChecksRun() {}

  static Report run(Doctor.Args args, VegaSettings env, Duration timeout, PrintStream progress)
      throws Doctor.CannotRun {
    String given = args.options().get("role");
    if (given == null) {
      given = env.value("VEGA_HEALTH_ROLE") != null ? env.value("VEGA_HEALTH_ROLE") : env.value("VEGA_ROLE");
    }
    String roleArg = given;
    if (roleArg == null) {
      throw new Doctor.CannotRun("which service? pass --role " + Roles.NAMES.replace(", ", "|") + "|all"
          + " (or set VEGA_HEALTH_ROLE)");
    }
    List<VegaRole> roles = new ArrayList<>();
    if (roleArg.trim().equalsIgnoreCase("all")) {
      roles.addAll(List.of(VegaRole.values()));
    } else {
      roles.add(Roles.parse(roleArg).orElseThrow(() -> new Doctor.CannotRun(
          "unknown role '" + AgentConfig.shorten(roleArg) + "': use one of " + Roles.NAMES + " or all")));
    }
    String environment = env.value("VEGA_ENVIRONMENT") == null ? "dev" : env.value("VEGA_ENVIRONMENT");
    List<Hop> hops = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    notes.add("frontend and /v1/healthz are not part of this run: add --url https://api.<env>... for them");
    Set<String> seen = new HashSet<>();
    try (AwsSdk aws = new AwsSdk(env::value)) {
      for (VegaRole role : roles) {
        RoleChecks.Built built = RoleChecks.forRole(role, env, () -> aws);
        for (String p : built.problems()) {
          hops.add(Hop.of(role.serviceName() + " settings", Status.DOWN, 0, p,
              "fix the setting in the " + role.serviceName() + " task definition"));
        }
        List<CheckRegistration> regs = new ArrayList<>();
        for (CheckRegistration r : built.checks()) {
          // With --role all, a dependency shared by several services is checked once.
          if (r.name().equals("config") || seen.add(r.name())) {
            regs.add(r.withPolicy(r.policy().toBuilder().failureThreshold(1).successThreshold(1)
                .interval(Duration.ofHours(1)).timeout(min(r.policy().timeout(), timeout)).build()));
          }
        }
        Doctor.progress(progress, "checking " + role.serviceName() + ": " + regs.size() + " checks");
        hops.addAll(runOnce(role, environment, regs, built.secrets(), timeout));
      }
    }
    return new Report((roles.size() == 1 ? "role " + roles.get(0).hintName() : "all roles")
        + ", environment " + environment, hops, notes);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  static List<Hop> runOnce(VegaRole role, String environment, List<CheckRegistration> regs,
      List<String> secrets, Duration timeout) {
    HealthMonitor monitor = HealthMonitor.builder()
        .service(new ServiceInfo(role.serviceName(), "doctor", "doctor", "vega doctor", environment))
        .registerAll(regs)
        .secretValues(secrets.toArray(String[]::new))
        .build()
        .start();
    try {
      long deadline = System.nanoTime() + timeout.plusSeconds(2).toNanos();
      HealthSnapshot snap = monitor.snapshot();
      while (System.nanoTime() < deadline && !allReported(snap)) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        snap = monitor.snapshot();
      }
      List<Hop> hops = new ArrayList<>();
      for (CheckState c : snap.checks()) {
        hops.add(hop(role, c));
      }
      return hops;
    } finally {
      monitor.close();
    }
  }

  private static boolean allReported(HealthSnapshot s) {
    for (CheckState c : s.checks()) {
      if (c.lastResult() == null) {
        return false;
      }
    }
    return true;
  }

  static Hop hop(VegaRole role, CheckState c) {
    String name = c.name().equals("config") ? role.serviceName() + " settings"
        : role.serviceName() + " → " + c.name();
    CheckResult r = c.lastResult();
    if (r == null) {
      return Hop.of(name, Status.UNKNOWN, 0, "no result in time",
          "the check did not finish: run again with a longer --timeout, and check that this machine reaches the dependency");
    }
    return Hop.of(name, r.status(), r.duration().toMillis(), Text.oneLine(r.message()), r.hint());
  }
}

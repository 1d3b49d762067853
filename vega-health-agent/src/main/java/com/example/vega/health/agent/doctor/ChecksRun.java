package com.example.vega.health.agent.doctor;

import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthSnapshot;
import com.example.vega.health.Observation;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.agent.AwsSdk;
import com.example.vega.health.agent.RoleChecks;
import com.example.vega.health.agent.Roles;
import com.example.vega.health.agent.Text;
import com.example.vega.health.VegaRole;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code doctor [--role R|all]}: each role's checks, once, as that role runs them, through a
 * {@link HealthMonitor} (so each run is bounded by its timeout and every output is redacted),
 * printed as hops: the service's settings first, then its dependencies. With {@code all}, every
 * role runs its own checks: a dependency two roles share is checked once per role, since each
 * role checks it its own way (the runner's s3 writes artifacts, the worker's sqs reads CloudWatch).
 */
final class ChecksRun {
  /** The LlmProxyCheck's registration name. */
  static final String LLM_PROXY = "llm-proxy";
  /** The checks whose AWS calls prove rights, made here with the credentials in use. */
  static final java.util.Set<String> RIGHTS = java.util.Set.of("s3", "sqs", "secrets");
  /** The EcsRunTaskCheck's registration name. */
  static final String ECS_RUNTASK = "ecs-runtask";

  private ChecksRun() {}

  static Report run(Args args, Context ctx) throws CannotRun {
    String given = args.get("role");
    if (given == null) {
      given = ctx.setting(Settings.HEALTH_ROLE) != null ? ctx.setting(Settings.HEALTH_ROLE) : ctx.setting(Settings.ROLE);
    }
    String roleArg = given;
    if (roleArg == null) {
      throw new CannotRun("which service? pass --role " + Roles.NAMES.replace(", ", "|") + "|all"
          + " (or set VEGA_HEALTH_ROLE)");
    }
    List<VegaRole> roles = new ArrayList<>();
    if (roleArg.trim().equalsIgnoreCase("all")) {
      roles.addAll(List.of(VegaRole.values()));
    } else {
      roles.add(Roles.parse(roleArg).orElseThrow(() -> new CannotRun(
          "unknown role " + VegaSettings.shown(roleArg) + ": use one of " + Roles.NAMES + " or all")));
    }
    ctx.note("frontend and /v1/healthz are not part of this run: add --url https://api.<env>... for them");
    List<Step> steps = new ArrayList<>();
    for (VegaRole role : roles) {
      steps.add(Step.many(role.serviceName() + " checks", c -> role(role, c)));
    }
    List<Hop> hops = Walk.run(ctx, steps);
    return ctx.report((roles.size() == 1 ? "role " + roles.get(0).hintName() : "all roles")
        + ", environment " + ctx.environment, hops);
  }

  private static List<Hop> role(VegaRole role, Context ctx) throws CannotRun {
    AwsSdk aws = ctx.aws(a -> a);
    RoleChecks.Built built = RoleChecks.forRole(role, ctx.settings, () -> aws);
    built.secrets().forEach(ctx::secret);
    List<Hop> hops = new ArrayList<>();
    for (String p : built.problems()) {
      hops.add(Hop.of(role.serviceName() + " settings", Status.DOWN, 0, p,
          Runbook.SETTING.text("service", role.serviceName())));
    }
    // The scan-scoped proxy token exists only inside a runner task (the worker passes its reference,
    // VEGA_LLM_PROXY_TOKEN_REF, with RunTask): outside one, its absence says nothing about the runner.
    // Check that the proxy answers. With a reference, the llm-proxy check looks at it without reading
    // it (a read consumes it). The proxy's base URL when neither is there, else null.
    String proxyWithoutToken = role == VegaRole.RUNNER && ctx.setting(Settings.LLM_PROXY_TOKEN) == null
        && ctx.setting(Settings.LLM_PROXY_TOKEN_REF) == null && ctx.setting(Settings.SCAN_ID) == null
        ? ctx.setting(Settings.LLM_PROXY_BASE_URL) : null;
    List<CheckRegistration> regs = new ArrayList<>();
    for (CheckRegistration r : built.checks()) {
      if (proxyWithoutToken != null && r.name().equals(LLM_PROXY)) {
        continue;
      }
      regs.add(r.withPolicy(r.policy().toBuilder().failureThreshold(1).successThreshold(1)
          .interval(Duration.ofHours(1)).timeout(min(r.policy().timeout(), ctx.timeout)).build()));
    }
    ctx.progress("checking " + role.serviceName() + ": " + regs.size() + " checks");
    hops.addAll(runOnce(role, ctx, regs, built.secrets()));
    if (proxyWithoutToken != null) {
      hops.add(proxyAnswers(role, ctx, proxyWithoutToken));
    }
    return hops;
  }

  /** Whether anything answers at the proxy's base URL: any HTTP status proves it is reachable. */
  static Hop proxyAnswers(VegaRole role, Context ctx, String base) {
    String name = role.serviceName() + " → " + LLM_PROXY;
    long start = System.nanoTime();
    String unreachable = Runbook.LLM_PROXY_UNREACHABLE.text(ctx);
    URI uri;
    try {
      uri = URI.create(base);
    } catch (IllegalArgumentException e) {
      return Hop.of(name, Status.DOWN, 0, "VEGA_LLM_PROXY_BASE_URL is not a URL", unreachable);
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(min(ctx.timeout, Duration.ofSeconds(5))).build();
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(ctx.timeout).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return Hop.up(name, Hop.since(start), "LLM proxy at " + uri.getHost() + " answers (HTTP " + r.statusCode()
          + "); the scan-scoped token is checked inside a runner task only (not set here)");
    } catch (IOException e) {
      return Hop.of(name, Status.DOWN, Hop.since(start), "no answer from the LLM proxy at " + uri.getHost() + ": "
          + Failure.sentence(e), unreachable);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Hop.of(name, Status.UNKNOWN, Hop.since(start), "interrupted", "");
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  static List<Hop> runOnce(VegaRole role, Context ctx, List<CheckRegistration> regs, List<String> secrets) {
    HealthMonitor monitor = HealthMonitor.builder()
        .service(new ServiceInfo(role.serviceName(), "doctor", "doctor", "vega doctor", ctx.environment))
        .registerAll(regs)
        .secretValues(secrets.toArray(String[]::new))
        // One run, as a command: every check at once. Spreading first runs is for a fleet of
        // long-running monitors; here it only delays the answer, past a short --timeout too.
        .startSpread(Duration.ZERO)
        .build()
        .start();
    try {
      long deadline = System.nanoTime() + ctx.timeout.plusSeconds(2).toNanos();
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
        Hop h = hop(role, c);
        // These checks call AWS with the doctor's credentials: say whose rights they tested.
        if (RIGHTS.contains(c.name()) && c.lastResult() != null) {
          h = h.withEvidence(List.of(RoleRights.asCaller(ctx)));
        }
        // ecs-runtask simulates the worker's task role when it is named, and calls ECS (and
        // probes) as the doctor: both principals are said, the role only as far as it was simulated.
        if (c.name().equals(ECS_RUNTASK) && c.lastResult() != null) {
          String worker = ctx.setting(Settings.WORKER_TASK_ROLE_ARN);
          List<String> whose = new ArrayList<>();
          if (worker != null) {
            whose.add(workerRights(worker, c.lastResult()));
          }
          whose.add(RoleRights.asCaller(ctx));
          h = h.withEvidence(whose);
        }
        hops.add(h);
      }
      return hops;
    } finally {
      monitor.close();
    }
  }

  /**
   * Whose rights ecs-runtask's result judged, from its {@code permissionsSimulated} count (absent
   * when the check ended before gathering evidence): a simulation that failed (denied,
   * unavailable) or never ran tested nothing of the worker's role.
   */
  static String workerRights(String worker, CheckResult r) {
    Observation simulated = r.observation("permissionsSimulated");
    if (simulated == null) {
      return "rights not tested: " + worker + " (the check gave no IAM policy simulation result)";
    }
    if (simulated.value() instanceof Number n && n.intValue() > 0) {
      return "rights tested: as " + worker + " (simulated)";
    }
    return "rights not tested: " + worker + " (its IAM policy simulation could not be done)";
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
      return Hop.of(name, Status.UNKNOWN, 0, "no result in time", Runbook.CHECK_NO_RESULT.text());
    }
    return Hop.of(name, r.status(), r.duration().toMillis(), Text.oneLine(r.message()), r.hint());
  }
}

package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import com.example.vega.health.agent.Text;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.model.LoadBalancer;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * "API is down → Security group blocks traffic": the ALB target group of the service (from its
 * ECS load balancer settings), each target's health with the ALB's reason code, and whether the
 * target group sends traffic to port 8000 and health checks to the probe port and path the docs
 * recommend (8081, {@code /v1/healthz/ready}).
 */
final class AlbHop {
  static final int API_PORT = 8000;
  static final String PROBE_PORT = "8081";
  static final String READY_PATH = "/v1/healthz/ready";

  private AlbHop() {}

  /** One hop per target group of the service; none when it is not behind a load balancer. */
  static List<Hop> hops(Context ctx, String service) throws CannotRun {
    Service s = EcsHops.service(ctx, service);
    List<Hop> hops = new ArrayList<>();
    if (s == null) {
      return hops;
    }
    for (LoadBalancer lb : s.loadBalancers()) {
      if (lb.targetGroupArn() != null) {
        hops.add(targetGroup(ctx, service, lb));
      }
    }
    return hops;
  }

  static Hop targetGroup(Context ctx, String service, LoadBalancer lb) throws CannotRun {
    String arn = lb.targetGroupArn();
    String name = "alb " + service + " targets";
    long start = System.nanoTime();
    ElasticLoadBalancingV2Client elb = ctx.aws(a -> a.elb());
    TargetGroup tg;
    List<TargetHealthDescription> targets;
    try {
      List<TargetGroup> groups = elb.describeTargetGroups(b -> b.targetGroupArns(arn)).targetGroups();
      if (groups.isEmpty()) {
        return Hop.of(name, Status.DOWN, Hop.since(start), "target group " + arn + " does not exist",
            Runbook.TARGETS_NONE.text(ctx, "targetGroup", arn, "service", service));
      }
      tg = groups.get(0);
      targets = elb.describeTargetHealth(b -> b.targetGroupArn(arn)).targetHealthDescriptions();
    } catch (SdkException e) {
      return Failure.aws(e, "Elastic Load Balancing", "elasticloadbalancing:DescribeTargetHealth")
          .hop(name, Hop.since(start), ctx);
    }
    long ms = Hop.since(start);
    if (!tg.loadBalancerArns().isEmpty()) {
      ctx.remember(FrontendHops.ALB_ARN, tg.loadBalancerArns().get(0));
    }
    String checkPort = tg.healthCheckPort() == null || tg.healthCheckPort().equals("traffic-port")
        ? String.valueOf(tg.port()) : tg.healthCheckPort();
    String path = tg.healthCheckPath() == null ? "/" : tg.healthCheckPath();
    String matcher = tg.matcher() == null || tg.matcher().httpCode() == null ? "200" : tg.matcher().httpCode();
    String settings = "target group " + tg.targetGroupName() + ": traffic to " + lb.containerName() + ":"
        + lb.containerPort() + ", health check " + path + " on port " + checkPort + " (matcher " + matcher + ")";
    List<String> evidence = new ArrayList<>();
    evidence.add(settings);
    int healthy = 0;
    String firstReason = null;
    List<String> bad = new ArrayList<>();
    for (TargetHealthDescription t : targets) {
      String state = t.targetHealth() == null ? "unknown" : t.targetHealth().stateAsString();
      String reason = t.targetHealth() == null ? null : t.targetHealth().reasonAsString();
      String target = t.target() == null ? "?" : t.target().id() + ":" + t.target().port();
      evidence.add("target " + target + " " + state + (reason == null ? "" : " " + reason)
          + (t.targetHealth() == null || t.targetHealth().description() == null ? ""
              : ": " + Text.oneLine(t.targetHealth().description(), 160)));
      if ("healthy".equals(state)) {
        healthy++;
      } else if (!"draining".equals(state) && !"unused".equals(state)) {
        bad.add(target);
        if (firstReason == null && reason != null) {
          firstReason = reason;
        }
      }
    }
    boolean api = service.equals("vega-api");
    if (api && lb.containerPort() != null && lb.containerPort() != API_PORT) {
      return new Hop(name, Status.DOWN, ms, "the load balancer sends traffic to port " + lb.containerPort()
          + ", the API listens on " + API_PORT, Runbook.TARGET_PORT.text(ctx, "container",
              String.valueOf(lb.containerName()), "port", String.valueOf(lb.containerPort())), evidence);
    }
    if (healthy + bad.size() == 0) {
      return new Hop(name, Status.DOWN, ms, "no target registered in " + tg.targetGroupName(),
          Runbook.TARGETS_NONE.text(ctx, "targetGroup", tg.targetGroupName(), "service", service), evidence);
    }
    if (!bad.isEmpty()) {
      String hint = targetHint(ctx, firstReason, String.join(", ", bad), service, String.valueOf(lb.containerPort()),
          checkPort, path, matcher);
      return new Hop(name, healthy == 0 ? Status.DOWN : Status.DEGRADED, ms,
          healthy + " of " + (healthy + bad.size()) + " targets healthy" + (firstReason == null ? "" : " (" + firstReason + ")"),
          hint, evidence);
    }
    if (!READY_PATH.equals(path) || !PROBE_PORT.equals(checkPort)) {
      return new Hop(name, Status.DEGRADED, ms, healthy + " targets healthy, but the health check is " + path
          + " on port " + checkPort, Runbook.HEALTH_CHECK_SETTINGS.text(ctx, "path", path, "checkPort", checkPort),
          evidence);
    }
    return new Hop(name, Status.UP, ms, healthy + " of " + healthy + " targets healthy", "", evidence);
  }

  /** The ALB's reason code, read as the runbook's cause. */
  static String targetHint(Context ctx, @Nullable String reason, String targets, String service, String port,
      String checkPort, String path, String matcher) {
    String r = reason == null ? "" : reason;
    String role = service.startsWith("vega-") ? service.substring(5) : service;
    return switch (r) {
      case "Target.Timeout" -> Runbook.TARGET_TIMEOUT.text(ctx, "targets", targets, "port", port, "checkPort", checkPort);
      case "Target.ResponseCodeMismatch" -> Runbook.TARGET_RESPONSE_CODE.text(ctx, "path", path, "matcher", matcher,
          "role", role);
      default -> Runbook.TARGET_FAILED.text(ctx, "reason", r.isEmpty() ? "no reason code" : r, "port", port,
          "checkPort", checkPort, "service", service);
    };
  }
}

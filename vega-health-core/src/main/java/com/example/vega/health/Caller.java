package com.example.vega.health;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who runs a check, for wording hints the way the runbook does: the task role whose IAM policy to
 * check, the environment and region for {@code aws logs tail /vega/<env>/<service>}, and the ECS
 * cluster the services run in.
 *
 * @param role the short role name, e.g. {@code worker} (see {@link VegaRole#hintName()})
 * @param environment e.g. {@code dev}; {@code <env>} when unknown
 * @param region e.g. {@code us-west-1}; {@code <region>} when unknown
 * @param cluster the ECS cluster name or ARN; {@code <cluster>} when unknown
 */
public record Caller(String role, String environment, String region, String cluster) {
  /** What hints say where a value is unknown. */
  public static final String UNKNOWN_ENVIRONMENT = "<env>";
  public static final String UNKNOWN_REGION = "<region>";
  public static final String UNKNOWN_CLUSTER = "<cluster>";

  // A placeholder such as "<env>" stands where the value is not known.
  private static final Pattern WORD = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}|<[a-z]+>");
  private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,40}|<[a-z]+>");
  private static final Pattern CLUSTER =
      Pattern.compile("[A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\\d{12}:cluster/[A-Za-z0-9_-]{1,255}|<[a-z]+>");

  /** Validates each part: they are printed in hints, so none may be free text (or a secret). */
  public Caller {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(cluster, "cluster");
    if (!WORD.matcher(role).matches()) {
      throw new IllegalArgumentException("role must be a short lower-case name such as 'worker', was '" + role + "'");
    }
    if (!WORD.matcher(environment).matches()) {
      throw new IllegalArgumentException(
          "environment must be a short lower-case name such as 'dev', was '" + environment + "'");
    }
    if (!REGION.matcher(region).matches()) {
      throw new IllegalArgumentException("region must be an AWS region such as 'us-west-1'");
    }
    if (!CLUSTER.matcher(cluster).matches()) {
      throw new IllegalArgumentException("cluster must be an ECS cluster name or ARN");
    }
  }

  /** A caller of {@code role} whose environment, region and cluster are not known yet. */
  public static Caller of(VegaRole role) {
    return new Caller(role.hintName(), UNKNOWN_ENVIRONMENT, UNKNOWN_REGION, UNKNOWN_CLUSTER);
  }

  public Caller withCluster(String cluster) {
    return new Caller(role, environment, region, cluster);
  }

  /** Whether the region is known (not the {@code <region>} placeholder). */
  public boolean knowsRegion() {
    return !region.startsWith("<");
  }

  /** "check the IAM policy on the worker task role". */
  public String iamHint() {
    return "check the IAM policy on the " + role + " task role";
  }

  /** The service name the runbook's log groups use for this role, e.g. {@code vega-worker}. */
  public String serviceName() {
    for (VegaRole r : VegaRole.values()) {
      if (r.hintName().equals(role)) {
        return r.serviceName();
      }
    }
    return "vega-" + role;
  }

  /** {@code aws logs tail /vega/dev/vega-worker --region us-west-1 --since 30m}. */
  public String logsTail(String service, String since) {
    return "aws logs tail /vega/" + environment + "/" + service + " --region " + region + " --since " + since;
  }

  /** {@link #logsTail(String, String)} of this role's own service. */
  public String logsTail(String since) {
    return logsTail(serviceName(), since);
  }
}

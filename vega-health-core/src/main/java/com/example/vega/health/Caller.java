package com.example.vega.health;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who runs a check, for wording hints the way the runbook does: the task role whose IAM policy to
 * check, the environment, the region, the ECS cluster the services run in, and where a service's
 * logs are ({@link #logs(String)}: every check's hints say it through this one place).
 *
 * @param role the short role name, e.g. {@code worker} (see {@link VegaRole#hintName()})
 * @param environment e.g. {@code dev}; {@code <env>} when unknown
 * @param region e.g. {@code us-west-1}; {@code <region>} when unknown
 * @param cluster the ECS cluster name or ARN; {@code <cluster>} when unknown
 * @param logsHint where a service's logs are, as hints say it ({@link Setting#LOGS_HINT}'s shape):
 *     {@code {service}} and {@code {environment}} stand for the two; default {@link #NEUTRAL_LOGS}
 */
public record Caller(String role, String environment, String region, String cluster, String logsHint) {
  /** What hints say where a value is unknown. */
  public static final String UNKNOWN_ENVIRONMENT = "<env>";
  public static final String UNKNOWN_REGION = "<region>";
  public static final String UNKNOWN_CLUSTER = "<cluster>";
  /** Where the logs are, unless a service says ({@code VEGA_LOGS_HINT}): names no log group or tool. */
  public static final String NEUTRAL_LOGS = "the {service} logs";

  // A placeholder such as "<env>" stands where the value is not known.
  private static final Pattern PLACEHOLDER = Pattern.compile("<[a-z]+>");
  private static final Pattern ROLE = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");

  /**
   * Validates each part: they are printed in hints, so none may be free text (or a secret). The
   * environment, region and cluster are held to the rules of the settings they come from
   * ({@link Setting#ENVIRONMENT}, {@link Setting#COGNITO_REGION}'s region shape, {@link
   * Setting#ECS_CLUSTER}), so a value passes here exactly when it passes there.
   */
  public Caller {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(logsHint, "logsHint");
    if (!ROLE.matcher(role).matches() && !PLACEHOLDER.matcher(role).matches()) {
      throw new IllegalArgumentException("role must be a short lower-case name such as 'worker', was "
          + VegaSettings.shown(role));
    }
    requireShape("environment", environment, Setting.ENVIRONMENT);
    requireShape("region", region, Setting.COGNITO_REGION);
    requireShape("cluster", cluster, Setting.ECS_CLUSTER);
    logsHint = requireShape("logsHint", logsHint.strip(), Setting.LOGS_HINT);
  }

  /** A caller whose logs hints word neutrally ({@link #NEUTRAL_LOGS}). */
  public Caller(String role, String environment, String region, String cluster) {
    this(role, environment, region, cluster, NEUTRAL_LOGS);
  }

  /** {@code VEGA_LOGS_HINT} from {@code settings}, else {@link #NEUTRAL_LOGS} (a malformed one: the config check names it). */
  public static String logsHintOf(VegaSettings settings) {
    return Setting.LOGS_HINT.read(settings).orElse(NEUTRAL_LOGS);
  }

  /**
   * Where {@code service}'s logs are in {@code environment}, worded by {@code logs} (e.g. {@code the
   * {service} logs}): the one place that renders it, for this record and the postgres check.
   */
  public static String logs(String logs, String service, String environment) {
    return logs.replace("{service}", service).replace("{environment}", environment);
  }

  /** Whether {@code region} is an AWS region's id as hints name it (the shape of VEGA_COGNITO_REGION). */
  public static boolean isRegion(String region) {
    return Setting.COGNITO_REGION.accepts(region);
  }

  /**
   * {@code region}, if it is an AWS region's id or the {@code <region>} placeholder.
   *
   * @throws IllegalArgumentException naming VEGA_COGNITO_REGION, whose shape a region must have
   */
  public static String requireRegion(String region) {
    return requireShape("region", region, Setting.COGNITO_REGION);
  }

  private static String requireShape(String part, String value, Setting rule) {
    if (!PLACEHOLDER.matcher(value).matches() && !rule.accepts(value)) {
      throw new IllegalArgumentException(part + " must have the shape of " + rule.key() + " (" + rule.shape()
          + "), was " + rule.shown(value));
    }
    return value;
  }

  /** A caller of {@code role} whose environment, region and cluster are not known yet. */
  public static Caller of(VegaRole role) {
    return new Caller(role.hintName(), UNKNOWN_ENVIRONMENT, UNKNOWN_REGION, UNKNOWN_CLUSTER);
  }

  public Caller withCluster(String cluster) {
    return new Caller(role, environment, region, cluster, logsHint);
  }

  /** This caller with the logs worded by {@code logsHint}, e.g. a service's {@code VEGA_LOGS_HINT}. */
  public Caller withLogs(String logsHint) {
    return new Caller(role, environment, region, cluster, logsHint);
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

  /** Where {@code service}'s logs are: {@code the vega-llm-proxy logs}, or as {@link #logsHint} words it. */
  public String logs(String service) {
    return logs(logsHint, service, environment);
  }

  /** {@link #logs(String)} of this role's own service. */
  public String logs() {
    return logs(serviceName());
  }
}

package com.example.vega.health;

import java.util.Locale;

/**
 * The Vega services. A role decides which settings are required, which checks run, and the names
 * the runbook uses in hints (the task role, the log group).
 */
public enum VegaRole {
  API("vega-api"),
  WORKER("vega-worker"),
  RUNNER("vega-v16-runner"),
  LLM_PROXY("vega-llm-proxy"),
  MAINTENANCE("vega-maintenance");

  private final String hintName = name().toLowerCase(Locale.ROOT).replace('_', '-');
  private final String serviceName;

  VegaRole(String serviceName) {
    this.serviceName = serviceName;
  }

  /** The short name used in hints: "check the IAM policy on the worker task role". */
  public String hintName() {
    return hintName;
  }

  /** The ECS service / container name, e.g. {@code vega-worker}. */
  public String serviceName() {
    return serviceName;
  }

  /**
   * The role named by {@code name}: its short name ({@code llm-proxy}), service name
   * ({@code vega-llm-proxy}, also without {@code vega-}: {@code v16-runner}) or constant
   * ({@code LLM_PROXY}), case-insensitive.
   *
   * @throws IllegalArgumentException naming the value and the known roles
   */
  public static VegaRole of(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (VegaRole r : values()) {
      if (r.hintName.equals(n) || r.serviceName.equals(n) || ("vega-" + r.hintName).equals(n)
          || ("vega-" + n).equals(r.serviceName)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown Vega role " + com.example.vega.health.VegaSettings.shown(name)
        + "; known: api, worker, runner, llm-proxy, maintenance");
  }

  /** The roles' short names, comma-separated: {@code api, worker, runner, llm-proxy, maintenance}. */
  public static String names() {
    StringBuilder sb = new StringBuilder();
    for (VegaRole r : values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(r.hintName());
    }
    return sb.toString();
  }

  /** The CloudWatch log group the runbook tails, e.g. {@code /vega/dev/vega-worker}. */
  public String logGroup(String environment) {
    return "/vega/" + environment + "/" + serviceName;
  }
}

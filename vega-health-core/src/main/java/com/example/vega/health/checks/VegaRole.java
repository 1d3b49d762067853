package com.example.vega.health.checks;

/**
 * The Vega services. A role decides which settings are required, which checks run, and the names
 * the runbook uses in hints (the task role, the log group).
 */
public enum VegaRole {
  API("api", "vega-api"),
  WORKER("worker", "vega-worker"),
  RUNNER("runner", "vega-v16-runner"),
  LLM_PROXY("llm-proxy", "vega-llm-proxy"),
  MAINTENANCE("maintenance", "vega-maintenance");

  private final String hintName;
  private final String serviceName;

  VegaRole(String hintName, String serviceName) {
    this.hintName = hintName;
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

  /** The CloudWatch log group the runbook tails, e.g. {@code /vega/dev/vega-worker}. */
  public String logGroup(String environment) {
    return "/vega/" + environment + "/" + serviceName;
  }
}

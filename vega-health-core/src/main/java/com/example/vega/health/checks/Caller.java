package com.example.vega.health.checks;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who runs a check, for wording hints the way the runbook does: the task role whose IAM policy to
 * check, the environment and region for {@code aws logs tail /vega/<env>/<service>}.
 */
record Caller(String role, String environment, String region) {
  // "<env>" is the placeholder used when VEGA_ENVIRONMENT is not set.
  private static final Pattern WORD = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}|<[a-z]+>");

  Caller {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(region, "region");
    if (!WORD.matcher(role).matches()) {
      throw new IllegalArgumentException("role must be a short lower-case name such as 'worker', was '" + role + "'");
    }
    if (!WORD.matcher(environment).matches()) {
      throw new IllegalArgumentException(
          "environment must be a short lower-case name such as 'dev', was '" + environment + "'");
    }
  }

  /** "check the IAM policy on the worker task role". */
  String iamHint() {
    return "check the IAM policy on the " + role + " task role";
  }

  /** The service name the runbook's log groups use for this role. */
  String serviceName() {
    for (VegaRole r : VegaRole.values()) {
      if (r.hintName().equals(role)) {
        return r.serviceName();
      }
    }
    return "vega-" + role;
  }

  /** {@code aws logs tail /vega/dev/vega-worker --region us-west-1 --since 30m}. */
  String logsTail(String service, String since) {
    return "aws logs tail /vega/" + environment + "/" + service + " --region " + region + " --since " + since;
  }

  String logsTail(String since) {
    return logsTail(serviceName(), since);
  }
}

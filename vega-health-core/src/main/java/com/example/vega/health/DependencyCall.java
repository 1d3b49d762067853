package com.example.vega.health;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One kind of call a check's run makes to a dependency, and how many of it at most: what a fleet's
 * checks cost is these declarations times the runs per minute (the budget table in docs/checks.md).
 *
 * @param service the dependency as its API is billed and throttled: {@code sqs}, {@code s3},
 *     {@code postgres}, {@code http}
 * @param operation the API operation ({@code GetQueueAttributes}) or, for a database, {@code query}
 * @param perRun the most calls of it one run makes (a healthy run makes exactly this many)
 */
public record DependencyCall(String service, String operation, int perRun) {
  private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z0-9 ._:/-]{0,80}");

  public DependencyCall {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(operation, "operation");
    if (!WORD.matcher(service).matches() || !WORD.matcher(operation).matches()) {
      throw new IllegalArgumentException("service and operation must be short names, were '" + service + "', '"
          + operation + "'");
    }
    if (perRun < 1) {
      throw new IllegalArgumentException("perRun must be at least 1, was " + perRun);
    }
  }

  /** {@code service:operation}, e.g. {@code sqs:GetQueueAttributes}. */
  public String api() {
    return service + ":" + operation;
  }
}

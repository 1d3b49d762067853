package com.example.vega.health;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A check as the monitor knows it: its name, how it appears in health+json, and its policy.
 *
 * @param name unique within a monitor, lower-case with dashes: {@code postgres}, {@code sqs-scans}
 * @param componentType health+json componentType: a datastore, a component, the system
 * @param measurement the measurement of the check's first observed value, the part after the
 *     colon in {@code "postgres:responseTime"}
 * @param policy how it runs
 * @param check the check itself
 */
public record CheckRegistration(
    String name, ComponentType componentType, String measurement, CheckPolicy policy, HealthCheck check) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  public CheckRegistration {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(componentType, "componentType");
    Objects.requireNonNull(measurement, "measurement");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(check, "check");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "check name '" + name + "' must be lower-case letters, digits and dashes, starting with a letter");
    }
  }

  public static CheckRegistration of(String name, HealthCheck check, CheckPolicy policy) {
    return new CheckRegistration(name, ComponentType.COMPONENT, "status", policy, check);
  }

  public CheckRegistration withPolicy(CheckPolicy policy) {
    return new CheckRegistration(name, componentType, measurement, policy, check);
  }
}

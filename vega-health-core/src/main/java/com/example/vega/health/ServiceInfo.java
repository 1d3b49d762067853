package com.example.vega.health;

import java.util.Objects;

/**
 * Who is reporting: the top-level fields of health+json.
 *
 * @param serviceId e.g. {@code vega-api}
 * @param version the application version, e.g. {@code 1.4.2}
 * @param releaseId the build or image id, e.g. a git sha
 * @param description one line about the service
 * @param environment e.g. {@code dev}, for hints and {@code deployment.environment.name};
 *     {@link Caller#UNKNOWN_ENVIRONMENT} when not known (then no span carries it)
 */
public record ServiceInfo(
    String serviceId, String version, String releaseId, String description, String environment) {

  public ServiceInfo {
    Objects.requireNonNull(serviceId, "serviceId");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(releaseId, "releaseId");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(environment, "environment");
  }

  /** A service known by its id only: version, release and environment unknown. */
  public static ServiceInfo of(String serviceId) {
    return new ServiceInfo(serviceId, "unknown", "unknown", serviceId, Caller.UNKNOWN_ENVIRONMENT);
  }
}

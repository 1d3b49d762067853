package com.example.vega.health.spring;

import com.example.vega.health.VegaSettings;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;

/**
 * The {@code VEGA_*} settings read through the Spring {@link Environment}: the process
 * environment, system properties, application.properties and any property source the service
 * adds, with Spring's precedence.
 */
final class SpringVegaSettings implements VegaSettings {
  private final Environment environment;

  SpringVegaSettings(Environment environment) {
    this.environment = environment;
  }

  @Override
  public @Nullable String get(String key) {
    return environment.getProperty(key);
  }
}

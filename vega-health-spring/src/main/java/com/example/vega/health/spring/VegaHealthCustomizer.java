package com.example.vega.health.spring;

import com.example.vega.health.HealthMonitor;

/**
 * Adjusts the monitor before it is built: register more checks, add listeners, mask more secret
 * values. Every bean of this type is applied, in {@link org.springframework.core.annotation.Order}.
 *
 * <p>This is also the extension point for tracing: the tracing module contributes a customizer
 * that wraps checks and listeners with its scan context, without this module depending on it.
 */
@FunctionalInterface
public interface VegaHealthCustomizer {
  void customize(HealthMonitor.Builder builder);
}

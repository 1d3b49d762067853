package com.example.vega.health;

import java.time.Duration;

/**
 * {@link HealthMonitor.Builder#settings}: the fleet settings, validated all together, translated
 * into the builder's own calls (so a setting and its method validate alike).
 */
final class MonitorSettings {
  private MonitorSettings() {}

  static void apply(VegaSettings settings, HealthMonitor.Builder b) {
    Validated<String> spread = Setting.HEALTH_START_SPREAD.read(settings);
    Validated<String> backoff = Setting.HEALTH_MAX_BACKOFF.read(settings);
    Validated<String> startup = Setting.HEALTH_STARTUP_DEADLINE.read(settings);
    Validated<?> all = spread.and(backoff).and(startup);
    if (!all.isValid()) {
      throw new IllegalArgumentException(all.messages());
    }
    String deadline = startup.get();
    if (deadline != null) {
      b.startupDeadline(Duration.ofSeconds(Long.parseLong(deadline)));
    }
    String seconds = spread.get();
    if (seconds != null) {
      b.startSpread(Duration.ofSeconds(Long.parseLong(seconds)));
    }
    String cap = backoff.get();
    if (cap != null) {
      b.maxBackoff(Duration.ofSeconds(Long.parseLong(cap)));
    }
  }
}

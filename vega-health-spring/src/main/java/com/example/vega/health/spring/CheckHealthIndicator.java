package com.example.vega.health.spring;

import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.Observation;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * One check as an Actuator health indicator. Reads the monitor's latest snapshot: a call to
 * {@code /actuator/health} never reaches the dependency, whatever Actuator's own timeouts are.
 *
 * <p>UP stays UP, DEGRADED is reported UP (it still serves traffic, as on {@code /v1/healthz})
 * with {@code status: DEGRADED} in the details, UNKNOWN stays UNKNOWN, DOWN stays DOWN.
 */
record CheckHealthIndicator(HealthMonitor monitor, String name) implements HealthIndicator {

  @Override
  public Health health() {
    CheckState state = monitor.snapshot().check(name);
    if (state == null) {
      return Health.unknown().build();
    }
    Health.Builder b = Health.status(status(state.status()));
    b.withDetail("status", state.status().name())
        .withDetail("critical", state.critical())
        .withDetail("since", state.since().toString());
    CheckResult r = state.lastResult();
    if (r == null) {
      return b.withDetail("output", "not checked yet").build();
    }
    b.withDetail("output", r.message());
    if (!r.hint().isEmpty()) {
      b.withDetail("hint", r.hint());
    }
    b.withDetail("durationMs", r.duration().toMillis());
    if (r.time() != null) {
      b.withDetail("time", r.time().toString());
    }
    Map<String, Object> observed = new LinkedHashMap<>();
    for (Observation o : r.observations()) {
      observed.put(o.name(), o.unit() == null ? o.value() : o.value() + " " + o.unit());
    }
    if (!observed.isEmpty()) {
      b.withDetail("observed", observed);
    }
    return b.build();
  }

  static Status status(com.example.vega.health.Status s) {
    return switch (s) {
      case UP, DEGRADED -> Status.UP;
      case UNKNOWN -> Status.UNKNOWN;
      case DOWN -> Status.DOWN;
    };
  }
}

package com.example.vega.health.spring;

import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthProbe;
import com.example.vega.health.HealthSnapshot;
import com.example.vega.health.http.HealthEndpoints;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The monitor's readiness as one Actuator indicator, the member of Boot's {@code readiness} group
 * in place of the checks themselves: UP exactly when {@code /v1/healthz/ready} answers 200, so
 * {@code /actuator/health/readiness} fails open as that does. A check among the group's members
 * would fail the group whenever it is DOWN, and ECS replaces every task whose target-group check
 * fails: a shared database outage would replace the fleet. Like Boot's own {@code readinessState},
 * one indicator says whether the task takes traffic; the checks stay under
 * {@code /actuator/health/vega}, and the details here list them with what readiness overlooks.
 */
record ReadinessHealthIndicator(HealthMonitor monitor, HealthEndpoints endpoints) implements HealthIndicator {

  ReadinessHealthIndicator(HealthMonitor monitor) {
    this(monitor, new HealthEndpoints(monitor));
  }

  @Override
  public Health health() {
    // What "ready" means lives once, in core (monitor alive, liveness and fail-open readiness).
    Health.Builder b = endpoints.ready().status() == 200 ? Health.up() : Health.down();
    HealthSnapshot s = monitor.snapshot();
    Map<String, String> checks = new LinkedHashMap<>();
    for (CheckState c : s.checks()) {
      if (c.registration().policy().feeds(HealthProbe.READINESS) || c.registration().policy().feeds(HealthProbe.LIVENESS)) {
        checks.put(c.name(), c.status().name());
      }
    }
    b.withDetail("checks", checks).withDetail("failOpen", s.failOpen());
    if (s.readySince() != null) {
      b.withDetail("readySince", s.readySince().toString());
    }
    List<String> heldOpen = new ArrayList<>();
    for (CheckState c : s.heldOpen()) {
      heldOpen.add(c.name());
    }
    if (!heldOpen.isEmpty()) {
      // Failing, but a dependency every task shares: readiness stays UP (see /actuator/health/vega).
      b.withDetail("heldOpen", heldOpen);
    }
    return b.build();
  }
}

package com.example.vega.health.spring;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ComponentType;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthCheck;
import java.time.Duration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;

/**
 * Spring Boot's own readiness state as a check that feeds readiness. The probe server starts
 * before Tomcat and stops after it; without this, the probe port would say "ready" while the
 * application's port does not listen yet (the ALB would send requests to a closed port) and
 * while the application drains at shutdown.
 */
final class ReadinessStateCheck implements HealthCheck {
  static final String NAME = "app-readiness";

  /** Local and cheap: read every second, one result flips it either way. */
  static final CheckPolicy POLICY = CheckPolicy.builder()
      .interval(Duration.ofSeconds(1)).timeout(Duration.ofMillis(500))
      .failureThreshold(1).successThreshold(1).critical(true).build();

  private final ApplicationAvailability availability;

  ReadinessStateCheck(ApplicationAvailability availability) {
    this.availability = availability;
  }

  CheckRegistration registration(CheckPolicy policy) {
    return new CheckRegistration(NAME, ComponentType.SYSTEM, "readinessState", policy, this);
  }

  @Override
  public CheckResult check(CheckContext context) {
    ReadinessState state = availability.getReadinessState();
    if (state == ReadinessState.ACCEPTING_TRAFFIC) {
      return CheckResult.up("the application accepts traffic").with("readinessState", state.name(), null);
    }
    return CheckResult.down(ErrorKind.INACTIVE,
        "the application is not accepting traffic: it is starting, shutting down, or refused traffic itself",
        "if this lasts beyond startup, look for the startup failure or the shutdown cause in this service's log")
        .with("readinessState", state.name(), null);
  }
}

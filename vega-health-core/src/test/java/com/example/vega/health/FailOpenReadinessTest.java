package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.http.HealthEndpoints;
import com.example.vega.health.testing.ManualScheduler;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Readiness fails open once a task has served: a dependency every task shares no longer fails it
 * (ECS would replace every task), a fault of the task itself still does, and a task that has never
 * been ready gets no traffic.
 */
class FailOpenReadinessTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private final ManualScheduler scheduler = new ManualScheduler();
  private final AtomicReference<CheckResult> db = new AtomicReference<>(CheckResult.up("fine"));
  private final AtomicReference<CheckResult> local = new AtomicReference<>(CheckResult.up("fine"));

  private HealthMonitor.Builder monitor() {
    CheckPolicy critical = CheckPolicy.builder().interval(INTERVAL).timeout(Duration.ofSeconds(2))
        .failureThreshold(1).successThreshold(1).critical(true).build();
    return HealthMonitor.builder().startSpread(Duration.ZERO).service(ServiceInfo.of("vega-api"))
        .scheduler(scheduler).runExecutor(Runnable::run)
        .register(new CheckRegistration("postgres", ComponentType.DATASTORE, "responseTime", critical, ctx -> db.get()))
        .register(new CheckRegistration("app-state", ComponentType.SYSTEM, "state", critical, ctx -> local.get()));
  }

  private static CheckResult down() {
    return CheckResult.down(ErrorKind.TIMEOUT, "no answer from db.internal:5432", "check the database");
  }

  @Test
  void aSharedDependencyThatFailsAfterTheTaskServedKeepsItReadyWhileHealthzSaysFail() {
    try (HealthMonitor m = monitor().build().start()) {
      HealthEndpoints endpoints = new HealthEndpoints(m);
      scheduler.runDue();
      assertThat(endpoints.ready().status()).isEqualTo(200);
      assertThat(m.snapshot().readySince()).isNotNull();

      db.set(down());
      scheduler.advance(INTERVAL);
      assertThat(m.snapshot().check("postgres").status()).isEqualTo(Status.DOWN);
      assertThat(endpoints.ready().status()).as("fail open: ECS must not replace this task").isEqualTo(200);
      assertThat(endpoints.live().status()).isEqualTo(200);
      assertThat(endpoints.healthz(true, null).status()).isEqualTo(503);
      assertThat(new String(endpoints.healthz(true, null).body(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("check the database")
          .contains("\"readiness\":\"held open: postgres failing is shared by every task");
      assertThat(m.snapshot().heldOpen()).extracting(CheckState::name).containsExactly("postgres");

      db.set(CheckResult.up("fine"));
      scheduler.advance(INTERVAL);
      assertThat(m.snapshot().heldOpen()).isEmpty();
      assertThat(endpoints.healthz(true, null).status()).isEqualTo(200);
    }
  }

  @Test
  void aNewTaskWhoseDependencyFailsNeverPassesReadiness() {
    db.set(CheckResult.down(ErrorKind.AUTHENTICATION, "password authentication failed for user vega",
        "check the password in VEGA_DATABASE_URL's secret"));
    try (HealthMonitor m = monitor().build().start()) {
      HealthEndpoints endpoints = new HealthEndpoints(m);
      for (int i = 0; i < 5; i++) {
        scheduler.advance(INTERVAL);
        assertThat(endpoints.ready().status()).isEqualTo(503);
      }
      assertThat(m.snapshot().readySince()).isNull();
      assertThat(m.snapshot().heldOpen()).isEmpty();
    }
  }

  @Test
  void aFaultOfTheTaskItselfStillTakesItOutAfterItServed() {
    try (HealthMonitor m = monitor().build().start()) {
      HealthEndpoints endpoints = new HealthEndpoints(m);
      scheduler.runDue();
      assertThat(endpoints.ready().status()).isEqualTo(200);
      local.set(CheckResult.down(ErrorKind.OTHER, "refusing traffic: shutting down", "nothing: the task stops"));
      scheduler.advance(INTERVAL);
      assertThat(endpoints.ready().status()).isEqualTo(503);
    }
  }

  @Test
  void aClosedMonitorIsNotReady() {
    HealthMonitor m = monitor().build().start();
    HealthEndpoints endpoints = new HealthEndpoints(m);
    scheduler.runDue();
    assertThat(endpoints.ready().status()).isEqualTo(200);
    m.close(); // shutting down: the load balancer drains the task
    assertThat(endpoints.ready().status()).isEqualTo(503);
    assertThat(endpoints.live().status()).isEqualTo(503);
  }

  @Test
  void strictReadinessFollowsEverySharedDependency() {
    try (HealthMonitor m = monitor().failOpen(false).build().start()) {
      HealthEndpoints endpoints = new HealthEndpoints(m);
      scheduler.runDue();
      assertThat(endpoints.ready().status()).isEqualTo(200);
      db.set(down());
      scheduler.advance(INTERVAL);
      assertThat(endpoints.ready().status()).isEqualTo(503);
      assertThat(m.snapshot().heldOpen()).isEmpty();
    }
  }
}

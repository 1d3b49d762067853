package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.testing.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Checks under /actuator/health, read from the snapshot, and Boot's probe groups following the monitor. */
class ActuatorBridgeTest {
  private static final AtomicInteger CRITICAL_CALLS = new AtomicInteger();

  private final ApplicationContextRunner actuator = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(
          ApplicationAvailabilityAutoConfiguration.class,
          HealthContributorAutoConfiguration.class,
          HealthContributorRegistryAutoConfiguration.class,
          HealthEndpointAutoConfiguration.class,
          AvailabilityHealthContributorAutoConfiguration.class,
          AvailabilityProbesAutoConfiguration.class,
          VegaHealthAutoConfiguration.class,
          VegaHealthActuatorAutoConfiguration.class))
      .withPropertyValues("vega.health.server.port=-1",
          "management.endpoint.health.show-components=always",
          "management.endpoint.health.show-details=always");

  private final ApplicationContextRunner runner = actuator
      .withBean("databaseCheck", CheckRegistration.class, () -> CheckRegistration.of("database",
          c -> {
            CRITICAL_CALLS.incrementAndGet();
            return CheckResult.down(ErrorKind.CONNECTION_REFUSED, "connection refused", "check the URL");
          },
          CheckPolicy.builder().critical(true).failureThreshold(1).interval(Duration.ofMinutes(1)).build()))
      .withBean("cacheCheck", CheckRegistration.class, () -> CheckRegistration.of("cache",
          c -> CheckResult.up("ok"), CheckPolicy.builder().interval(Duration.ofMinutes(1)).build()));

  private static HealthDescriptor vega(HealthDescriptor group) {
    return ((CompositeHealthDescriptor) group).getComponents().get("vega");
  }

  private static void awaitFirstResults(HealthMonitor m) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (m.snapshot().checks().stream().anyMatch(c -> c.lastResult() == null) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  @Test
  void everyCheckIsAContributorThatReadsTheSnapshot() {
    runner.run(ctx -> {
      awaitFirstResults(ctx.getBean(HealthMonitor.class));
      HealthEndpoint endpoint = ctx.getBean(HealthEndpoint.class);
      int before = CRITICAL_CALLS.get();
      for (int i = 0; i < 50; i++) {
        endpoint.health();
      }
      assertThat(CRITICAL_CALLS.get()).as("dependency calls caused by /actuator/health").isEqualTo(before);

      CompositeHealthDescriptor vega = (CompositeHealthDescriptor) endpoint.healthForPath("vega");
      assertThat(vega.getComponents()).containsOnlyKeys("database", "cache", "jvm-deadlock", "app-readiness");
      IndicatedHealthDescriptor db = (IndicatedHealthDescriptor) vega.getComponents().get("database");
      assertThat(db.getStatus()).isEqualTo(Status.DOWN);
      assertThat(db.getDetails()).containsEntry("hint", "check the URL").containsEntry("critical", true);
    });
  }

  @Test
  void livenessGroupGetsLocalChecksOnlyAndReadinessTheMonitorsReadiness() {
    runner.run(ctx -> {
      awaitFirstResults(ctx.getBean(HealthMonitor.class));
      HealthEndpoint endpoint = ctx.getBean(HealthEndpoint.class);
      CompositeHealthDescriptor live = (CompositeHealthDescriptor) endpoint.healthForPath("liveness");
      assertThat(live.getComponents()).containsKeys("livenessState", "vega");
      assertThat(((CompositeHealthDescriptor) vega(live)).getComponents()).containsOnlyKeys("jvm-deadlock");
      // livenessState itself is BROKEN here: no ApplicationReadyEvent in a context runner.
      assertThat(vega(live).getStatus()).isEqualTo(Status.UP);

      CompositeHealthDescriptor ready = (CompositeHealthDescriptor) endpoint.healthForPath("readiness");
      assertThat(ready.getComponents()).containsOnlyKeys("readinessState", "vegaReadiness");
      IndicatedHealthDescriptor vegaReady = (IndicatedHealthDescriptor) ready.getComponents().get("vegaReadiness");
      // Never ready: the critical database was refused from the first run.
      assertThat(vegaReady.getStatus()).isEqualTo(Status.DOWN);
      assertThat(vegaReady.getDetails()).containsEntry("checks",
          Map.of("database", "DOWN", "jvm-deadlock", "UP", "app-readiness", "DOWN"));
    });
  }

  @Test
  void anExplicitGroupMembershipKeepsItsMembersAndGetsOursOnTop() {
    runner.withPropertyValues("management.endpoint.health.group.readiness.include=readinessState,ping")
        .run(ctx -> {
          awaitFirstResults(ctx.getBean(HealthMonitor.class));
          CompositeHealthDescriptor ready =
              (CompositeHealthDescriptor) ctx.getBean(HealthEndpoint.class).healthForPath("readiness");
          assertThat(ready.getComponents()).containsOnlyKeys("readinessState", "ping", "vegaReadiness");
        });
  }

  /**
   * A task that has been ready: a shared dependency going DOWN leaves Boot's readiness group UP
   * (as /v1/healthz/ready: ECS would replace every task otherwise) while /actuator/health says
   * DOWN; the task's own readiness state refusing traffic takes it DOWN.
   */
  @Test
  void readinessGroupFailsOpenForASharedDependencyButNotForTheTasksOwnState() {
    ManualScheduler scheduler = new ManualScheduler();
    AtomicReference<CheckResult> db = new AtomicReference<>(CheckResult.up("ok"));
    actuator.withBean("databaseCheck", CheckRegistration.class,
            () -> VegaHealthAutoConfigurationTest.sharedCheck("database", db))
        .withBean(VegaHealthCustomizer.class, () -> b -> b.scheduler(scheduler)
            .runExecutor(Runnable::run).instanceId("task-a"))
        .withPropertyValues("vega.health.start-spread=0s")
        .run(ctx -> {
          HealthMonitor m = ctx.getBean(HealthMonitor.class);
          HealthEndpoint endpoint = ctx.getBean(HealthEndpoint.class);
          AvailabilityChangeEvent.publish(ctx, ReadinessState.ACCEPTING_TRAFFIC);
          scheduler.runDue();
          assertThat(m.snapshot().readySince()).as("the task has been ready").isNotNull();
          assertThat(endpoint.healthForPath("readiness").getStatus()).isEqualTo(Status.UP);

          db.set(CheckResult.down(ErrorKind.CONNECTION_REFUSED, "connection refused", "check the database"));
          scheduler.advance(Duration.ofSeconds(10));
          assertThat(m.snapshot().check("database").status()).isEqualTo(com.example.vega.health.Status.DOWN);
          assertThat(endpoint.health().getStatus()).as("/actuator/health").isEqualTo(Status.DOWN);
          assertThat(endpoint.healthForPath("vega", "database").getStatus()).isEqualTo(Status.DOWN);
          CompositeHealthDescriptor ready = (CompositeHealthDescriptor) endpoint.healthForPath("readiness");
          assertThat(ready.getStatus()).as("/actuator/health/readiness fails open").isEqualTo(Status.UP);
          assertThat(((IndicatedHealthDescriptor) ready.getComponents().get("vegaReadiness")).getDetails())
              .containsEntry("heldOpen", List.of("database"));

          AvailabilityChangeEvent.publish(ctx, ReadinessState.REFUSING_TRAFFIC);
          scheduler.advance(Duration.ofSeconds(1)); // app-readiness reads Boot's state every second
          ready = (CompositeHealthDescriptor) endpoint.healthForPath("readiness");
          assertThat(ready.getStatus()).isEqualTo(Status.DOWN);
          assertThat(ready.getComponents().get("vegaReadiness").getStatus())
              .as("ours, not only Boot's readinessState").isEqualTo(Status.DOWN);
        });
  }

  @Test
  void readinessGroupIsStrictWithFailOpenOff() {
    ManualScheduler scheduler = new ManualScheduler();
    AtomicReference<CheckResult> db = new AtomicReference<>(CheckResult.up("ok"));
    actuator.withBean("databaseCheck", CheckRegistration.class,
            () -> VegaHealthAutoConfigurationTest.sharedCheck("database", db))
        .withBean(VegaHealthCustomizer.class, () -> b -> b.scheduler(scheduler)
            .runExecutor(Runnable::run).instanceId("task-a"))
        .withPropertyValues("vega.health.start-spread=0s", "vega.health.readiness.fail-open=false")
        .run(ctx -> {
          HealthEndpoint endpoint = ctx.getBean(HealthEndpoint.class);
          AvailabilityChangeEvent.publish(ctx, ReadinessState.ACCEPTING_TRAFFIC);
          scheduler.runDue();
          assertThat(endpoint.healthForPath("readiness").getStatus()).isEqualTo(Status.UP);
          db.set(CheckResult.down(ErrorKind.CONNECTION_REFUSED, "connection refused", "check the database"));
          scheduler.advance(Duration.ofSeconds(10));
          assertThat(endpoint.healthForPath("readiness").getStatus()).isEqualTo(Status.DOWN);
        });
  }

  @Test
  void withoutActuatorThereIsNoBridge() {
    runner.withClassLoader(new FilteredClassLoader(HealthContributor.class))
        .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(HealthMonitor.class)
            .doesNotHaveBean("vegaHealthContributor").doesNotHaveBean(ProbeGroups.class));
  }
}

package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthMonitor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
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

/** Checks under /actuator/health, read from the snapshot, and in Boot's probe groups. */
class ActuatorBridgeTest {
  private static final AtomicInteger CRITICAL_CALLS = new AtomicInteger();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
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
          "management.endpoint.health.show-details=always")
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
  void livenessGroupGetsLocalChecksOnlyAndReadinessAddsCriticalOnes() {
    runner.run(ctx -> {
      awaitFirstResults(ctx.getBean(HealthMonitor.class));
      HealthEndpoint endpoint = ctx.getBean(HealthEndpoint.class);
      CompositeHealthDescriptor live = (CompositeHealthDescriptor) endpoint.healthForPath("liveness");
      assertThat(live.getComponents()).containsKeys("livenessState", "vega");
      assertThat(((CompositeHealthDescriptor) vega(live)).getComponents()).containsOnlyKeys("jvm-deadlock");
      // livenessState itself is BROKEN here: no ApplicationReadyEvent in a context runner.
      assertThat(vega(live).getStatus()).isEqualTo(Status.UP);

      CompositeHealthDescriptor ready = (CompositeHealthDescriptor) endpoint.healthForPath("readiness");
      assertThat(ready.getComponents()).containsKeys("readinessState", "vega");
      assertThat(((CompositeHealthDescriptor) vega(ready)).getComponents())
          .containsOnlyKeys("database", "jvm-deadlock", "app-readiness");
      assertThat(vega(ready).getStatus()).isEqualTo(Status.DOWN);
    });
  }

  @Test
  void anExplicitGroupMembershipKeepsItsMembersAndGetsOursOnTop() {
    runner.withPropertyValues("management.endpoint.health.group.readiness.include=readinessState,ping")
        .run(ctx -> {
          awaitFirstResults(ctx.getBean(HealthMonitor.class));
          CompositeHealthDescriptor ready =
              (CompositeHealthDescriptor) ctx.getBean(HealthEndpoint.class).healthForPath("readiness");
          assertThat(ready.getComponents()).containsOnlyKeys("readinessState", "ping", "vega");
          assertThat(((CompositeHealthDescriptor) vega(ready)).getComponents())
              .containsOnlyKeys("database", "jvm-deadlock", "app-readiness");
        });
  }

  @Test
  void withoutActuatorThereIsNoBridge() {
    runner.withClassLoader(new FilteredClassLoader(HealthContributor.class))
        .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(HealthMonitor.class)
            .doesNotHaveBean("vegaHealthContributor").doesNotHaveBean(ProbeGroups.class));
  }
}

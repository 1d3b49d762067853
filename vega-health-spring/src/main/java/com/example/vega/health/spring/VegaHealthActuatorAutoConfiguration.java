package com.example.vega.health.spring;

import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The Actuator bridge: every check under {@code /actuator/health/vega/<check>}, read from the
 * monitor's snapshot; the process-local checks in Boot's liveness group, and the monitor's
 * fail-open readiness ({@code vegaReadiness}) in its readiness group.
 */
@AutoConfiguration(
    after = VegaHealthAutoConfiguration.class,
    afterName = "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration")
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(HealthMonitor.class)
public final class VegaHealthActuatorAutoConfiguration {
  /** Boot names a contributor bean after its name less the HealthContributor suffix: "vega". */
  static final String CONTRIBUTOR = "vega";
  /** The same rule for {@code vegaReadinessHealthIndicator}. */
  static final String READINESS = "vegaReadiness";

  @Bean
  CompositeHealthContributor vegaHealthContributor(HealthMonitor monitor) {
    Map<String, HealthContributor> byCheck = new LinkedHashMap<>();
    for (CheckState c : monitor.snapshot().checks()) {
      byCheck.put(c.name(), new CheckHealthIndicator(monitor, c.name()));
    }
    return CompositeHealthContributor.fromMap(byCheck);
  }

  @Bean
  HealthIndicator vegaReadinessHealthIndicator(HealthMonitor monitor) {
    return new ReadinessHealthIndicator(monitor);
  }

  /** Only with the health endpoint itself (spring-boot-actuator), where the groups live. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
  static final class ProbeGroupsConfiguration {

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE) // ties with Boot's probes post-processor; registered after it
    ProbeGroups vegaProbeGroups(HealthMonitor monitor) {
      return new ProbeGroups(CONTRIBUTOR, READINESS, monitor);
    }
  }
}

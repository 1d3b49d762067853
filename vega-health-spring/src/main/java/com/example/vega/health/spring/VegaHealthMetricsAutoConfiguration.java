package com.example.vega.health.spring;

import com.example.vega.health.HealthMonitor;
import com.example.vega.health.metrics.HealthMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Per-check meters ({@link HealthMetrics}) in every {@link MeterRegistry} the application has.
 * With Spring Boot's metrics auto-configuration the binder is bound like any other
 * {@code MeterBinder}; without it, it binds itself to each registry bean.
 */
@AutoConfiguration(
    after = VegaHealthAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"
    })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({HealthMonitor.class, MeterRegistry.class})
public final class VegaHealthMetricsAutoConfiguration {

  @Bean
  HealthMetrics vegaHealthMetrics(HealthMonitor monitor, ResolvedSettings settings) {
    return new HealthMetrics(monitor, settings.role());
  }

  /** Plain Micrometer without Boot's metrics module: nobody else binds MeterBinder beans. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingClass("org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration")
  static final class SelfBinding {

    @Bean
    SmartInitializingSingleton vegaHealthMetricsBinder(
        HealthMetrics metrics, ObjectProvider<MeterRegistry> registries) {
      return () -> registries.orderedStream().forEach(metrics::bindTo);
    }
  }
}

package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.metrics.HealthMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Meters appear in the application's registry when it has one, and only then. */
class MetricsBridgeTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VegaHealthAutoConfiguration.class,
          VegaHealthMetricsAutoConfiguration.class))
      .withPropertyValues("vega.health.server.port=-1", "vega.health.role=worker");

  @Test
  void bootMetricsRegistryGetsTheCheckMeters() {
    runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
            SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
        .run(ctx -> {
          assertThat(ctx).hasSingleBean(HealthMetrics.class);
          MeterRegistry registry = ctx.getBean(MeterRegistry.class);
          assertThat(registry.get(HealthMetrics.STATUS).tags("check", "jvm-deadlock", "role", "worker").gauge())
              .isNotNull();
          assertThat(registry.get(HealthMetrics.DURATION).tag("check", "jvm-deadlock").summary()).isNotNull();
          assertThat(registry.get(HealthMetrics.CHANGES).tag("check", "jvm-deadlock").functionCounter())
              .isNotNull();
        });
  }

  @Test
  void plainMicrometerRegistryIsBoundWithoutBootMetrics() {
    runner.withClassLoader(new FilteredClassLoader(MetricsAutoConfiguration.class))
        .withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
        .run(ctx -> assertThat(ctx.getBean(SimpleMeterRegistry.class)
            .get(HealthMetrics.STATUS).tag("check", "jvm-deadlock").gauge()).isNotNull());
  }

  @Test
  void noRegistryNoMeters() {
    runner.run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(HealthMetrics.class));
  }
}

package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.HealthMonitor;
import com.example.vega.health.telemetry.HealthTelemetry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A Spring service exports {@code vega.health.check.status} through Micrometer (here as Prometheus
 * scrapes it), and its OpenTelemetry, which gets the check-run spans and status-change records,
 * does not count the same meters a second time.
 */
class HealthExportTest {
  private final InMemoryMetricReader otelMetrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(otelMetrics).build()).build();

  @Test
  void springServiceExportsCheckStatusOnceThroughMicrometer() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VegaHealthAutoConfiguration.class,
            VegaHealthMetricsAutoConfiguration.class, VegaTracingAutoConfiguration.class,
            MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
            PrometheusMetricsExportAutoConfiguration.class))
        .withBean(OpenTelemetry.class, () -> otel)
        .withPropertyValues("vega.health.server.port=-1", "vega.health.role=api")
        .run(ctx -> {
          assertThat(ctx).hasSingleBean(HealthTelemetry.class);
          HealthMonitor monitor = ctx.getBean(HealthMonitor.class);
          long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
          while (monitor.snapshot().checks().stream().anyMatch(c -> c.lastResult() == null)
              && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          String scrape = ctx.getBean(PrometheusMeterRegistry.class).scrape();
          assertThat(scrape).containsPattern(
              "vega_health_check_status\\{check=\"jvm-deadlock\",role=\"api\"} 1\\.0");
          List<MetricData> fromOtel = List.copyOf(otelMetrics.collectAllMetrics());
          assertThat(fromOtel).extracting(MetricData::getName).doesNotContain(HealthTelemetry.STATUS);
        });
    otel.close();
  }
}

package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckResult;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.metrics.HealthMetrics;
import com.example.vega.health.telemetry.HealthTelemetry;
import com.example.vega.health.testing.ManualScheduler;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One quantity, one name, one unit: the health meters core and the agent export through
 * OpenTelemetry ({@link HealthTelemetry}) and those Spring exports through Micrometer
 * ({@link HealthMetrics}) are read back from each runtime and compared, for a run that took 250 ms.
 */
class HealthMetersAlikeInEveryRuntimeTest {
  private static final List<String> SHARED = List.of(
      HealthMetrics.STATUS, HealthMetrics.DURATION, HealthMetrics.CHANGES, HealthMetrics.TIMEOUTS);

  private final ManualScheduler scheduler = new ManualScheduler();

  @Test
  void checkDurationIsSecondsUnderTheSameNameFromOpenTelemetryAndMicrometer() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
        HealthMonitor monitor = HealthMonitor.builder().startSpread(Duration.ZERO)
            .service(ServiceInfo.of("vega-test"))
            .scheduler(scheduler).runExecutor(Runnable::run)
            .register("db", ctx -> {
              scheduler.stall(Duration.ofMillis(250)); // the run takes a quarter of a second
              return CheckResult.up("fine");
            }, CheckPolicy.builder().interval(Duration.ofSeconds(10)).timeout(Duration.ofSeconds(2)).build())
            .listener(HealthTelemetry.create(otel, "api"))
            .build()) {
      HealthMetrics metrics = new HealthMetrics(monitor, "api");
      metrics.bindTo(simple);
      metrics.bindTo(prometheus);
      monitor.start();
      scheduler.runDue();

      Map<String, MetricData> fromOtel = reader.collectAllMetrics().stream()
          .collect(Collectors.toMap(MetricData::getName, m -> m));
      List<String> fromMicrometer = simple.getMeters().stream().map(m -> m.getId().getName()).toList();
      assertThat(fromOtel.keySet()).containsAll(SHARED);
      assertThat(fromMicrometer).containsAll(SHARED);
      assertThat(HealthTelemetry.DURATION).isEqualTo(HealthMetrics.DURATION);

      // OpenTelemetry (core, agent): a histogram in "s" whose sum is the run in seconds.
      MetricData otelDuration = fromOtel.get(HealthTelemetry.DURATION);
      assertThat(otelDuration.getUnit()).isEqualTo("s");
      assertThat(otelDuration.getHistogramData().getPoints()).singleElement()
          .satisfies(p -> assertThat(p.getSum()).isEqualTo(0.25));

      // Micrometer (Spring): seconds whatever the registry's base time unit (OTLP's is ms), so
      // its OTLP unit is "seconds" and the value 0.25, never 250.
      Meter.Id id = simple.get(HealthMetrics.DURATION).tag("check", "db").meter().getId();
      assertThat(id.getType()).isEqualTo(Meter.Type.DISTRIBUTION_SUMMARY);
      assertThat(id.getBaseUnit()).isEqualTo(HealthMetrics.SECONDS);
      assertThat(prometheusUnit(otelDuration.getUnit())).isEqualTo(id.getBaseUnit());
      DistributionSummary summary = simple.get(HealthMetrics.DURATION).tag("check", "db").summary();
      assertThat(summary.totalAmount()).isEqualTo(0.25);

      // Prometheus view: Micrometer's scrape names the meter as OpenTelemetry's Prometheus
      // compatibility rules name the "s" histogram, in the same unit.
      String scrape = prometheus.scrape();
      String promName = prometheusName(otelDuration);
      assertThat(promName).isEqualTo("vega_health_check_duration_seconds");
      assertThat(scrape).contains(promName + "_sum{check=\"db\",role=\"api\"} 0.25");
      assertThat(scrape).contains(promName + "_count{check=\"db\",role=\"api\"} 1");
    }
  }

  /** OpenTelemetry's metric name as its Prometheus exporters write it (units "s" become "seconds"). */
  private static String prometheusName(MetricData m) {
    String unit = prometheusUnit(m.getUnit());
    String base = m.getName().replace('.', '_');
    return unit.isEmpty() ? base : base + "_" + unit;
  }

  private static String prometheusUnit(String ucum) {
    return switch (ucum) {
      case "s" -> "seconds";
      case "ms" -> "milliseconds";
      default -> ucum.startsWith("{") ? "" : ucum;
    };
  }
}

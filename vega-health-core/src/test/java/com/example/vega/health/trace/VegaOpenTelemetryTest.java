package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VegaOpenTelemetryTest {
  private static final Map<String, String> NO_EXPORT = Map.of(
      "OTEL_TRACES_EXPORTER", "none", "OTEL_METRICS_EXPORTER", "none", "OTEL_LOGS_EXPORTER", "none");

  @Test
  void onEcsTheResourceSaysAwsEcsWithRegionAndLaunchType() {
    Attributes a = VegaOpenTelemetry.resourceAttributes(Map.of(
        "ECS_CONTAINER_METADATA_URI_V4", "http://169.254.170.2/v4/abc",
        "AWS_REGION", "us-west-1", "AWS_EXECUTION_ENV", "AWS_ECS_FARGATE", "VEGA_ENVIRONMENT", "prod"));

    assertThat(a.get(VegaOpenTelemetry.CLOUD_PROVIDER)).isEqualTo("aws");
    assertThat(a.get(VegaOpenTelemetry.CLOUD_PLATFORM)).isEqualTo("aws_ecs");
    assertThat(a.get(VegaOpenTelemetry.CLOUD_REGION)).isEqualTo("us-west-1");
    assertThat(a.get(VegaOpenTelemetry.ECS_LAUNCH_TYPE)).isEqualTo("fargate");
    assertThat(a.get(VegaOpenTelemetry.DEPLOYMENT_ENVIRONMENT)).isEqualTo("prod");
  }

  @Test
  void offEcsNoCloudAttributesAreClaimed() {
    Attributes a = VegaOpenTelemetry.resourceAttributes(Map.of("AWS_REGION", "us-west-1"));

    assertThat(a.isEmpty()).isTrue();
  }

  @Test
  void sdkNamesTheServiceAndRegistersTheScanIdProcessor() {
    try (OpenTelemetrySdk sdk = VegaOpenTelemetry.builder("vega-worker").environment(NO_EXPORT)
        .shutdownHook(false).build()) {
      String provider = sdk.getSdkTracerProvider().toString();
      assertThat(provider).contains("service.name=\"vega-worker\"").contains("ScanIdSpanProcessor");
    }
  }

  @Test
  void otelServiceNameStillWins() {
    Map<String, String> env = new java.util.HashMap<>(NO_EXPORT);
    env.put("OTEL_SERVICE_NAME", "renamed");
    try (OpenTelemetrySdk sdk = VegaOpenTelemetry.builder("vega-worker").environment(env)
        .shutdownHook(false).build()) {
      assertThat(sdk.getSdkTracerProvider().toString()).contains("service.name=\"renamed\"");
    }
  }

  @Test
  void blankServiceNameIsRejectedWithTheSettingsName() {
    assertThatThrownBy(() -> VegaOpenTelemetry.builder(" ").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serviceName");
  }
}

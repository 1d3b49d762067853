package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Setting;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.semconv.DeploymentAttributes;
import io.opentelemetry.semconv.ServiceAttributes;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VegaOpenTelemetryTest {
  private static final Map<String, String> NO_EXPORT = Map.of(
      "OTEL_TRACES_EXPORTER", "none", "OTEL_METRICS_EXPORTER", "none", "OTEL_LOGS_EXPORTER", "none");

  @Test
  void resourceCarriesVersionEnvironmentAndAnInstanceId() {
    Attributes a = VegaOpenTelemetry.resourceAttributes(Map.of("VEGA_ENVIRONMENT", "prod"), "1.4.2", "dev");
    Attributes b = VegaOpenTelemetry.resourceAttributes(Map.of(), "unknown", "staging");

    assertThat(a.get(ServiceAttributes.SERVICE_VERSION)).isEqualTo("1.4.2");
    assertThat(a.get(DeploymentAttributes.DEPLOYMENT_ENVIRONMENT_NAME)).isEqualTo("prod");
    assertThat(b.get(ServiceAttributes.SERVICE_VERSION)).isNull();
    assertThat(b.get(DeploymentAttributes.DEPLOYMENT_ENVIRONMENT_NAME)).isEqualTo("staging");
    assertThat(a.get(ServiceAttributes.SERVICE_INSTANCE_ID)).isNotBlank()
        .isNotEqualTo(b.get(ServiceAttributes.SERVICE_INSTANCE_ID));
  }

  @Test
  void aServiceWhoseEnvironmentNobodyGaveClaimsNone() {
    com.example.vega.health.ServiceInfo unknown = com.example.vega.health.ServiceInfo.of("orders");
    assertThat(unknown.environment()).isEqualTo("<env>");
    Attributes a = VegaOpenTelemetry.resourceAttributes(Map.of(), "unknown", unknown.environment());
    assertThat(a.get(DeploymentAttributes.DEPLOYMENT_ENVIRONMENT_NAME)).isNull();
  }

  @Test
  void sdkResourceHasTheServiceInfoAndTheHealthRunProcessorWrapsTheExporter() {
    Map<String, String> env = new java.util.HashMap<>(NO_EXPORT);
    env.put("OTEL_TRACES_EXPORTER", "zipkin");
    env.put("OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://127.0.0.1:9/api/v2/spans");
    try (OpenTelemetrySdk sdk = VegaOpenTelemetry.builder(new ServiceInfo("vega-worker", "2.0.1", "abc", "w", "prod"))
        .environment(env).shutdownHook(false).build()) {
      String provider = sdk.getSdkTracerProvider().toString();
      assertThat(provider).contains("service.version=\"2.0.1\"")
          .contains("deployment.environment.name=\"prod\"")
          .contains("HealthRunSpanProcessor{exportHealthyRuns=false");
    }
  }

  @Test
  void healthyRunsAreExportedOnlyWhenTheSettingSaysTrue() {
    for (String[] c : new String[][] {{"true", "true"}, {" TRUE ", "true"}, {"false", "false"}, {"yes", "false"}}) {
      Map<String, String> env = new java.util.HashMap<>(NO_EXPORT);
      env.put("OTEL_TRACES_EXPORTER", "zipkin");
      env.put("OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://127.0.0.1:9/api/v2/spans");
      env.put(Setting.HEALTH_TRACE_HEALTHY_RUNS.key(), c[0]);
      try (OpenTelemetrySdk sdk = VegaOpenTelemetry.builder("vega-worker").environment(env)
          .shutdownHook(false).build()) {
        assertThat(sdk.getSdkTracerProvider().toString()).as("VEGA_HEALTH_TRACE_HEALTHY_RUNS=%s", c[0])
            .contains("HealthRunSpanProcessor{exportHealthyRuns=" + c[1]);
      }
    }
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
    // Where it is given, not later at build().
    assertThatThrownBy(() -> VegaOpenTelemetry.builder(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serviceName must not be blank");
  }

  @Test
  void aServiceBuiltByNameTakesItsVersionAndEnvironmentFromTheVariables() {
    Map<String, String> env = new java.util.HashMap<>(NO_EXPORT);
    env.put(Setting.VERSION.key(), "3.1.0");
    env.put(Setting.ENVIRONMENT.key(), "prod");
    try (OpenTelemetrySdk sdk = VegaOpenTelemetry.builder("vega-api").environment(env).shutdownHook(false).build()) {
      assertThat(sdk.getSdkTracerProvider().toString()).contains("service.version=\"3.1.0\"")
          .contains("deployment.environment.name=\"prod\"");
    }
  }

  /**
   * OTEL_PROPAGATORS=xray: with the X-Ray propagator's jar (optional in core, on this test class
   * path) the SDK builds with it; without the jar (a class loader over the same class path minus
   * that jar, as a service that does not add it) the build fails, naming the propagator, rather
   * than falling back to W3C behind the user's back.
   */
  @Test
  void xrayPropagatorsBuildOnlyWithThePropagatorsJar() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(NO_EXPORT);
    env.put("OTEL_PROPAGATORS", "xray");
    try (OpenTelemetrySdk sdk = VegaOpenTelemetry.builder("vega-api").environment(env).shutdownHook(false).build()) {
      assertThat(sdk.getPropagators().getTextMapPropagator().fields()).containsExactly("X-Amzn-Trace-Id");
    }

    java.util.List<java.net.URL> withoutXray = new java.util.ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!e.contains("opentelemetry-aws-xray-propagator")) {
        withoutXray.add(java.nio.file.Path.of(e).toUri().toURL());
      }
    }
    assertThat(withoutXray).hasSizeLessThan(System.getProperty("java.class.path").split(java.io.File.pathSeparator).length);
    try (java.net.URLClassLoader service = new java.net.URLClassLoader(
        withoutXray.toArray(java.net.URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> service.loadClass("io.opentelemetry.contrib.awsxray.propagator.AwsXrayPropagator"))
          .isInstanceOf(ClassNotFoundException.class);
      Class<?> vega = service.loadClass(VegaOpenTelemetry.class.getName());
      Object builder = vega.getMethod("builder", String.class).invoke(null, "vega-api");
      builder = builder.getClass().getMethod("environment", Map.class).invoke(builder, env);
      builder = builder.getClass().getMethod("shutdownHook", boolean.class).invoke(builder, false);
      Object b = builder;
      assertThatThrownBy(() -> b.getClass().getMethod("build").invoke(b))
          .cause().hasMessageContaining("Unrecognized value for otel.propagators: xray")
          .extracting(t -> t.getClass().getName())
          .isEqualTo("io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException");
    }
  }
}

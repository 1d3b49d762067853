package com.example.vega.examples.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.examples.common.Env;
import com.example.vega.examples.common.ServiceRuntime;
import com.example.vega.examples.proxy.ProxyResource;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every example service's telemetry resource carries service.version and
 * deployment.environment.name: the two Spring services through their OpenTelemetry beans, the
 * worker and the runner through ServiceRuntime's description of themselves.
 */
class ServiceResourceTest {
  private static final Map<String, String> NO_EXPORT = Map.of(
      "OTEL_TRACES_EXPORTER", "none", "OTEL_METRICS_EXPORTER", "none", "OTEL_LOGS_EXPORTER", "none");

  private static String resource(Function<Env, OpenTelemetrySdk> service, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(NO_EXPORT);
    env.putAll(extra);
    try (OpenTelemetrySdk sdk = service.apply(new Env(env))) {
      return sdk.getSdkTracerProvider().toString();
    }
  }

  @Test
  void everyServiceSendsItsVersionAndEnvironment() {
    Map<String, Function<Env, OpenTelemetrySdk>> services = Map.of(
        "vega-api", new ApiApplication()::openTelemetry,
        "vega-llm-proxy", ProxyResource::openTelemetry,
        "vega-worker", env -> com.example.vega.health.trace.VegaOpenTelemetry
            .builder(ServiceRuntime.serviceInfo("vega-worker", env.map())).environment(env.map()).shutdownHook(false).build(),
        "vega-v16-runner", env -> com.example.vega.health.trace.VegaOpenTelemetry
            .builder(ServiceRuntime.serviceInfo("vega-v16-runner", env.map())).environment(env.map()).shutdownHook(false).build());
    services.forEach((name, sdk) -> {
      assertThat(resource(sdk, Map.of())).as(name).contains("service.name=\"" + name + "\"")
          .containsPattern("service\\.version=\"\\d+\\.\\d+\\.\\d+\"")
          .contains("deployment.environment.name=\"local\"");
      assertThat(resource(sdk, Map.of("VEGA_VERSION", "1.4.2", "VEGA_ENVIRONMENT", "prod"))).as(name)
          .contains("service.version=\"1.4.2\"").contains("deployment.environment.name=\"prod\"");
    });
  }
}

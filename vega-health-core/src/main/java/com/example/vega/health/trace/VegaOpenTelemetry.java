package com.example.vega.health.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds a service's {@link OpenTelemetrySdk} through the SDK's autoconfiguration, so export is
 * set by the standard {@code OTEL_*} variables (OTLP by default, e.g.
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT}), with Vega's defaults on top:
 *
 * <ul>
 *   <li>{@code service.name} is the Vega service ({@code vega-api}, {@code vega-worker},
 *       {@code vega-v16-runner}, {@code vega-llm-proxy}) unless {@code OTEL_SERVICE_NAME} says
 *       otherwise;
 *   <li>on ECS ({@code ECS_CONTAINER_METADATA_URI_V4} set): {@code cloud.provider=aws},
 *       {@code cloud.platform=aws_ecs}, {@code cloud.region}, {@code aws.ecs.launchtype};
 *   <li>{@link ScanIdSpanProcessor} registered;
 *   <li>propagators {@code tracecontext,baggage} (the carriers of this package use W3C anyway).
 * </ul>
 *
 * <pre>{@code
 * OpenTelemetrySdk otel = VegaOpenTelemetry.builder("vega-worker").build();
 * ScanTracing tracing = ScanTracing.create(otel);
 * }</pre>
 *
 * <p>Needs {@code opentelemetry-sdk-extension-autoconfigure} and an exporter
 * ({@code opentelemetry-exporter-otlp}) on the service's classpath; both are optional
 * dependencies of this module.
 */
public final class VegaOpenTelemetry {
  static final AttributeKey<String> CLOUD_PROVIDER = AttributeKey.stringKey("cloud.provider");
  static final AttributeKey<String> CLOUD_PLATFORM = AttributeKey.stringKey("cloud.platform");
  static final AttributeKey<String> CLOUD_REGION = AttributeKey.stringKey("cloud.region");
  static final AttributeKey<String> ECS_LAUNCH_TYPE = AttributeKey.stringKey("aws.ecs.launchtype");
  static final AttributeKey<String> DEPLOYMENT_ENVIRONMENT =
      AttributeKey.stringKey("deployment.environment.name");

  private VegaOpenTelemetry() {}

  public static Builder builder(String serviceName) {
    return new Builder(serviceName);
  }

  /** Configuration, validated at {@link #build()}. */
  public static final class Builder {
    private final String serviceName;
    private @Nullable Map<String, String> environment;
    private boolean shutdownHook = true;

    private Builder(String serviceName) {
      this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
    }

    /**
     * Reads {@code OTEL_*}, ECS and {@code VEGA_ENVIRONMENT} variables from this map instead of
     * the process environment (its {@code OTEL_*} entries override the process's). For tests.
     */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /** Whether the SDK flushes and shuts down at JVM exit (default true). */
    public Builder shutdownHook(boolean enabled) {
      this.shutdownHook = enabled;
      return this;
    }

    public OpenTelemetrySdk build() {
      if (serviceName.isBlank()) {
        throw new IllegalArgumentException("serviceName must not be blank (e.g. vega-worker)");
      }
      Map<String, String> env = environment != null ? environment : System.getenv();
      Map<String, String> defaults = new HashMap<>();
      defaults.put("otel.service.name", serviceName);
      defaults.put("otel.propagators", "tracecontext,baggage");
      Map<String, String> overrides = environment == null ? Map.of() : otelProperties(environment);
      Attributes ecs = resourceAttributes(env);
      var b = AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesSupplier(() -> defaults)
          .addPropertiesCustomizer(config -> overrides)
          .addResourceCustomizer((resource, config) -> resource.merge(Resource.create(ecs)))
          .addTracerProviderCustomizer((tracers, config) -> tracers.addSpanProcessor(new ScanIdSpanProcessor()));
      if (!shutdownHook) {
        b.disableShutdownHook();
      }
      return b.build().getOpenTelemetrySdk();
    }
  }

  /** Resource attributes from the environment: ECS ones only when running on ECS. */
  static Attributes resourceAttributes(Map<String, String> env) {
    AttributesBuilder a = Attributes.builder();
    String deployment = env.get("VEGA_ENVIRONMENT");
    if (deployment != null && !deployment.isBlank()) {
      a.put(DEPLOYMENT_ENVIRONMENT, deployment);
    }
    if (env.get("ECS_CONTAINER_METADATA_URI_V4") == null) {
      return a.build();
    }
    a.put(CLOUD_PROVIDER, "aws").put(CLOUD_PLATFORM, "aws_ecs");
    String region = env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION"));
    if (region != null && !region.isBlank()) {
      a.put(CLOUD_REGION, region);
    }
    String execution = env.get("AWS_EXECUTION_ENV");
    if ("AWS_ECS_FARGATE".equals(execution)) {
      a.put(ECS_LAUNCH_TYPE, "fargate");
    } else if ("AWS_ECS_EC2".equals(execution)) {
      a.put(ECS_LAUNCH_TYPE, "ec2");
    }
    return a.build();
  }

  /** OTEL_EXPORTER_OTLP_ENDPOINT -> otel.exporter.otlp.endpoint, as autoconfigure reads env. */
  static Map<String, String> otelProperties(Map<String, String> env) {
    Map<String, String> out = new HashMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith("OTEL_")) {
        out.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
      }
    });
    return out;
  }
}

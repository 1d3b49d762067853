package com.example.vega.health.trace;

import com.example.vega.health.Caller;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Setting;
import com.example.vega.health.Validated;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.telemetry.HealthRunSpanProcessor;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.semconv.ServiceAttributes;
import io.opentelemetry.semconv.DeploymentAttributes;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Builds a service's {@link OpenTelemetrySdk} through the SDK's autoconfiguration, so export of
 * spans, metrics and log records is set by the standard {@code OTEL_*} variables (OTLP by default,
 * e.g. {@code OTEL_EXPORTER_OTLP_ENDPOINT}; Zipkin with {@code OTEL_TRACES_EXPORTER=zipkin} and the
 * Zipkin exporter on the class path), with Vega's defaults on top:
 *
 * <ul>
 *   <li>resource: {@code service.name} (unless {@code OTEL_SERVICE_NAME} says otherwise),
 *       {@code service.version} and {@code deployment.environment.name} from the
 *       {@link ServiceInfo} ({@code VEGA_ENVIRONMENT} wins), and a random
 *       {@code service.instance.id}; on ECS the task, cluster, launch type and log groups come from
 *       OpenTelemetry's own ECS resource detector ({@code opentelemetry-aws-resources}, found on
 *       the class path; its EC2, EKS, Beanstalk and Lambda detectors are switched off, so nothing
 *       probes the EC2 metadata address);
 *   <li>{@link ScanIdSpanProcessor} registered;
 *   <li>the exporting span processor wrapped in {@link HealthRunSpanProcessor}: healthy check runs
 *       are not exported unless {@link Setting#HEALTH_TRACE_HEALTHY_RUNS} is {@code true};
 *   <li>propagators {@code tracecontext,baggage} (the carriers of this package use W3C anyway);
 *   <li>with the Zipkin exporter, CONSUMER spans that name their broker ({@code peer.service})
 *       are sent with it as their Zipkin remote endpoint, so Zipkin's dependency view draws
 *       {@code sqs -> vega-worker}.
 * </ul>
 *
 * <pre>{@code
 * OpenTelemetrySdk otel = VegaOpenTelemetry.builder(serviceInfo).build();
 * ScanTracing tracing = ScanTracing.create(otel);
 * }</pre>
 *
 * <p>Needs {@code opentelemetry-sdk-extension-autoconfigure} and an exporter
 * ({@code opentelemetry-exporter-otlp}) on the service's classpath; both are optional
 * dependencies of this module, as is {@code opentelemetry-aws-resources}.
 */
public final class VegaOpenTelemetry {
  private static final System.Logger LOG = System.getLogger(VegaOpenTelemetry.class.getName());
  /** The contrib AWS detectors other than ECS: each would probe its platform at every start. */
  static final String OTHER_AWS_DETECTORS = String.join(",",
      "io.opentelemetry.contrib.aws.resource.Ec2ResourceProvider",
      "io.opentelemetry.contrib.aws.resource.EksResourceProvider",
      "io.opentelemetry.contrib.aws.resource.BeanstalkResourceProvider",
      "io.opentelemetry.contrib.aws.resource.LambdaResourceProvider");

  private VegaOpenTelemetry() {}

  /** For a service known by name only (version from {@code VEGA_VERSION}, environment from {@code VEGA_ENVIRONMENT}). */
  public static Builder builder(String serviceName) {
    return new Builder(serviceName, null, null);
  }

  /** For a service described by its {@link ServiceInfo}: name, version and environment. */
  public static Builder builder(ServiceInfo service) {
    return new Builder(service.serviceId(), service.version(), service.environment());
  }

  /** Configuration; the service name is checked when the builder is made, the rest at {@link #build()}. */
  public static final class Builder {
    private final String serviceName;
    private final @Nullable String version;
    private final @Nullable String environmentName;
    private @Nullable Map<String, String> environment;
    private boolean shutdownHook = true;

    private Builder(String serviceName, @Nullable String version, @Nullable String environmentName) {
      if (serviceName.isBlank()) {
        throw new IllegalArgumentException("serviceName must not be blank (e.g. vega-worker)");
      }
      this.serviceName = serviceName;
      this.version = version;
      this.environmentName = environmentName;
    }

    /**
     * Reads {@code OTEL_*} and {@code VEGA_*} variables from this map instead of the process
     * environment (its {@code OTEL_*} entries override the process's). For tests.
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
      Map<String, String> env = environment != null ? environment : System.getenv();
      Map<String, String> defaults = new HashMap<>();
      defaults.put("otel.service.name", serviceName);
      defaults.put("otel.propagators", "tracecontext,baggage");
      defaults.put("otel.java.disabled.resource.providers", OTHER_AWS_DETECTORS);
      Map<String, String> overrides = environment == null ? Map.of() : otelProperties(environment);
      // A service built by name only still reports its version: VEGA_VERSION, as the agent reads it.
      String v = version != null ? version : Setting.VERSION.read(VegaSettings.of(env)).get();
      Attributes service = resourceAttributes(env, v, environmentName);
      Validated<String> healthy = Setting.HEALTH_TRACE_HEALTHY_RUNS.read(VegaSettings.of(env));
      if (!healthy.isValid()) {
        LOG.log(System.Logger.Level.WARNING, "vega-health: " + healthy.messages() + "; healthy check runs are not exported");
      }
      boolean healthyRuns = Boolean.parseBoolean(healthy.orElse("false"));
      var b = AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesSupplier(() -> defaults)
          .addPropertiesCustomizer(config -> overrides)
          // Ours only fill gaps: OTEL_RESOURCE_ATTRIBUTES and the detectors keep what they set.
          .addResourceCustomizer((resource, config) -> Resource.create(service).merge(resource))
          .addTracerProviderCustomizer((tracers, config) -> tracers.addSpanProcessor(new ScanIdSpanProcessor()))
          .addSpanProcessorCustomizer((processor, config) -> new HealthRunSpanProcessor(processor, healthyRuns))
          // Zipkin draws a consumer's link from its broker only: see ZipkinBrokerEndpoints. By
          // class name, so that class (and the optional exporter) loads only when Zipkin is used.
          .addSpanExporterCustomizer((exporter, config) ->
              exporter.getClass().getName().equals(ZipkinBrokerEndpoints.EXPORTER_CLASS)
                  ? ZipkinBrokerEndpoints.rebuild(exporter, config) : exporter);
      if (!shutdownHook) {
        b.disableShutdownHook();
      }
      return b.build().getOpenTelemetrySdk();
    }
  }

  /** The resource attributes Vega adds: version, environment, a fresh instance id. */
  static Attributes resourceAttributes(
      Map<String, String> env, @Nullable String version, @Nullable String environmentName) {
    AttributesBuilder a = Attributes.builder();
    if (version != null && !version.isBlank() && !version.equals("unknown")) {
      a.put(ServiceAttributes.SERVICE_VERSION, version);
    }
    String deployment = env.get(Setting.ENVIRONMENT.key());
    if (deployment == null || deployment.isBlank()) {
      deployment = environmentName;
    }
    // Not the <env> placeholder of a service whose environment nobody gave.
    if (deployment != null && !deployment.isBlank() && !deployment.equals(Caller.UNKNOWN_ENVIRONMENT)) {
      a.put(DeploymentAttributes.DEPLOYMENT_ENVIRONMENT_NAME, deployment.trim());
    }
    a.put(ServiceAttributes.SERVICE_INSTANCE_ID, UUID.randomUUID().toString());
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

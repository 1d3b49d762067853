package com.example.vega.health.spring;

import com.example.vega.health.Setting;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.TrustedProxies;
import com.example.vega.health.telemetry.HealthRunSpanProcessor;
import com.example.vega.health.telemetry.HealthTelemetry;
import com.example.vega.health.trace.ScanIdSpanProcessor;
import com.example.vega.health.trace.ScanTracing;
import com.example.vega.health.trace.ServerSpans;
import com.example.vega.health.trace.SqsCarrier;
import com.example.vega.health.trace.SqsTracingInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * One trace per scan in a Spring application that has an {@link OpenTelemetry} bean: a
 * {@link ScanTracing}, a filter that continues (trusted callers) or restarts (everyone else) the
 * trace of every request (health paths excepted: {@code vega.tracing.untraced-paths}), an
 * {@link SqsTracingInterceptor} to add to the application's {@code SqsClient} builder and an
 * {@link SqsCarrier} for the spans of processing received messages, and
 * {@link HealthTelemetry} for the monitor's checks. {@code vega.tracing.trusted-networks} lists the
 * CIDRs of callers inside our boundary (other Vega services); by default nobody is trusted.
 *
 * <p>With Spring Boot's own OpenTelemetry ({@code spring-boot-starter-opentelemetry}) this runs
 * after Boot's SDK auto-configuration, so it finds Boot's {@link OpenTelemetry}, and adds Vega's span
 * processors to Boot's tracer provider: {@link ScanIdSpanProcessor} as a {@link SpanProcessor}
 * bean, and each exporting processor wrapped in {@link HealthRunSpanProcessor}.
 */
@AutoConfiguration(after = VegaHealthAutoConfiguration.class, afterName = {
    VegaTracingAutoConfiguration.BOOT_SDK, VegaTracingAutoConfiguration.BOOT_TRACING})
@ConditionalOnClass(OpenTelemetry.class)
@ConditionalOnBean(OpenTelemetry.class)
@ConditionalOnBooleanProperty(name = "vega.tracing.enabled", matchIfMissing = true)
public final class VegaTracingAutoConfiguration {
  /** Defines Boot's {@code OpenTelemetrySdk} bean: ours is evaluated after it. */
  static final String BOOT_SDK = "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration";
  /** Defines Boot's tracer provider from its {@code SpanProcessors}. */
  static final String BOOT_TRACING =
      "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration";
  static final String BOOT_SPAN_PROCESSORS =
      "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors";

  @Bean
  @ConditionalOnMissingBean
  ScanTracing vegaScanTracing(OpenTelemetry openTelemetry) {
    return ScanTracing.create(openTelemetry);
  }

  /**
   * Check runs as spans and status changes as log records through the application's
   * OpenTelemetry. No meters: Spring services count them in Micrometer
   * ({@link VegaHealthMetricsAutoConfiguration}), once.
   */
  @Bean
  @ConditionalOnMissingBean
  HealthTelemetry vegaHealthTelemetry(OpenTelemetry openTelemetry, ObjectProvider<ResolvedSettings> settings) {
    ResolvedSettings s = settings.getIfAvailable();
    return HealthTelemetry.withoutMeters(openTelemetry, s == null ? null : s.role());
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "org.springframework.web.filter.OncePerRequestFilter")
  static final class Web {
    /** Paths never traced unless {@code vega.tracing.untraced-paths} says otherwise. */
    static final List<String> UNTRACED = List.of("/v1/healthz", "/v1/health", "/actuator");

    @Bean
    ScanTraceFilter vegaScanTraceFilter(ScanTracing tracing, Environment environment,
        ObjectProvider<TrustedProxies> proxies) {
      Binder binder = Binder.get(environment);
      List<String> networks = binder
          .bind("vega.tracing.trusted-networks", org.springframework.boot.context.properties.bind.Bindable.listOf(String.class))
          .orElse(List.of());
      List<String> untraced = binder
          .bind("vega.tracing.untraced-paths", org.springframework.boot.context.properties.bind.Bindable.listOf(String.class))
          .orElse(UNTRACED);
      DetailAccess trusted;
      try {
        trusted = networks.isEmpty() ? DetailAccess.never() : DetailAccess.fromNetworks(networks.toArray(String[]::new));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("vega.tracing.trusted-networks: " + e.getMessage(), e);
      }
      return new ScanTraceFilter(ServerSpans.create(tracing), trusted, proxies.getIfAvailable(TrustedProxies::none), untraced);
    }
  }

  /**
   * Boot's own OpenTelemetry SDK: it builds its tracer provider from every {@link SpanProcessor}
   * bean (collected in its {@code SpanProcessors}), so Vega's processors join it there.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = BOOT_SPAN_PROCESSORS)
  static final class BootSdk {
    @Bean
    @ConditionalOnMissingBean
    ScanIdSpanProcessor vegaScanIdSpanProcessor() {
      return new ScanIdSpanProcessor();
    }

    /** Healthy check runs stay out of the backend, as with {@code VegaOpenTelemetry}. */
    @Bean
    static BeanPostProcessor vegaHealthRunSpanFilter(Environment environment) {
      return new BeanPostProcessor() {
        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
          if (!(bean instanceof org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors processors)) {
            return bean;
          }
          boolean healthyRuns = Boolean.parseBoolean(
              environment.getProperty(Setting.HEALTH_TRACE_HEALTHY_RUNS.key(), "false").trim());
          return org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors.of(
              processors.list().stream().map(p -> filtered(p, healthyRuns)).toList());
        }
      };
    }

    /** Only the processors that hand spans to an exporter are wrapped. */
    static SpanProcessor filtered(SpanProcessor p, boolean healthyRuns) {
      return p instanceof BatchSpanProcessor || p instanceof SimpleSpanProcessor
          ? new HealthRunSpanProcessor(p, healthyRuns) : p;
    }
  }

  /**
   * The interceptor makes the send, receive and delete spans on the application's {@code SqsClient};
   * the carrier is for the one span a client interceptor cannot make, processing a received
   * message ({@link SqsCarrier#startProcess}). Both are core's, so they make the same spans.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "software.amazon.awssdk.services.sqs.SqsClient")
  static final class Sqs {
    @Bean
    @ConditionalOnMissingBean
    SqsTracingInterceptor vegaSqsTracingInterceptor(ScanTracing tracing) {
      return SqsTracingInterceptor.create(tracing);
    }

    @Bean
    @ConditionalOnMissingBean
    SqsCarrier vegaSqsCarrier(ScanTracing tracing) {
      return SqsCarrier.create(tracing);
    }
  }
}

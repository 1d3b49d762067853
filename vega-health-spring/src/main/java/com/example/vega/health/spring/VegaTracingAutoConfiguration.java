package com.example.vega.health.spring;

import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.TrustedProxies;
import com.example.vega.health.telemetry.HealthTelemetry;
import com.example.vega.health.trace.ScanTracing;
import com.example.vega.health.trace.ServerSpans;
import com.example.vega.health.trace.SqsTracingInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
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
 * {@link SqsTracingInterceptor} to add to the application's {@code SqsClient} builder, and
 * {@link HealthTelemetry} for the monitor's checks. {@code vega.tracing.trusted-networks} lists the
 * CIDRs of callers inside our boundary (other Vega services); by default nobody is trusted.
 */
@AutoConfiguration(after = VegaHealthAutoConfiguration.class)
@ConditionalOnClass(OpenTelemetry.class)
@ConditionalOnBean(OpenTelemetry.class)
@ConditionalOnBooleanProperty(name = "vega.tracing.enabled", matchIfMissing = true)
public final class VegaTracingAutoConfiguration {

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

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "software.amazon.awssdk.services.sqs.SqsClient")
  static final class Sqs {
    @Bean
    @ConditionalOnMissingBean
    SqsTracingInterceptor vegaSqsTracingInterceptor(ScanTracing tracing) {
      return SqsTracingInterceptor.create(tracing);
    }
  }
}

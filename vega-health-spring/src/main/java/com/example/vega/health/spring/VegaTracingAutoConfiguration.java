package com.example.vega.health.spring;

import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.trace.ScanTracing;
import com.example.vega.health.trace.SqsTracingInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
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
 * trace of every request, and an {@link SqsTracingInterceptor} to add to the application's
 * {@code SqsClient} builder. {@code vega.tracing.trusted-networks} lists the CIDRs of callers
 * inside our boundary (other Vega services); by default nobody is trusted.
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

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "org.springframework.web.filter.OncePerRequestFilter")
  static final class Web {
    @Bean
    ScanTraceFilter vegaScanTraceFilter(ScanTracing tracing, Environment environment) {
      List<String> networks = Binder.get(environment)
          .bind("vega.tracing.trusted-networks", org.springframework.boot.context.properties.bind.Bindable.listOf(String.class))
          .orElse(List.of());
      DetailAccess trusted;
      try {
        trusted = networks.isEmpty() ? DetailAccess.never() : DetailAccess.fromNetworks(networks.toArray(String[]::new));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("vega.tracing.trusted-networks: " + e.getMessage(), e);
      }
      return new ScanTraceFilter(tracing, trusted);
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

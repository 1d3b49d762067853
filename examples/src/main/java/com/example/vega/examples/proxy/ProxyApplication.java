package com.example.vega.examples.proxy;

import com.example.vega.examples.common.Aws;
import com.example.vega.examples.common.Env;
import com.example.vega.examples.common.ServiceRuntime;
import com.example.vega.health.trace.VegaOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * vega-llm-proxy as a Spring Boot service: it holds the provider API key (from Secrets Manager,
 * or {@code VEGA_PROVIDER_API_KEY} in local mode) and forwards the runners' calls, each authorised
 * by its scan-scoped token. vega-health-spring adds the role's checks (secrets, config), the
 * health endpoints, and the filter that continues the runners' traces (trusted networks).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(CompletionsController.class)
public class ProxyApplication {

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty("VEGA_PROVIDER_SECRET_ID")
  SecretsManagerClient secretsManagerClient(Env env) {
    return new Aws(env.map()).secrets();
  }

  @Bean(destroyMethod = "close")
  OpenTelemetrySdk openTelemetry(Env env) {
    return VegaOpenTelemetry.builder(ServiceRuntime.serviceInfo("vega-llm-proxy", env.map())).environment(env.map()).shutdownHook(false).build();
  }

  @Bean
  CompletionsController.ProviderKey providerKey(Env env, ObjectProvider<SecretsManagerClient> secrets) {
    SecretsManagerClient sm = secrets.getIfAvailable();
    return new CompletionsController.ProviderKey(sm != null
        ? sm.getSecretValue(b -> b.secretId(env.require("VEGA_PROVIDER_SECRET_ID"))).secretString()
        : env.require("VEGA_PROVIDER_API_KEY"));
  }
}

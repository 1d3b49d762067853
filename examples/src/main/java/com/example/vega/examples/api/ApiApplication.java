package com.example.vega.examples.api;

import com.example.vega.examples.common.Aws;
import com.example.vega.examples.common.Database;
import com.example.vega.examples.common.Env;
import com.example.vega.examples.common.ServiceRuntime;
import com.example.vega.health.trace.VegaOpenTelemetry;
import com.zaxxer.hikari.HikariDataSource;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * vega-api as a Spring Boot service. Its own code is the scans controller, {@code /v1/auth/me}
 * and the clients it needs; {@code vega-health-spring} adds, with no code, the role's checks over these same beans
 * (postgres, sqs, s3, config), {@code /v1/healthz} on this port and on the probe port, and the
 * request filter that starts (never continues, from the internet) each scan's trace.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ScansController.class, AuthController.class})
public class ApiApplication {

  @Bean(destroyMethod = "close")
  HikariDataSource dataSource(Env env) {
    return Database.pool(env.require("VEGA_DATABASE_URL"), "vega-api", 4);
  }

  @Bean(destroyMethod = "close")
  SqsClient sqsClient(Env env) {
    return new Aws(env.map()).sqs();
  }

  @Bean(destroyMethod = "close")
  S3Client s3Client(Env env) {
    return new Aws(env.map()).s3();
  }

  @Bean(destroyMethod = "close")
  OpenTelemetrySdk openTelemetry(Env env) {
    return VegaOpenTelemetry.builder(ServiceRuntime.serviceInfo("vega-api", env.map())).environment(env.map()).shutdownHook(false).build();
  }

  /** The access-token validator when the provider is Cognito (a record: Spring beans cannot be null). */
  record Auth(@Nullable CognitoAccessTokens tokens) {}

  @Bean
  Auth auth(Env env) {
    return new Auth(CognitoAccessTokens.fromSettings(env));
  }

  @Bean
  ScansController.Settings scanSettings(Env env) {
    return new ScansController.Settings(env.require("VEGA_SQS_QUEUE_URL"), env.require("VEGA_S3_SOURCE_BUCKET"),
        Database.target(env.require("VEGA_DATABASE_URL")), env.get("VEGA_S3_ARTIFACTS_BUCKET"));
  }
}

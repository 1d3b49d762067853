package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** IDEs complete vega.health.* from the metadata the annotation processor generates. */
class ConfigurationMetadataTest {

  @Test
  void everyDocumentedKeyIsInTheGeneratedMetadata() throws Exception {
    String json;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("generated metadata").isNotNull();
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(json).contains(
        "\"vega.health.enabled\"", "\"vega.health.role\"", "\"vega.health.environment\"",
        "\"vega.health.service.id\"", "\"vega.health.service.version\"", "\"vega.health.service.release\"",
        "\"vega.health.checks\"", "\"vega.health.checks.postgres.interval\"",
        "\"vega.health.checks.jvm-deadlock.enabled\"", "\"vega.health.postgres.expected-migrations\"",
        "\"vega.health.detail.networks\"", "\"vega.health.trusted-proxies\"", "\"vega.health.detail.token\"", "\"vega.health.detail.authority\"",
        "\"vega.health.endpoints.enabled\"", "\"vega.health.server.port\"", "\"vega.health.server.address\"",
        "\"vega.health.server.request-timeout\"", "\"vega.health.server.max-connections\"",
        "\"vega.health.server.max-request-line-size\"", "\"vega.health.server.max-header-size\"",
        "\"vega.health.checks.keys\"", "\"vega.health.start-spread\"", "\"vega.health.max-backoff\"",
        "\"vega.health.startup-deadline\"", "\"vega.health.readiness.fail-open\"");
  }

  @Test
  void autoConfigurationsAreRegistered() throws Exception {
    String imports;
    try (InputStream in = getClass().getResourceAsStream(
        "/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
      imports = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(imports.lines()).containsExactly(
        VegaHealthAutoConfiguration.class.getName(),
        VegaHealthWebAutoConfiguration.class.getName(),
        VegaHealthActuatorAutoConfiguration.class.getName(),
        VegaHealthMetricsAutoConfiguration.class.getName(),
        VegaTracingAutoConfiguration.class.getName());
  }
}

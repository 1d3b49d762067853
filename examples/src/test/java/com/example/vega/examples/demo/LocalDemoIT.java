package com.example.vega.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The README's main command, run as a user runs it: a separate JVM, end to end. */
class LocalDemoIT {
  @Test
  void demoStartsPostgresReportsHealthyAndExitsZero() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LocalDemo.class.getName()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(0);
    assertThat(out).contains("/v1/healthz/live -> 200", "/v1/healthz/ready -> 200",
        "/v1/healthz -> 200 application/health+json", "vega-worker is UP.");
    String json = out.substring(out.indexOf("{"), out.lastIndexOf("}") + 1);
    JsonNode root = new ObjectMapper().readTree(json);
    assertThat(root.get("status").asString()).isEqualTo("pass");
    assertThat(root.get("checks").get("postgres:latestMigration").get(0).get("observedValue").asString())
        .isEqualTo("004_findings_columns.sql");
    assertThat(File.separator).isNotNull();
  }
}

package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The SDK is an optional dependency of core: a service that only has the OpenTelemetry API (for
 * example one run under the Java agent) can still use every carrier.
 */
class CarriersWithoutSdkTest {
  @Test
  void carriersWorkWithTheApiAloneOnTheClasspath() throws Exception {
    String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("opentelemetry-sdk"))
        .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("opentelemetry-exporter"))
        .collect(Collectors.joining(File.pathSeparator));
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", classpath, ApiOnlyMain.class.getName())
        .redirectErrorStream(true).start();

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("ok");
  }
}

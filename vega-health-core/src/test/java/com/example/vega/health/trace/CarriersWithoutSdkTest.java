package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.ChildProcess;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
    ChildProcess.Result r = ChildProcess.builder("ApiOnlyMain", List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", classpath, ApiOnlyMain.class.getName()))
        .timeout(Duration.ofMinutes(2)).run();
    String out = r.out();
    assertThat(r.exit()).as(out).isZero();
    assertThat(out).contains("ok");
  }
}

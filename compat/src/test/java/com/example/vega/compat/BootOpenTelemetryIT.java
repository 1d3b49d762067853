package com.example.vega.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.compat.shared.Await;
import com.example.vega.compat.shared.TracedController;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.testing.ZipkinServer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Boot 4 application that uses Boot's own OpenTelemetry ({@code spring-boot-starter-opentelemetry},
 * exporting through Boot's Zipkin support to a real Zipkin server) and builds no SDK of its own:
 * Vega's tracing runs on Boot's SDK. A failing check's runs arrive as spans, a healthy check's
 * repeated runs do not (the healthy-run filter wraps Boot's exporting processor), a trusted
 * caller's trace is continued by Vega's server span, and a span the application starts inside the
 * request carries the caller's scan id (the scan-id processor is on Boot's tracer provider).
 */
@SpringBootTest(
    classes = BootOpenTelemetryIT.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.application.name=compat-app",
      "vega.health.environment=test",
      "vega.health.server.port=0",
      "vega.health.server.address=127.0.0.1",
      "vega.tracing.trusted-networks=127.0.0.0/8",
      "management.tracing.sampling.probability=1.0",
      "management.otlp.metrics.export.enabled=false"
    })
class BootOpenTelemetryIT {
  private static final ZipkinServer ZIPKIN = startZipkin();
  private static final String TRACE_ID = "5bf92f3577b34da6a3ce929d0e0e4736";

  private static ZipkinServer startZipkin() {
    try {
      return ZipkinServer.start(Files.createTempFile("zipkin", ".log"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @DynamicPropertySource
  static void zipkin(DynamicPropertyRegistry registry) {
    registry.add("management.tracing.export.zipkin.endpoint", ZIPKIN::spansEndpoint);
  }

  @AfterAll
  static void stop() {
    ZIPKIN.close();
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    private static final CheckPolicy FAST = CheckPolicy.builder()
        .interval(Duration.ofMillis(300)).timeout(Duration.ofMillis(250)).critical(false).build();

    @Bean
    CheckRegistration failingCheck() {
      return CheckRegistration.of("compat-failing",
          ctx -> CheckResult.down(ErrorKind.CONNECTION_REFUSED, "refused", "start the thing"), FAST);
    }

    @Bean
    CheckRegistration healthyCheck() {
      return CheckRegistration.of("compat-healthy", ctx -> CheckResult.up("fine"), FAST);
    }

    @Bean
    TracedController traced(OpenTelemetry openTelemetry) {
      return new TracedController(openTelemetry);
    }
  }

  @Autowired
  OpenTelemetry openTelemetry;

  @LocalServerPort
  int port;

  @Test
  void vegaTracingRunsOnBootsOwnSdk() throws Exception {
    assertThat(openTelemetry).as("Boot's SDK, not one of Vega's").isInstanceOf(OpenTelemetrySdk.class);

    assertThat(TracedController.call(port, TRACE_ID, "00f067aa0ba902b7", "scan-compat-1").statusCode()).isEqualTo(200);

    List<ZipkinServer.StoredSpan> trace = Await.until(() -> {
      try {
        List<ZipkinServer.StoredSpan> spans = ZIPKIN.trace(TRACE_ID);
        return spans.stream().anyMatch(s -> s.name().equals(TracedController.WORK_SPAN)) ? spans : null;
      } catch (java.io.IOException e) {
        return null; // not stored yet: Zipkin answers 404
      }
    });
    assertThat(trace).as("the caller's trace, continued by Vega's server span")
        .anyMatch(s -> s.name().equals("get /traced") && s.kind().equals("SERVER")
            && "scan-compat-1".equals(s.tags().get("vega.scan.id")));
    assertThat(trace).as("the application's own span carries the scan id (ScanIdSpanProcessor on Boot's SDK)")
        .anyMatch(s -> s.name().equals(TracedController.WORK_SPAN) && "scan-compat-1".equals(s.tags().get("vega.scan.id")));

    List<String> failing = Await.until(() -> {
      List<String> ids = ZIPKIN.traceIds("vega.health.check.name", "compat-failing");
      return ids.size() >= 3 ? ids : null;
    });
    assertThat(ZIPKIN.trace(failing.get(0))).anyMatch(s -> s.name().equals("vega.health.check compat-failing")
        && "DOWN".equals(s.tags().get("vega.health.check.status")));
    // By now the healthy check has run as often; only a run that changed its status is exported.
    assertThat(ZIPKIN.traceIds("vega.health.check.name", "compat-healthy")).hasSizeLessThanOrEqualTo(1);
  }
}

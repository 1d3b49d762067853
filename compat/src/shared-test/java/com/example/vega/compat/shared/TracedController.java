package com.example.vega.compat.shared;

import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The compat applications' traced request: {@code GET /traced} starts and ends one span of the
 * application's own ({@code compat.work}) on the application's {@link OpenTelemetry}. Compiled into
 * both compat modules' tests (each pom adds this source folder), so each builds it against its own
 * versions; register it as a bean.
 */
@RestController
public class TracedController {
  public static final String WORK_SPAN = "compat.work";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final OpenTelemetry openTelemetry;

  public TracedController(OpenTelemetry openTelemetry) {
    this.openTelemetry = openTelemetry;
  }

  @GetMapping("/traced")
  public String traced() {
    openTelemetry.getTracer("compat").spanBuilder(WORK_SPAN).startSpan().end();
    return "ok";
  }

  /** Calls {@code /traced} as a trusted caller would: its W3C trace context and the scan id in baggage. */
  public static HttpResponse<String> call(int port, String traceId, String parentSpanId, String scanId) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/traced"))
        .timeout(Duration.ofSeconds(10))
        .header("traceparent", "00-" + traceId + "-" + parentSpanId + "-01")
        .header("baggage", "vega.scan.id=" + scanId).build(), HttpResponse.BodyHandlers.ofString());
  }
}

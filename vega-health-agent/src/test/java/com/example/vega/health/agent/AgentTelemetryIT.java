package com.example.vega.health.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.MotoServer;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The runner under the agent (no code of its own for health) exports its checks' meters through
 * the SDK the agent builds from OTEL_*: an OTLP/HTTP receiver decodes what arrives with the
 * published protobuf classes and finds {@code vega.health.check.status} tagged with the role. Started
 * as RunTask starts it, with the worker's TRACEPARENT, it exports its entry span: SERVER, under the
 * worker's span, parent of main's spans, ended at exit.
 */
class AgentTelemetryIT {
  /** One received gauge point: its metric, its attributes and its value. */
  record Point(String metric, Map<String, String> attributes, double value) {}

  /** One received span: name, kind, ids in hex. */
  record Received(String name, String kind, String traceId, String spanId, String parentSpanId) {}

  @Test
  void runnerUnderTheAgentExportsCheckStatusThroughOtlp() throws Exception {
    List<Point> points = new CopyOnWriteArrayList<>();
    List<Received> spans = new CopyOnWriteArrayList<>();
    HexFormat hex = HexFormat.of();
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    receiver.createContext("/", ex -> {
      try (ex) {
        InputStream in = ex.getRequestBody();
        if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
          in = new GZIPInputStream(in);
        }
        byte[] body = in.readAllBytes();
        if (ex.getRequestURI().getPath().endsWith("/v1/metrics")) {
          for (ResourceMetrics rm : ExportMetricsServiceRequest.parseFrom(body).getResourceMetricsList()) {
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
              for (Metric m : sm.getMetricsList()) {
                for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
                  Map<String, String> attrs = new HashMap<>();
                  for (KeyValue kv : p.getAttributesList()) {
                    attrs.put(kv.getKey(), kv.getValue().getStringValue());
                  }
                  points.add(new Point(m.getName(), attrs, p.getAsDouble()));
                }
              }
            }
          }
        }
        if (ex.getRequestURI().getPath().endsWith("/v1/traces")) {
          for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(body).getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
              for (io.opentelemetry.proto.trace.v1.Span sp : ss.getSpansList()) {
                spans.add(new Received(sp.getName(), sp.getKind().name(), hex.formatHex(sp.getTraceId().toByteArray()),
                    hex.formatHex(sp.getSpanId().toByteArray()), hex.formatHex(sp.getParentSpanId().toByteArray())));
              }
            }
          }
        }
        ex.sendResponseHeaders(200, -1);
      }
    });
    receiver.start();
    Map<String, String> env = new HashMap<>();
    env.put("VEGA_HEALTH_ROLE", "runner");
    env.put("VEGA_ENVIRONMENT", "test");
    env.put("VEGA_HEALTH_PORT", String.valueOf(MotoServer.freePort()));
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.getAddress().getPort());
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    env.put("OTEL_METRIC_EXPORT_INTERVAL", "500");
    env.put("OTEL_BSP_SCHEDULE_DELAY", "100");
    // What the worker's RunTask override puts in the task's environment.
    env.put("TRACEPARENT", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    env.put("BAGGAGE", "vega.scan.id=scan-42");
    env.put("OTEL_LOGS_EXPORTER", "none");
    try (HostProcess host = HostProcess.attach(env)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline && points.stream().noneMatch(p -> p.metric().equals("vega.health.check.status"))) {
        Thread.sleep(100);
      }
      assertThat(points).as("received gauges; agent stderr: %s", host.stderr())
          .anySatisfy(p -> {
            assertThat(p.metric()).isEqualTo("vega.health.check.status");
            assertThat(p.attributes()).containsEntry("role", "runner").containsKey("check");
            assertThat(p.value()).isIn(0.0, 0.25, 0.5, 1.0);
          });
      assertThat(host.finish()).isZero();
      // Ended and flushed by the agent at exit, before the SDK closed.
      assertThat(spans).as("received spans; agent stderr: %s", host.stderr())
          .anySatisfy(e -> assertThat(e).isEqualTo(new Received("vega-v16-runner task", "SPAN_KIND_SERVER",
              "4bf92f3577b34da6a3ce929d0e0e4736", e.spanId(), "00f067aa0ba902b7")));
      Received entry = spans.stream().filter(e -> e.name().equals("vega-v16-runner task")).findFirst().orElseThrow();
      assertThat(spans).filteredOn(e -> e.name().equals("host.work"))
          .singleElement().extracting(Received::parentSpanId).isEqualTo(entry.spanId());
    } finally {
      receiver.stop(0);
    }
  }
}

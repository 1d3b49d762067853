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
import java.net.http.HttpResponse;
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
 * published protobuf classes and finds {@code vega.health.check.status} tagged with the role.
 * The same plain JVM (the host's class path has only the OpenTelemetry API: docs/compatibility.md,
 * case c) serves the health endpoints. Started as RunTask starts it, with the worker's TRACEPARENT,
 * it exports its entry span (SERVER, under the worker's span, ended at exit), and the span its main
 * starts is that entry span's child, in the same trace, with the scan id from BAGGAGE.
 */
class AgentTelemetryIT {
  /** One received gauge point: its metric, its attributes and its value. */
  record Point(String metric, Map<String, String> attributes, double value) {}

  /** One received span: its name, kind, ids (hex) and string attributes. */
  record ReceivedSpan(String name, String kind, String traceId, String spanId, String parentSpanId,
      Map<String, String> attributes) {}

  @Test
  void runnerUnderTheAgentExportsCheckStatusThroughOtlp() throws Exception {
    List<Point> points = new CopyOnWriteArrayList<>();
    List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
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
                Map<String, String> attrs = new HashMap<>();
                for (KeyValue kv : sp.getAttributesList()) {
                  attrs.put(kv.getKey(), kv.getValue().getStringValue());
                }
                HexFormat hex = HexFormat.of();
                spans.add(new ReceivedSpan(sp.getName(), sp.getKind().name(), hex.formatHex(sp.getTraceId().toByteArray()),
                    hex.formatHex(sp.getSpanId().toByteArray()), hex.formatHex(sp.getParentSpanId().toByteArray()), attrs));
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
    int healthPort = MotoServer.freePort();
    env.put("VEGA_HEALTH_PORT", String.valueOf(healthPort));
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.getAddress().getPort());
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    env.put("OTEL_METRIC_EXPORT_INTERVAL", "500");
    env.put("OTEL_BSP_SCHEDULE_DELAY", "200");
    env.put("OTEL_LOGS_EXPORTER", "none");
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    env.put("TRACEPARENT", "00-" + traceId + "-b7ad6b7169203331-01");
    env.put("BAGGAGE", "vega.scan.id=scan-agent-7");
    env.put("HOST_AWAIT_RECORDING", "1");
    try (HostProcess host = HostProcess.attach(env)) {
      String base = "http://127.0.0.1:" + healthPort + "/v1/healthz";
      HostProcess.await(base + "/live", Duration.ofSeconds(20));
      assertThat(HostProcess.get(base + "/live").statusCode()).isEqualTo(200);
      HttpResponse<String> health = HostProcess.get(base);
      assertThat(health.headers().firstValue("Content-Type")).hasValue("application/health+json");
      assertThat(health.body()).contains("\"checks\"");
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
      while (System.nanoTime() < deadline && spans.stream().noneMatch(sp -> sp.name().equals("host.work"))) {
        Thread.sleep(100);
      }
      assertThat(host.finish()).isZero();
      // The entry span is ended and flushed by the agent at exit, before the SDK closed.
      ReceivedSpan entry = spans.stream().filter(sp -> sp.name().equals("vega-v16-runner task")).findFirst()
          .orElseThrow(() -> new AssertionError("no entry span; received " + spans + "; agent stderr: " + host.stderr()));
      assertThat(entry.kind()).isEqualTo("SPAN_KIND_SERVER");
      assertThat(entry.traceId()).as("TRACEPARENT's trace, continued").isEqualTo(traceId);
      assertThat(entry.parentSpanId()).as("the worker's span").isEqualTo("b7ad6b7169203331");
      assertThat(spans).as("received spans; agent stderr: %s", host.stderr())
          .filteredOn(sp -> sp.name().equals("host.work")).singleElement()
          .satisfies(sp -> {
            assertThat(sp.traceId()).isEqualTo(traceId);
            assertThat(sp.parentSpanId()).as("main's span under the entry span").isEqualTo(entry.spanId());
            assertThat(sp.attributes()).containsEntry("vega.scan.id", "scan-agent-7");
          });
    } finally {
      receiver.stop(0);
    }
  }
}

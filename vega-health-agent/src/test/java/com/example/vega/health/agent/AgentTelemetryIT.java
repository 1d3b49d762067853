package com.example.vega.health.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.MotoServer;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The runner under the agent (no code of its own for health) exports its checks' meters through
 * the SDK the agent builds from OTEL_*: an OTLP/HTTP receiver decodes what arrives with the
 * published protobuf classes and finds {@code vega.health.check.status} tagged with the role.
 */
class AgentTelemetryIT {
  /** One received gauge point: its metric, its attributes and its value. */
  record Point(String metric, Map<String, String> attributes, double value) {}

  @Test
  void runnerUnderTheAgentExportsCheckStatusThroughOtlp() throws Exception {
    List<Point> points = new CopyOnWriteArrayList<>();
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
    env.put("OTEL_TRACES_EXPORTER", "none");
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
    } finally {
      receiver.stop(0);
    }
  }
}

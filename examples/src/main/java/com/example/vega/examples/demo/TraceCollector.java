package com.example.vega.examples.demo;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver for the demo: every service exports to it with the SDK's standard
 * OTLP exporter ({@code OTEL_EXPORTER_OTLP_ENDPOINT}), and the demo prints what arrived.
 */
public final class TraceCollector implements AutoCloseable {
  /** One received span. */
  public record Received(String service, String traceId, String spanId, String parentId, String name,
      String kind, long startNanos, long endNanos, Map<String, String> attributes, List<String> links) {}

  private final HttpServer server;
  private final List<Received> spans = new CopyOnWriteArrayList<>();

  public TraceCollector() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32);
    server.createContext("/v1/traces", ex -> {
      try (ex) {
        InputStream in = ex.getRequestBody();
        if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
          in = new GZIPInputStream(in);
        }
        try {
          accept(ExportTraceServiceRequest.parseFrom(in.readNBytes(16 << 20)));
          ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          ex.sendResponseHeaders(200, -1);
        } catch (IOException e) {
          ex.sendResponseHeaders(400, -1);
        }
      }
    });
    server.start();
  }

  /** What to give the services as {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Received> spans() {
    return List.copyOf(spans);
  }

  public List<Received> trace(String traceId) {
    List<Received> out = new ArrayList<>();
    for (Received r : spans) {
      if (r.traceId().equals(traceId)) {
        out.add(r);
      }
    }
    return out;
  }

  private void accept(ExportTraceServiceRequest request) {
    HexFormat hex = HexFormat.of();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      String service = attribute(rs.getResource(), "service.name");
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
          Map<String, String> attrs = new HashMap<>();
          for (KeyValue kv : s.getAttributesList()) {
            attrs.put(kv.getKey(), kv.getValue().hasStringValue() ? kv.getValue().getStringValue()
                : kv.getValue().hasIntValue() ? Long.toString(kv.getValue().getIntValue()) : kv.getValue().toString());
          }
          List<String> links = new ArrayList<>();
          s.getLinksList().forEach(l -> links.add(hex.formatHex(l.getSpanId().toByteArray())));
          spans.add(new Received(service, hex.formatHex(s.getTraceId().toByteArray()),
              hex.formatHex(s.getSpanId().toByteArray()), hex.formatHex(s.getParentSpanId().toByteArray()),
              s.getName(), s.getKind().name().replace("SPAN_KIND_", ""), s.getStartTimeUnixNano(),
              s.getEndTimeUnixNano(), attrs, links));
        }
      }
    }
  }

  private static String attribute(Resource r, String key) {
    for (KeyValue kv : r.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return "?";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package com.example.vega.health.trace;

import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.exporter.zipkin.ZipkinSpanExporterBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.reporter.BytesEncoder;
import zipkin2.reporter.Encoding;
import zipkin2.reporter.SpanBytesEncoder;

/**
 * OpenTelemetry's Zipkin exporter with one mapping added: a CONSUMER span carrying
 * {@code peer.service} gets that name as its Zipkin remote endpoint, the broker, as Zipkin's
 * model defines a consumer's remote endpoint. The exporter (1.63.0,
 * {@code OtelToZipkinSpanTransformer.getRemoteEndpoint}) maps {@code peer.service} on CLIENT and
 * PRODUCER spans only, and Zipkin's dependency linker links a messaging span only through its
 * remote endpoint, so without this no {@code sqs -> vega-worker} link is ever drawn. The spans
 * themselves are unchanged; the mapping happens on the exporter's Zipkin spans, in its encoder.
 *
 * <p>Only loaded when {@code opentelemetry-exporter-zipkin} is on the class path (it is optional).
 */
final class ZipkinBrokerEndpoints {
  /** The exporter class autoconfigure builds for {@code OTEL_TRACES_EXPORTER=zipkin}. */
  static final String EXPORTER_CLASS = "io.opentelemetry.exporter.zipkin.ZipkinSpanExporter";
  private static final String PEER_SERVICE = Incubating.PEER_SERVICE.getKey();

  private ZipkinBrokerEndpoints() {}

  /**
   * The exporter autoconfigure built, rebuilt with the same settings (what its provider reads:
   * {@code otel.exporter.zipkin.endpoint}, {@code .timeout}) and {@link #ENCODER}; the first one
   * is shut down.
   */
  static SpanExporter rebuild(SpanExporter built, ConfigProperties config) {
    ZipkinSpanExporterBuilder b = ZipkinSpanExporter.builder().setEncoder(ENCODER);
    String endpoint = config.getString("otel.exporter.zipkin.endpoint");
    if (endpoint != null) {
      b.setEndpoint(endpoint);
    }
    Duration timeout = config.getDuration("otel.exporter.zipkin.timeout");
    if (timeout != null) {
      b.setReadTimeout(timeout);
    }
    SpanExporter rebuilt = b.build();
    built.shutdown();
    return rebuilt;
  }

  /** JSON v2 (the exporter's default), CONSUMER spans given their broker. */
  static final BytesEncoder<Span> ENCODER = new BytesEncoder<>() {
    @Override
    public Encoding encoding() {
      return SpanBytesEncoder.JSON_V2.encoding();
    }

    @Override
    public int sizeInBytes(Span span) {
      return SpanBytesEncoder.JSON_V2.sizeInBytes(withBroker(span));
    }

    @Override
    public byte[] encode(Span span) {
      return SpanBytesEncoder.JSON_V2.encode(withBroker(span));
    }

    @Override
    public String toString() {
      return "ZipkinBrokerEndpoints.ENCODER(JSON_V2)";
    }
  };

  /** {@code span} with its broker as remote endpoint if it is a CONSUMER naming one and has none. */
  static Span withBroker(Span span) {
    String broker = span.tags().get(PEER_SERVICE);
    if (span.kind() != Span.Kind.CONSUMER || span.remoteEndpoint() != null || broker == null) {
      return span;
    }
    return span.toBuilder().remoteEndpoint(Endpoint.newBuilder().serviceName(broker).build()).build();
  }
}

package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import zipkin2.Endpoint;
import zipkin2.Span;

class ZipkinBrokerEndpointsTest {
  private static Span span(Span.Kind kind, @Nullable String peerService) {
    Span.Builder b = Span.newBuilder().traceId("4bf92f3577b34da6a3ce929d0e0e4736").id("00f067aa0ba902b7")
        .name("receive vega-scans").kind(kind).localEndpoint(Endpoint.newBuilder().serviceName("vega-worker").build());
    if (peerService != null) {
      b.putTag("peer.service", peerService);
    }
    return b.build();
  }

  @Test
  void aConsumerNamingItsBrokerIsSentWithTheBrokerAsRemoteEndpoint() {
    byte[] json = ZipkinBrokerEndpoints.ENCODER.encode(span(Span.Kind.CONSUMER, "sqs"));

    assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"remoteEndpoint\":{\"serviceName\":\"sqs\"}")
        .contains("\"localEndpoint\":{\"serviceName\":\"vega-worker\"}");
    assertThat(ZipkinBrokerEndpoints.ENCODER.sizeInBytes(span(Span.Kind.CONSUMER, "sqs"))).isEqualTo(json.length);
  }

  @Test
  void otherSpansAndConsumersWithoutABrokerAreSentAsTheExporterMadeThem() {
    Span process = span(Span.Kind.CONSUMER, null);
    Span server = span(Span.Kind.SERVER, "sqs");
    Span named = span(Span.Kind.CONSUMER, "sqs").toBuilder()
        .remoteEndpoint(Endpoint.newBuilder().serviceName("kafka").build()).build();

    assertThat(ZipkinBrokerEndpoints.withBroker(process)).isSameAs(process);
    assertThat(ZipkinBrokerEndpoints.withBroker(server)).isSameAs(server);
    assertThat(ZipkinBrokerEndpoints.withBroker(named).remoteServiceName()).isEqualTo("kafka");
  }
}

package com.example.vega.health.bench;

import static com.example.vega.health.bench.SqsSendHopBenchmark.BODY;
import static com.example.vega.health.bench.SqsSendHopBenchmark.QUEUE_URL;
import static com.example.vega.health.bench.SqsSendHopBenchmark.SCAN_ID;

import com.example.vega.health.bench.SqsSendHopBenchmark.FakeSqsHttpClient;
import com.example.vega.health.trace.ScanContext;
import com.example.vega.health.trace.SqsCarrier;
import com.example.vega.health.trace.SqsTracingInterceptor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.instrumentation.awssdk.v2_2.AwsSdkTelemetry;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * The consumer side of the same hop: one {@code SqsClient.receiveMessage(...)} answering one
 * message that carries {@code traceparent} + {@code baggage} (the fake in-memory endpoint of
 * {@link SqsHop}), then the message is handled.
 *
 * <ul>
 *   <li>{@code baseline}: no interceptor; the message is iterated.
 *   <li>{@code vega}: Vega's {@link SqsTracingInterceptor} (asks for the trace attributes), then
 *       {@link SqsCarrier#startProcess} per message (CONSUMER span, child of the producer, with a
 *       link to it), made current and ended.
 *   <li>{@code otel}: OpenTelemetry's {@code AwsSdkTelemetry} interceptor with
 *       {@code setUseConfiguredPropagatorForMessaging(true)} on a client passed through
 *       {@code AwsSdkTelemetry.wrap(SqsClient)}; iterating the answer's messages starts and ends
 *       its process span per message (receive spans are off by default in this version).
 * </ul>
 *
 * <p>Same SDK setup as the send benchmark. {@link #setUp()} fails the run unless each traced
 * variant asked for {@code traceparent} and produced a CONSUMER span in the message's trace.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SqsReceiveHopBenchmark extends AverageTimeBenchmark {
  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String PRODUCER_SPAN_ID = "00f067aa0ba902b7";
  static final String RECEIVE_ANSWER = "{\"Messages\":[{"
      + "\"MessageId\":\"5fea7756-0ea4-451a-a703-a558b933e274\","
      + "\"ReceiptHandle\":\"AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a1234567890abcdefghijklmnopqrstuvwxyz\","
      + "\"MD5OfBody\":\"" + FakeSqsHttpClient.md5(BODY) + "\","
      + "\"Body\":" + quote(BODY) + ","
      + "\"MessageAttributes\":{"
      + "\"traceparent\":{\"StringValue\":\"00-" + TRACE_ID + "-" + PRODUCER_SPAN_ID + "-01\",\"DataType\":\"String\"},"
      + "\"baggage\":{\"StringValue\":\"" + ScanContext.SCAN_ID + "=" + SCAN_ID + "\",\"DataType\":\"String\"}}"
      + "}]}";

  private SqsHop hop;
  private ReceiveMessageRequest request;
  private SqsClient otelWrapped;

  @Setup
  public void setUp() {
    hop = new SqsHop(new FakeSqsHttpClient(Map.of("AmazonSQS.ReceiveMessage", RECEIVE_ANSWER)));
    request = ReceiveMessageRequest.builder().queueUrl(QUEUE_URL).maxNumberOfMessages(10).waitTimeSeconds(20).build();
    // Its process spans start as the answer's messages are iterated, which wrap() arranges.
    otelWrapped = hop.telemetry.wrap(hop.otelClient);
    verify();
  }

  @TearDown
  public void tearDown() {
    hop.close();
  }

  @Benchmark
  public void baseline(Blackhole bh) {
    for (Message m : hop.baselineClient.receiveMessage(request).messages()) {
      bh.consume(m.body());
    }
  }

  @Benchmark
  public void vega(Blackhole bh) {
    for (Message m : hop.vegaClient.receiveMessage(request).messages()) {
      Context process = hop.carrier.startProcess(m, QUEUE_URL);
      try (io.opentelemetry.context.Scope s = process.makeCurrent()) {
        bh.consume(m.body());
      } finally {
        Span.fromContext(process).end();
      }
    }
  }

  @Benchmark
  public void otel(Blackhole bh) {
    for (Message m : otelWrapped.receiveMessage(request).messages()) {
      bh.consume(m.body());
    }
  }

  private void verify() {
    String base = receiveOnce("baseline", this::baseline, 0);
    String vega = receiveOnce("vega", this::vega, 1);
    String o = receiveOnce("otel", this::otel, 1);
    for (String[] v : new String[][] {{"vega", vega}, {"otel", o}}) {
      if (!v[1].contains("\"MessageAttributeNames\"") || !v[1].contains("\"traceparent\"")) {
        throw new IllegalStateException(v[0] + ": the receive did not ask for traceparent: " + v[1]);
      }
    }
    if (base.contains("traceparent")) {
      throw new IllegalStateException("baseline asked for traceparent: " + base);
    }
  }

  /** Runs {@code receive} once; checks the spans it ended; returns the request body sent. */
  private String receiveOnce(String variant, java.util.function.Consumer<Blackhole> receive, int consumerSpans) {
    Blackhole bh = new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    long before = hop.exporter.count.get();
    hop.exporter.reset();
    hop.http.capture = true;
    try {
      receive.accept(bh);
    } finally {
      hop.http.capture = false;
    }
    List<SpanData> spans = List.copyOf(hop.exporter.last);
    List<SpanData> consumers = spans.stream().filter(s -> s.getKind() == SpanKind.CONSUMER).toList();
    if (consumers.size() != consumerSpans || hop.exporter.count.get() - before != spans.size()) {
      throw new IllegalStateException(variant + ": expected " + consumerSpans + " CONSUMER span(s), got " + spans);
    }
    for (SpanData s : consumers) {
      if (!s.getTraceId().equals(TRACE_ID)) {
        throw new IllegalStateException(variant + ": the CONSUMER span is not in the message's trace: " + s);
      }
    }
    System.out.println("[verified] receive " + variant + ": spans "
        + spans.stream().map(s -> s.getKind() + " '" + s.getName() + "' trace " + s.getTraceId()
            + " parent " + s.getParentSpanId() + " links " + s.getLinks().size()
            + " attributes " + s.getAttributes().asMap().keySet()).toList()
        + ", request " + hop.http.lastBody);
    return java.util.Objects.requireNonNull(hop.http.lastBody, "no request captured");
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}

package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

class SqsCarrierTest {
  static final String QUEUE_URL = "https://sqs.us-west-1.amazonaws.com/123456789012/vega-scans";
  private final TestTelemetry t = new TestTelemetry();
  private final SqsCarrier sqs = SqsCarrier.create(t.tracing);

  @Test
  void sendMessageCarriesTraceparentTracestateAndBaggage() {
    SendMessageRequest req = SendMessageRequest.builder().queueUrl(QUEUE_URL).messageBody("{}").build();

    SendMessageRequest out = sqs.inject(t.scan("scan-1"), req);

    assertThat(out.messageAttributes()).containsOnlyKeys("traceparent", "baggage");
    assertThat(out.messageAttributes().get("baggage").stringValue()).isEqualTo("vega.scan.id=scan-1");
    assertThat(out.messageAttributes().get("traceparent").dataType()).isEqualTo("String");
    assertThat(t.tracing.droppedContextFields()).isZero();
  }

  @Test
  void eachBatchEntryCarriesItsOwnScansContext() {
    Context a = t.scan("scan-a");
    Context b = t.scan("scan-b");

    SendMessageBatchRequestEntry ea = sqs.inject(a, SendMessageBatchRequestEntry.builder().id("a").messageBody("a").build());
    SendMessageBatchRequestEntry eb = sqs.inject(b, SendMessageBatchRequestEntry.builder().id("b").messageBody("b").build());

    Context ra = SqsCarrier.extract(Message.builder().messageAttributes(ea.messageAttributes()).build());
    Context rb = SqsCarrier.extract(Message.builder().messageAttributes(eb.messageAttributes()).build());
    assertThat(TestTelemetry.spanContext(ra).getTraceId()).isEqualTo(TestTelemetry.spanContext(a).getTraceId());
    assertThat(TestTelemetry.spanContext(rb).getTraceId()).isEqualTo(TestTelemetry.spanContext(b).getTraceId());
    assertThat(ScanContext.scanId(ra)).contains("scan-a");
    assertThat(ScanContext.scanId(rb)).contains("scan-b");
  }

  @Test
  void withOneFreeSlotOnlyTraceparentFitsAndTheRestIsCountedAndLoggedOnce() {
    Context ctx = ScanContext.withBaggage(t.scan("scan-1"), "tenant", "acme");
    Map<String, MessageAttributeValue> own = attributes(9);
    List<LogRecord> logs = capture();

    Map<String, MessageAttributeValue> first = sqs.inject(ctx, own);
    Map<String, MessageAttributeValue> second = sqs.inject(ctx, own);

    assertThat(first).hasSize(10).containsKey("traceparent").containsAllEntriesOf(own);
    assertThat(second).hasSize(10);
    assertThat(t.tracing.droppedContextFields()).isEqualTo(2);
    assertThat(t.dropped("sqs", "baggage")).isEqualTo(2);
    assertThat(logs).hasSize(1);
    assertThat(logs.get(0).getMessage()).contains("left out of");
  }

  @Test
  void withTwoFreeSlotsBaggageWinsOverTracestateBecauseItCarriesTheScanId() {
    Context ctx = t.scan("scan-1");
    Context withState = Span.wrap(io.opentelemetry.api.trace.SpanContext.create(
            TestTelemetry.spanContext(ctx).getTraceId(), TestTelemetry.spanContext(ctx).getSpanId(),
            io.opentelemetry.api.trace.TraceFlags.getSampled(),
            io.opentelemetry.api.trace.TraceState.builder().put("vendor", "x").build()))
        .storeInContext(ctx);

    Map<String, MessageAttributeValue> out = sqs.inject(withState, attributes(8));

    assertThat(out).containsKeys("traceparent", "baggage").doesNotContainKey("tracestate");
    assertThat(t.dropped("sqs", "tracestate")).isEqualTo(1);
  }

  @Test
  void aFullMessageKeepsItsOwnAttributesAndCountsEveryField() {
    Map<String, MessageAttributeValue> own = attributes(10);

    Map<String, MessageAttributeValue> out = sqs.inject(t.scan("scan-1"), own);

    assertThat(out).isEqualTo(own);
    assertThat(t.tracing.droppedContextFields()).isEqualTo(2);
    assertThat(t.dropped("sqs", "traceparent")).isEqualTo(1);
  }

  @Test
  void staleContextInAResentMessageIsReplacedNotDuplicated() {
    Map<String, MessageAttributeValue> stale = new LinkedHashMap<>(sqs.inject(t.scan("old"), attributes(8)));

    Context fresh = t.scan("new");
    Map<String, MessageAttributeValue> out = sqs.inject(fresh, stale);

    assertThat(out).hasSize(10);
    assertThat(ScanContext.scanId(SqsCarrier.extract(Message.builder().messageAttributes(out).build())))
        .contains("new");
    assertThat(t.tracing.droppedContextFields()).isZero();
  }

  @Test
  void receiveAsksForTheTraceAttributesAndKeepsWhatWasAsked() {
    ReceiveMessageRequest plain = ReceiveMessageRequest.builder().queueUrl(QUEUE_URL).build();
    ReceiveMessageRequest some = plain.toBuilder().messageAttributeNames("scanType").build();
    ReceiveMessageRequest all = plain.toBuilder().messageAttributeNames("All").build();

    assertThat(SqsCarrier.withTraceAttributes(plain).messageAttributeNames())
        .containsExactly("traceparent", "tracestate", "baggage");
    assertThat(SqsCarrier.withTraceAttributes(some).messageAttributeNames())
        .containsExactly("scanType", "traceparent", "tracestate", "baggage");
    assertThat(SqsCarrier.withTraceAttributes(all).messageAttributeNames()).containsExactly("All");
  }

  @Test
  void processSpanIsAConsumerChildOfTheProducerWithALinkToIt() {
    Context scan = t.scan("scan-1");
    Span send = sqs.startSend(scan, QUEUE_URL);
    Map<String, MessageAttributeValue> attrs;
    try (Scope s = scan.with(send).makeCurrent()) {
      attrs = sqs.inject(Context.current(), Map.of());
    }
    SqsCarrier.sent(send, software.amazon.awssdk.services.sqs.model.SendMessageResponse.builder().messageId("m-1").build());
    send.end();
    TestTelemetry worker = new TestTelemetry();
    Message received = Message.builder().messageId("m-1").body("{}").messageAttributes(attrs).build();

    Context process = SqsCarrier.create(worker.tracing).startProcess(received, QUEUE_URL);
    Span.fromContext(process).end();

    SpanData producer = t.finished().stream().filter(s -> s.getKind() == SpanKind.PRODUCER).findFirst().orElseThrow();
    SpanData consumer = worker.finished().get(0);
    assertThat(producer.getName()).isEqualTo("send vega-scans");
    assertThat(producer.getAttributes().get(MessagingIncubatingAttributes.MESSAGING_SYSTEM)).isEqualTo("aws_sqs");
    assertThat(producer.getAttributes().get(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE)).isEqualTo("send");
    assertThat(consumer.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(consumer.getName()).isEqualTo("process vega-scans");
    assertThat(consumer.getTraceId()).isEqualTo(producer.getTraceId());
    assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanId());
    assertThat(consumer.getLinks()).singleElement()
        .satisfies(l -> assertThat(l.getSpanContext().getSpanId()).isEqualTo(producer.getSpanId()));
    assertThat(consumer.getAttributes().get(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME)).isEqualTo("vega-scans");
    assertThat(consumer.getAttributes().get(MessagingIncubatingAttributes.MESSAGING_MESSAGE_ID)).isEqualTo("m-1");
    assertThat(consumer.getAttributes().get(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE)).isEqualTo("process");
    assertThat(consumer.getAttributes().get(ScanContext.SCAN_ID_ATTRIBUTE)).isEqualTo("scan-1");
  }

  @Test
  void aMessageWithoutContextStartsANewTraceWithoutALink() {
    Context process = sqs.startProcess(Message.builder().messageId("m-2").build(), QUEUE_URL);
    Span.fromContext(process).end();

    SpanData consumer = t.finished().get(0);
    assertThat(consumer.getParentSpanContext().isValid()).isFalse();
    assertThat(consumer.getLinks()).isEmpty();
  }

  @Test
  void queueNameIsTheLastSegmentOfTheUrl() {
    assertThat(SqsCarrier.queueName(QUEUE_URL)).isEqualTo("vega-scans");
    assertThat(SqsCarrier.queueName("vega-scans")).isEqualTo("vega-scans");
  }

  private static Map<String, MessageAttributeValue> attributes(int n) {
    Map<String, MessageAttributeValue> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put("a" + i, MessageAttributeValue.builder().dataType("String").stringValue("v" + i).build());
    }
    return m;
  }

  private static List<LogRecord> capture() {
    List<LogRecord> records = new ArrayList<>();
    Logger.getLogger(ContextDrops.class.getName()).addHandler(new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    return records;
  }
}

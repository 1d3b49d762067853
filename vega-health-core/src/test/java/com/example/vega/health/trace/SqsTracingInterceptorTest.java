package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.MotoServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/** One interceptor on the application's own client carries the context through a real queue. */
class SqsTracingInterceptorTest {
  private final TestTelemetry t = new TestTelemetry();
  private MotoServer moto;

  @BeforeEach
  void resetQueue() {
    moto = MotoServer.shared();
    moto.reset();
  }

  private SqsClient client(SqsTracingInterceptor interceptor) {
    return SqsClient.builder().endpointOverride(moto.endpoint()).region(Region.of(MotoServer.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.addExecutionInterceptor(interceptor))
        .build();
  }

  @Test
  void sendsCarryTheCurrentContextAndReceivesAskForIt() {
    SqsClient sqs = client(SqsTracingInterceptor.injectOnly(t.tracing));
    String queue = sqs.createQueue(b -> b.queueName("vega-scans")).queueUrl();

    Context scan = t.scan("scan-1234");
    try (Scope s = scan.makeCurrent()) {
      sqs.sendMessage(b -> b.queueUrl(queue).messageBody("scan-1234"));
      sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(
          SendMessageBatchRequestEntry.builder().id("a").messageBody("scan-1234").build()));
    } finally {
      Span.fromContext(scan).end();
    }
    String traceId = Span.fromContext(scan).getSpanContext().getTraceId();
    // A plain receive: the interceptor asks for the trace attributes by itself.
    List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)).messages();
    assertThat(got).hasSize(2);
    for (Message m : got) {
      assertThat(Span.fromContext(SqsCarrier.extract(m)).getSpanContext().getTraceId()).isEqualTo(traceId);
      assertThat(ScanContext.scanId(SqsCarrier.extract(m))).hasValue("scan-1234");
    }
    assertThat(t.finished()).as("inject only: the scan's span alone").hasSize(1);
  }

  @Test
  void sendReceiveAndDeleteGetTheSpansSqsCarrierMakes() {
    SqsClient sqs = client(SqsTracingInterceptor.create(t.tracing));
    String queue = sqs.createQueue(b -> b.queueName("vega-scans")).queueUrl();

    Context scan = t.scan("scan-1234");
    try (Scope s = scan.makeCurrent()) {
      sqs.sendMessage(b -> b.queueUrl(queue).messageBody("one"));
      sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(
          SendMessageBatchRequestEntry.builder().id("a").messageBody("two").build(),
          SendMessageBatchRequestEntry.builder().id("b").messageBody("three").build()));
    } finally {
      Span.fromContext(scan).end();
    }
    List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)).messages();
    assertThat(got).hasSize(3);
    Message first = got.get(0);
    Context process = SqsCarrier.create(t.tracing).startProcess(first, queue);
    try (Scope p = process.makeCurrent()) {
      sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(first.receiptHandle()));
    } finally {
      Span.fromContext(process).end();
    }

    List<SpanData> sends = t.finished().stream().filter(s -> s.getKind() == SpanKind.PRODUCER).toList();
    assertThat(sends).extracting(SpanData::getName).containsExactly("send vega-scans", "send vega-scans");
    assertThat(sends).allSatisfy(s -> {
      assertThat(s.getParentSpanId()).isEqualTo(Span.fromContext(scan).getSpanContext().getSpanId());
      assertThat(s.getAttributes().get(Incubating.MESSAGING_OPERATION_NAME)).isEqualTo("send");
      assertThat(s.getAttributes().get(Incubating.PEER_SERVICE)).isEqualTo("sqs");
    });
    assertThat(sends.get(0).getAttributes().get(Incubating.MESSAGING_MESSAGE_ID)).isNotBlank();
    assertThat(sends.get(1).getAttributes().get(Incubating.MESSAGING_BATCH_MESSAGE_COUNT)).isEqualTo(2L);
    // Each message carries its send span as its creation context.
    for (Message m : got) {
      assertThat(sends).extracting(s -> s.getSpanContext().getSpanId())
          .contains(Span.fromContext(SqsCarrier.extract(m)).getSpanContext().getSpanId());
    }

    SpanData receive = only("receive vega-scans");
    assertThat(receive.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(receive.getParentSpanContext().isValid()).as("a root: a poll serves many producers").isFalse();
    assertThat(receive.getAttributes().get(Incubating.MESSAGING_BATCH_MESSAGE_COUNT)).isEqualTo(3L);
    assertThat(receive.getLinks()).extracting(l -> l.getSpanContext().getSpanId())
        .containsExactlyInAnyOrderElementsOf(got.stream()
            .map(m -> Span.fromContext(SqsCarrier.extract(m)).getSpanContext().getSpanId()).toList());

    SpanData processed = only("process vega-scans");
    SpanData delete = only("delete vega-scans");
    assertThat(delete.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(delete.getParentSpanId()).isEqualTo(processed.getSpanContext().getSpanId());
    assertThat(delete.getAttributes().get(Incubating.MESSAGING_OPERATION_TYPE)).isEqualTo("settle");
    assertThat(delete.getAttributes().get(AttributeKey.stringKey("aws.request_id"))).isNotBlank();
    assertThat(t.finished()).extracting(s -> s.getAttributes().get(AttributeKey.stringKey("vega.scan.id")))
        .filteredOn(id -> id != null).containsOnly("scan-1234");
  }

  @Test
  void aSendTheApplicationTracedItselfGetsNoSecondSpanAndAnEmptyReceiveNone() {
    SqsClient sqs = client(SqsTracingInterceptor.create(t.tracing));
    String queue = sqs.createQueue(b -> b.queueName("vega-scans")).queueUrl();
    SqsCarrier carrier = SqsCarrier.create(t.tracing);

    Context scan = t.scan("scan-1234");
    Span own = carrier.startSend(scan, queue);
    try (Scope s = scan.with(own).makeCurrent()) {
      sqs.sendMessage(carrier.inject(Context.current(),
          SendMessageRequest.builder().queueUrl(queue).messageBody("one").build()));
    } finally {
      own.end();
      Span.fromContext(scan).end();
    }
    assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)).messages()).hasSize(1);
    assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(0)).messages()).isEmpty();

    assertThat(t.finished()).extracting(SpanData::getName)
        .containsExactlyInAnyOrder("send vega-scans", "vega.scan", "receive vega-scans");
    assertThat(only("receive vega-scans").getLinks()).extracting(l -> l.getSpanContext().getSpanId())
        .containsExactly(own.getSpanContext().getSpanId());
  }

  private SpanData only(String name) {
    List<SpanData> named = t.finished().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as(name).hasSize(1);
    return named.get(0);
  }
}

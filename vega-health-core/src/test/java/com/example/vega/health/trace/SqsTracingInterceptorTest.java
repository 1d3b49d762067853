package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.MotoServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** One interceptor on the application's own client carries the context through a real queue. */
class SqsTracingInterceptorTest {

  @Test
  void sendsCarryTheCurrentContextAndReceivesAskForIt() {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    ScanTracing tracing = ScanTracing.create(otel);
    SqsClient sqs = SqsClient.builder().endpointOverride(moto.endpoint()).region(Region.of(MotoServer.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.addExecutionInterceptor(SqsTracingInterceptor.create(tracing)))
        .build();
    String queue = sqs.createQueue(b -> b.queueName("vega-scans")).queueUrl();

    Context scan = tracing.startScan("scan-1234", Context.root());
    try (Scope s = scan.makeCurrent()) {
      sqs.sendMessage(b -> b.queueUrl(queue).messageBody("scan-1234"));
      sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(
          SendMessageBatchRequestEntry.builder().id("a").messageBody("scan-1234").build()));
    } finally {
      Span.fromContext(scan).end();
    }
    String traceId = Span.fromContext(scan).getSpanContext().getTraceId();
    // A plain receive: the interceptor asks for the trace attributes by itself.
    java.util.List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)).messages();
    assertThat(got).hasSize(2);
    for (Message m : got) {
      assertThat(Span.fromContext(SqsCarrier.extract(m)).getSpanContext().getTraceId()).isEqualTo(traceId);
      assertThat(ScanContext.scanId(SqsCarrier.extract(m))).hasValue("scan-1234");
    }
  }
}

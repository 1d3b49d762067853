package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.telemetry.HealthTelemetry;
import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.trace.ScanTracing;
import com.example.vega.health.trace.SqsCarrier;
import com.example.vega.health.trace.SqsTracingInterceptor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The SQS beans a Spring application gets make the spans core's {@code SqsCarrier} makes for the
 * worker: send, receive, process and delete, on the application's own client and a real queue.
 */
class SqsTracingBeansTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .build();

  @Test
  void theInterceptorBeanAndTheCarrierBeanMakeSendReceiveProcessAndDeleteSpans() {
    List<SpanData> finished = new java.util.ArrayList<>();
    MotoServer moto = MotoServer.shared();
    moto.reset();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VegaHealthAutoConfiguration.class, VegaTracingAutoConfiguration.class))
        .withBean(io.opentelemetry.api.OpenTelemetry.class, () -> otel)
        .withPropertyValues("vega.health.server.port=-1")
        .run(ctx -> {
          assertThat(ctx).hasSingleBean(SqsTracingInterceptor.class).hasSingleBean(SqsCarrier.class);
          SqsClient sqs = SqsClient.builder().endpointOverride(moto.endpoint()).region(Region.of(MotoServer.REGION))
              .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
              .httpClient(UrlConnectionHttpClient.create())
              .overrideConfiguration(c -> c.addExecutionInterceptor(ctx.getBean(SqsTracingInterceptor.class)))
              .build();
          String queue = sqs.createQueue(b -> b.queueName("vega-scans")).queueUrl();
          Context scan = ctx.getBean(ScanTracing.class).startScan("scan-1234", Context.root());
          try (Scope s = scan.makeCurrent()) {
            sqs.sendMessage(b -> b.queueUrl(queue).messageBody("scan-1234"));
          } finally {
            Span.fromContext(scan).end();
          }
          List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queue)).messages();
          assertThat(got).hasSize(1);
          Context process = ctx.getBean(SqsCarrier.class).startProcess(got.get(0), queue);
          try (Scope p = process.makeCurrent()) {
            sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(got.get(0).receiptHandle()));
          } finally {
            Span.fromContext(process).end();
          }
          sqs.close();
          // Read before the context closes: closing it shuts the SDK bean down, and the exporter clears.
          // The monitor's own check runs may end spans in the same window (vega.health.check ...).
          spans.getFinishedSpanItems().stream().filter(sp -> !sp.getName().startsWith(HealthTelemetry.SPAN_PREFIX))
              .forEach(finished::add);
        });

    assertThat(finished).extracting(s -> s.getName() + " " + s.getKind()).containsExactlyInAnyOrder(
        "vega.scan INTERNAL", "send vega-scans PRODUCER", "receive vega-scans CONSUMER",
        "process vega-scans CONSUMER", "delete vega-scans CLIENT");
    SpanData send = named(finished, "send vega-scans");
    SpanData process = named(finished, "process vega-scans");
    // The scan stays one trace: process is the send's child, delete the process's.
    assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
    assertThat(named(finished, "delete vega-scans").getParentSpanId()).isEqualTo(process.getSpanId());
    assertThat(named(finished, "receive vega-scans").getLinks()).extracting(l -> l.getSpanContext().getSpanId())
        .containsExactly(send.getSpanId());
    assertThat(finished).allSatisfy(s -> assertThat(s.getKind() == SpanKind.INTERNAL
        || s.getAttributes().asMap().keySet().stream().anyMatch(k -> k.getKey().equals("messaging.system"))).isTrue());
  }

  private static SpanData named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }
}

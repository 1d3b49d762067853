package com.example.vega.health.bench;

import com.example.vega.health.bench.SqsSendHopBenchmark.CountingExporter;
import com.example.vega.health.bench.SqsSendHopBenchmark.FakeSqsHttpClient;
import com.example.vega.health.trace.ScanIdSpanProcessor;
import com.example.vega.health.trace.ScanTracing;
import com.example.vega.health.trace.SqsCarrier;
import com.example.vega.health.trace.SqsTracingInterceptor;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.instrumentation.awssdk.v2_2.AwsSdkTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import org.jspecify.annotations.Nullable;

/**
 * What the SQS hop benchmarks run on: one SDK (see {@link #sdk}), an in-memory SQS endpoint and
 * a client per variant on it: no tracing interceptor, Vega's {@link SqsTracingInterceptor}, and
 * OpenTelemetry's {@link AwsSdkTelemetry} interceptor with
 * {@code setUseConfiguredPropagatorForMessaging(true)}.
 */
final class SqsHop implements AutoCloseable {
  final CountingExporter exporter = new CountingExporter();
  final OpenTelemetrySdk otel = sdk(exporter);
  final ScanTracing tracing = ScanTracing.create(otel);
  final SqsCarrier carrier = SqsCarrier.create(tracing);
  final AwsSdkTelemetry telemetry = AwsSdkTelemetry.builder(otel).setUseConfiguredPropagatorForMessaging(true).build();
  final FakeSqsHttpClient http;
  final SqsClient baselineClient;
  final SqsClient vegaClient;
  final SqsClient otelClient;

  SqsHop(FakeSqsHttpClient http) {
    this.http = http;
    baselineClient = client(http, null);
    vegaClient = client(http, SqsTracingInterceptor.injectOnly(tracing));
    otelClient = client(http, telemetry.createExecutionInterceptor());
  }

  @Override
  public void close() {
    baselineClient.close();
    vegaClient.close();
    otelClient.close();
    otel.close();
  }

  /**
   * The one SDK both Vega and OpenTelemetry's instrumentation use: a real tracer provider,
   * parentbased(always_on), the scan-id processor and a simple processor into {@code exporter};
   * tracecontext + baggage.
   */
  private static OpenTelemetrySdk sdk(CountingExporter exporter) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
            .addSpanProcessor(new ScanIdSpanProcessor())
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build())
        .setPropagators(ContextPropagators.create(TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
        .build();
  }

  private static SqsClient client(SdkHttpClient http, @Nullable ExecutionInterceptor interceptor) {
    return SqsClient.builder()
        .httpClient(http)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")))
        // SDK 2.57.8: SqsBaseClientBuilder.checksumValidationEnabled(Boolean), the SQS MD5 checks
        // (MessageMD5ChecksumInterceptor) off; the canned answers carry the body's real MD5 anyway.
        .checksumValidationEnabled(false)
        .overrideConfiguration(c -> {
          if (interceptor != null) {
            c.addExecutionInterceptor(interceptor);
          }
        })
        .build();
  }
}

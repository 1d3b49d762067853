package com.example.vega.health.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;

/** Uses the carriers in a JVM without the OpenTelemetry SDK; exits 0 and prints "ok" if they work. */
final class ApiOnlyMain {
  private ApiOnlyMain() {}

  public static void main(String[] args) {
    try {
      Class.forName("io.opentelemetry.sdk.trace.SdkTracerProvider");
      System.out.println("the SDK is on the classpath; this check proves nothing");
      System.exit(2);
    } catch (ClassNotFoundException expected) {
      // the point of this run
    }
    ScanTracing tracing = ScanTracing.create(OpenTelemetry.noop());
    Context ctx = ScanContext.withScanId(Span.wrap(SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736",
        "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.getDefault())).storeInContext(Context.root()), "scan-1");
    Map<String, String> headers = new HashMap<>();
    HttpCarrier.inject(ctx, headers::put);
    Context http = HttpCarrier.extract(headers::get, Trust.TRUSTED);
    Context sqs = SqsCarrier.extract(Message.builder()
        .messageAttributes(SqsCarrier.create(tracing).inject(ctx, Map.of())).build());
    Context env = EcsCarrier.extract(EcsCarrier.environment(ctx));
    for (Context c : new Context[] {http, sqs, env}) {
      if (!ScanContext.scanId(c).equals(java.util.Optional.of("scan-1"))
          || !Span.fromContext(c).getSpanContext().getTraceId().equals("4bf92f3577b34da6a3ce929d0e0e4736")) {
        System.out.println("context lost");
        System.exit(1);
      }
    }
    System.out.println("ok");
  }
}

package com.example.vega.health.trace;

import io.opentelemetry.context.Context;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Wires an application's existing {@link software.amazon.awssdk.services.sqs.SqsClient} to the SQS
 * carrier with one line: every SendMessage and SendMessageBatch entry carries the current context,
 * and every ReceiveMessage asks for it.
 *
 * <pre>{@code
 * SqsClient sqs = SqsClient.builder()
 *     .overrideConfiguration(c -> c.addExecutionInterceptor(SqsTracingInterceptor.create(tracing)))
 *     .build();
 * }</pre>
 *
 * <p>Batch entries all get the context current at the call; to give each entry its own scan's
 * context, inject per entry with {@link SqsCarrier#inject(Context, software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry)}
 * before sending (entries that already carry a traceparent are left as they are).
 */
public final class SqsTracingInterceptor implements ExecutionInterceptor {
  private final SqsCarrier carrier;

  private SqsTracingInterceptor(SqsCarrier carrier) {
    this.carrier = carrier;
  }

  public static SqsTracingInterceptor create(ScanTracing tracing) {
    return new SqsTracingInterceptor(SqsCarrier.create(tracing));
  }

  @Override
  public SdkRequest modifyRequest(
      software.amazon.awssdk.core.interceptor.Context.ModifyRequest context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    try {
      if (request instanceof SendMessageRequest send && !send.messageAttributes().containsKey(W3c.TRACEPARENT)) {
        return carrier.inject(Context.current(), send);
      }
      if (request instanceof SendMessageBatchRequest batch) {
        return batch.toBuilder().entries(batch.entries().stream()
            .map(e -> e.messageAttributes().containsKey(W3c.TRACEPARENT) ? e : carrier.inject(Context.current(), e))
            .toList()).build();
      }
      if (request instanceof ReceiveMessageRequest receive) {
        return SqsCarrier.withTraceAttributes(receive);
      }
    } catch (RuntimeException e) {
      // Tracing never breaks a send.
    }
    return request;
  }
}

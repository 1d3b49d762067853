package com.example.vega.health.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsResponse;

/**
 * Wires an application's existing {@link software.amazon.awssdk.services.sqs.SqsClient} to the SQS
 * carrier with one line, with the spans {@link SqsCarrier} makes (its own methods, so the two
 * agree): every SendMessage gets a PRODUCER {@code send {queue}} span and carries it as the
 * message's context (SendMessageBatch: one span for the batch, with its size); every
 * ReceiveMessage asks for the context and, when messages came back, gets a CONSUMER
 * {@code receive {queue}} span linked to each message's producer; every DeleteMessage gets a
 * CLIENT {@code delete {queue}} span under the current context.
 *
 * <pre>{@code
 * SqsClient sqs = SqsClient.builder()
 *     .overrideConfiguration(c -> c.addExecutionInterceptor(SqsTracingInterceptor.create(tracing)))
 *     .build();
 * // processing a received message, the one span an interceptor cannot make:
 * Context process = SqsCarrier.create(tracing).startProcess(message, queueUrl);
 * }</pre>
 *
 * <p>A request that already carries a {@code traceparent} (the application injected its own
 * context, with its own span) is left alone: no second span, no second context. Batch entries all
 * get the batch span's context; to give each entry its own scan's context, inject per entry with
 * {@link SqsCarrier#inject(Context, software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry)}
 * before sending. {@link #injectOnly} keeps the context only, with no spans.
 */
public final class SqsTracingInterceptor implements ExecutionInterceptor {
  private static final ExecutionAttribute<Span> SPAN = new ExecutionAttribute<>("vega.sqs.span");
  private static final ExecutionAttribute<Instant> RECEIVE_START = new ExecutionAttribute<>("vega.sqs.receive.start");

  private final SqsCarrier carrier;
  private final boolean spans;

  private SqsTracingInterceptor(SqsCarrier carrier, boolean spans) {
    this.carrier = carrier;
    this.spans = spans;
  }

  /** Context in, context asked for, and the send, receive and delete spans. */
  public static SqsTracingInterceptor create(ScanTracing tracing) {
    return new SqsTracingInterceptor(SqsCarrier.create(tracing), true);
  }

  /** Context in and context asked for, no spans (the application makes its own with {@link SqsCarrier}). */
  public static SqsTracingInterceptor injectOnly(ScanTracing tracing) {
    return new SqsTracingInterceptor(SqsCarrier.create(tracing), false);
  }

  @Override
  public void beforeExecution(
      software.amazon.awssdk.core.interceptor.Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (!spans) {
      return;
    }
    try {
      SdkRequest request = context.request();
      Context current = Context.current();
      if (request instanceof SendMessageRequest send && !send.messageAttributes().containsKey(W3c.TRACEPARENT)) {
        attributes.putAttribute(SPAN, carrier.startSend(current, send.queueUrl()));
      } else if (request instanceof SendMessageBatchRequest batch
          && batch.entries().stream().noneMatch(e -> e.messageAttributes().containsKey(W3c.TRACEPARENT))) {
        attributes.putAttribute(SPAN, carrier.startSend(current, batch.queueUrl(), batch.entries().size()));
      } else if (request instanceof ReceiveMessageRequest) {
        attributes.putAttribute(RECEIVE_START, Instant.now());
      } else if (request instanceof DeleteMessageRequest delete) {
        attributes.putAttribute(SPAN, carrier.startDelete(current, delete.queueUrl()));
      }
    } catch (RuntimeException e) {
      // Tracing never breaks a call.
    }
  }

  @Override
  public SdkRequest modifyRequest(
      software.amazon.awssdk.core.interceptor.Context.ModifyRequest context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    try {
      Span span = attributes.getAttribute(SPAN);
      Context ctx = span == null ? Context.current() : Context.current().with(span);
      if (request instanceof SendMessageRequest send && !send.messageAttributes().containsKey(W3c.TRACEPARENT)) {
        return carrier.inject(ctx, send);
      }
      if (request instanceof SendMessageBatchRequest batch) {
        return batch.toBuilder().entries(batch.entries().stream()
            .map(e -> e.messageAttributes().containsKey(W3c.TRACEPARENT) ? e : carrier.inject(ctx, e))
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

  @Override
  public void afterExecution(
      software.amazon.awssdk.core.interceptor.Context.AfterExecution context, ExecutionAttributes attributes) {
    try {
      SdkResponse response = context.response();
      Span span = attributes.getAttribute(SPAN);
      if (span != null) {
        if (response instanceof SendMessageResponse sent) {
          SqsCarrier.sent(span, sent);
        } else if (response instanceof SqsResponse r) {
          ClientSpans.awsResponse(span, requestId(r), null);
        }
        span.end();
      }
      Instant asked = attributes.getAttribute(RECEIVE_START);
      if (asked != null && response instanceof ReceiveMessageResponse received && received.hasMessages()
          && context.request() instanceof ReceiveMessageRequest request) {
        // As the worker does: a span only for a poll that brought messages, started when it asked.
        List<Message> messages = received.messages();
        if (!messages.isEmpty()) {
          Span receive = carrier.startReceive(Context.root(), request.queueUrl(), asked);
          SqsCarrier.received(receive, messages);
          ClientSpans.awsResponse(receive, requestId(received), null);
          receive.end();
        }
      }
    } catch (RuntimeException e) {
      // Tracing never breaks a call.
    }
  }

  @Override
  public void onExecutionFailure(
      software.amazon.awssdk.core.interceptor.Context.FailedExecution context, ExecutionAttributes attributes) {
    Span span = attributes.getAttribute(SPAN);
    if (span != null) {
      ClientSpans.fail(span, context.exception());
      span.end();
    }
  }

  private static @Nullable String requestId(SqsResponse response) {
    try {
      return response.responseMetadata().requestId();
    } catch (RuntimeException noMetadata) {
      return null;
    }
  }
}

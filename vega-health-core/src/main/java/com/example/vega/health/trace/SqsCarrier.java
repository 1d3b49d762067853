package com.example.vega.health.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * Trace context in SQS message attributes ({@code traceparent}, {@code tracestate},
 * {@code baggage}), and the PRODUCER/CONSUMER spans of OpenTelemetry's messaging conventions.
 *
 * <pre>{@code
 * // api
 * Span send = sqs.startSend(Context.current(), queueUrl);
 * try (Scope s = send.makeCurrent()) {
 *   SqsCarrier.sent(send, client.sendMessage(sqs.inject(Context.current(), request)));
 * } finally { send.end(); }
 *
 * // worker
 * for (Message m : client.receiveMessage(SqsCarrier.withTraceAttributes(receive)).messages()) {
 *   Context process = sqs.startProcess(m, queueUrl);
 *   try (Scope s = process.makeCurrent()) { ... } finally { Span.fromContext(process).end(); }
 * }
 * }</pre>
 *
 * <p>Both spans carry what OpenTelemetry's AWS SDK instrumentation puts on SQS spans:
 * {@code messaging.*}, {@code aws.sqs.queue.url}, {@code rpc.*}, {@code server.address} and
 * {@code server.port} of the queue's endpoint, and after the send {@code messaging.message.id} and
 * {@code aws.request_id}.
 *
 * <p>SQS allows 10 message attributes. When the message's own attributes leave too few slots, the
 * fields are kept in the order traceparent, baggage (it carries the scan id), tracestate; each one
 * left out is logged once and counted ({@link ScanTracing#droppedContextFields()}).
 */
public final class SqsCarrier {
  /** SQS's limit on message attributes per message. */
  public static final int MAX_MESSAGE_ATTRIBUTES = 10;

  static final String SYSTEM = Incubating.MESSAGING_SYSTEM_AWS_SQS;
  /** {@code rpc.service} of SQS calls, as the AWS SDK names the service. */
  static final String RPC_SERVICE = "Sqs";
  /** {@code peer.service} of the calls to SQS: the node a service map draws for the queue. */
  public static final String PEER_SERVICE = "sqs";
  // messaging.operation.name of each span, and the first word of its name.
  static final String SEND = "send";
  static final String RECEIVE = "receive";
  static final String PROCESS = "process";
  static final String DELETE = "delete";

  // Kept in this order when slots run out.
  private static final String[] PRIORITY = {W3c.TRACEPARENT, W3c.BAGGAGE, W3c.TRACESTATE};

  private final Tracer tracer;
  private final ContextDrops drops;

  private SqsCarrier(ScanTracing tracing) {
    this.tracer = tracing.tracer();
    this.drops = tracing.drops();
  }

  public static SqsCarrier create(ScanTracing tracing) {
    return new SqsCarrier(Objects.requireNonNull(tracing, "tracing"));
  }

  /**
   * {@code attributes} plus the context's fields, within {@link #MAX_MESSAGE_ATTRIBUTES}. The
   * message's own attributes are never displaced. Returns a new map; never throws.
   */
  public Map<String, MessageAttributeValue> inject(
      Context context, Map<String, MessageAttributeValue> attributes) {
    Map<String, MessageAttributeValue> out = new LinkedHashMap<>(attributes);
    try {
      // Stale context from a re-sent message is replaced, not kept beside the new one.
      for (String f : W3c.FIELDS) {
        out.remove(f);
      }
      W3c.Fields fields = W3c.render(context);
      int free = MAX_MESSAGE_ATTRIBUTES - out.size();
      for (String name : PRIORITY) {
        String value = fields.get(name);
        if (value == null) {
          continue;
        }
        if (free > 0) {
          out.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build());
          free--;
        } else {
          drops.record("sqs", name, "the message already uses " + out.size() + " of SQS's "
              + MAX_MESSAGE_ATTRIBUTES + " message attributes");
        }
      }
    } catch (RuntimeException e) {
      return new LinkedHashMap<>(attributes);
    }
    return out;
  }

  /** {@code request} with the context's fields added to its message attributes. */
  public SendMessageRequest inject(Context context, SendMessageRequest request) {
    return request.toBuilder().messageAttributes(inject(context, request.messageAttributes())).build();
  }

  /**
   * One SendMessageBatch entry with its own context: each scan in a batch keeps its own trace.
   */
  public SendMessageBatchRequestEntry inject(Context context, SendMessageBatchRequestEntry entry) {
    return entry.toBuilder().messageAttributes(inject(context, entry.messageAttributes())).build();
  }

  /**
   * The creation context of {@code message} on top of {@code Context.root()}; a message without
   * (or with malformed) context gives a root context. Never throws.
   */
  public static Context extract(Message message) {
    try {
      Map<String, MessageAttributeValue> a = message.messageAttributes();
      return W3c.extract(Context.root(),
          new W3c.Fields(value(a, W3c.TRACEPARENT), value(a, W3c.TRACESTATE), value(a, W3c.BAGGAGE)));
    } catch (RuntimeException e) {
      return Context.root();
    }
  }

  /**
   * {@code request} asking SQS for the trace attributes too (receive returns no message
   * attributes unless asked). Names already requested, including "All", are kept.
   */
  public static ReceiveMessageRequest withTraceAttributes(ReceiveMessageRequest request) {
    List<String> names = new ArrayList<>(request.messageAttributeNames());
    if (names.contains("All") || names.contains(".*")) {
      return request;
    }
    for (String f : W3c.FIELDS) {
      if (!names.contains(f)) {
        names.add(f);
      }
    }
    return request.toBuilder().messageAttributeNames(names).build();
  }

  /**
   * Starts the PRODUCER span of a SendMessage (or SendMessageBatch, with {@code batchSize > 1})
   * under {@code parent}. Inject from a context holding this span so the consumer links to it;
   * end with {@link #sent}.
   */
  public Span startSend(Context parent, String queueUrl, int batchSize) {
    String rpcMethod = batchSize > 1 ? "SendMessageBatch" : "SendMessage";
    SpanBuilder b = messaging(parent, queueUrl, SEND, SpanKind.PRODUCER, Incubating.OPERATION_TYPE_SEND)
        .setAttribute(Incubating.RPC_METHOD, rpcMethod);
    if (batchSize > 1) {
      b.setAttribute(Incubating.MESSAGING_BATCH_MESSAGE_COUNT, (long) batchSize);
    }
    return b.startSpan();
  }

  /** Records a SendMessage's answer on its span: the message id and the AWS request id. */
  public static void sent(Span span, SendMessageResponse response) {
    if (response.messageId() != null) {
      span.setAttribute(Incubating.MESSAGING_MESSAGE_ID, response.messageId());
    }
    String requestId;
    try {
      requestId = response.responseMetadata().requestId();
    } catch (RuntimeException noMetadata) {
      requestId = null; // a response built by hand (stubs, tests) has none
    }
    ClientSpans.awsResponse(span, requestId, null);
  }

  /** {@link #startSend(Context, String, int)} for one message. */
  public Span startSend(Context parent, String queueUrl) {
    return startSend(parent, queueUrl, 1);
  }

  /**
   * Starts the CONSUMER "process" span of one received message: a child of the message's
   * creation context (so the scan stays one trace) with a link to it, as the messaging
   * conventions ask. Returns the creation context (with its baggage) plus the new span; the
   * caller ends the span. A message without valid context starts a new trace.
   */
  public Context startProcess(Message message, String queueUrl) {
    Context creation = extract(message);
    SpanContext producer = Span.fromContext(creation).getSpanContext();
    SpanBuilder b = messaging(creation, queueUrl, PROCESS, SpanKind.CONSUMER, Incubating.OPERATION_TYPE_PROCESS);
    if (message.messageId() != null) {
      b.setAttribute(Incubating.MESSAGING_MESSAGE_ID, message.messageId());
    }
    if (producer.isValid()) {
      b.addLink(producer);
    }
    return creation.with(b.startSpan());
  }

  /**
   * The CONSUMER "receive {queue}" span of one ReceiveMessage call that returned messages, as
   * OpenTelemetry's AWS SDK instrumentation makes it with receive telemetry on: a span of the
   * poll, not of any scan (it starts under {@code parent}, usually the root: a receive serves
   * several producers), with {@code messaging.batch.message_count} and a link to each message's
   * creation context. Start it before the call, record the answer with {@link #received}, end it
   * before processing. An empty receive (long polling) is worth no span: don't start one for it.
   */
  public Span startReceive(Context parent, String queueUrl) {
    return receiveSpan(parent, queueUrl).startSpan();
  }

  /**
   * {@link #startReceive(Context, String)} started at {@code start}: for a poll loop that asks
   * first and makes the span only when messages came back.
   */
  public Span startReceive(Context parent, String queueUrl, java.time.Instant start) {
    return receiveSpan(parent, queueUrl).setStartTimestamp(start).startSpan();
  }

  private SpanBuilder receiveSpan(Context parent, String queueUrl) {
    return messaging(parent, queueUrl, RECEIVE, SpanKind.CONSUMER, Incubating.OPERATION_TYPE_RECEIVE)
        .setAttribute(Incubating.RPC_METHOD, "ReceiveMessage");
  }

  /**
   * Records what a receive returned: the batch size, and a link to each message's producer
   * (spans take links after start since API 1.x's {@code Span.addLink}).
   */
  public static void received(Span receive, List<Message> messages) {
    receive.setAttribute(Incubating.MESSAGING_BATCH_MESSAGE_COUNT, (long) messages.size());
    for (Message m : messages) {
      SpanContext producer = Span.fromContext(extract(m)).getSpanContext();
      if (producer.isValid()) {
        receive.addLink(producer);
      }
    }
  }

  /**
   * The CLIENT "delete {queue}" span of a DeleteMessage (the message settled after processing):
   * {@code messaging.operation.type=settle}, under the process span.
   */
  public Span startDelete(Context parent, String queueUrl) {
    return messaging(parent, queueUrl, DELETE, SpanKind.CLIENT, Incubating.OPERATION_TYPE_SETTLE)
        .setAttribute(Incubating.RPC_METHOD, "DeleteMessage")
        .startSpan();
  }

  // rpc.system and rpc.service are deprecated in semantic conventions 1.43, but they are what
  // OpenTelemetry's AWS SDK instrumentation of the same release sets, and what AWS views key on.
  private SpanBuilder messaging(Context parent, String queueUrl, String operation, SpanKind kind, String type) {
    String queue = queueName(queueUrl);
    // The span name is "{messaging.operation.name} {destination}", so the two always agree.
    SpanBuilder b = tracer.spanBuilder(operation + " " + queue)
        .setSpanKind(kind)
        .setParent(parent)
        .setAttribute(Incubating.MESSAGING_SYSTEM, SYSTEM)
        .setAttribute(Incubating.MESSAGING_DESTINATION_NAME, queue)
        .setAttribute(Incubating.MESSAGING_OPERATION_TYPE, type)
        .setAttribute(Incubating.MESSAGING_OPERATION_NAME, operation)
        .setAttribute(Incubating.AWS_SQS_QUEUE_URL, queueUrl)
        .setAttribute(Incubating.RPC_SYSTEM, ClientSpans.AWS_API)
        .setAttribute(Incubating.RPC_SERVICE, RPC_SERVICE);
    if (kind != SpanKind.CONSUMER || type.equals(Incubating.OPERATION_TYPE_RECEIVE)) {
      // The calls to SQS name it as their remote service (Zipkin's exporter reads peer.service
      // on CLIENT and PRODUCER spans only; it is set on the receive for other backends).
      b.setAttribute(Incubating.PEER_SERVICE, PEER_SERVICE);
    }
    try {
      URI uri = URI.create(queueUrl);
      int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
      ClientSpans.server(b, uri.getHost(), uri.getHost() == null ? -1 : port);
    } catch (IllegalArgumentException notAUrl) {
      // a bare queue name or ARN: no endpoint to record
    }
    return b;
  }

  /** The queue name, the last path segment of a queue URL (an ARN or bare name is kept as is). */
  static String queueName(String queueUrl) {
    int slash = queueUrl.lastIndexOf('/');
    return slash >= 0 && slash < queueUrl.length() - 1 ? queueUrl.substring(slash + 1) : queueUrl;
  }

  private static @Nullable String value(Map<String, MessageAttributeValue> attributes, String name) {
    MessageAttributeValue v = attributes.get(name);
    return v == null ? null : v.stringValue();
  }
}

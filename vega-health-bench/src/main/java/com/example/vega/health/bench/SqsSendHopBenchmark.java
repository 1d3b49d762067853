package com.example.vega.health.bench;

import com.example.vega.health.trace.ScanIdSpanProcessor;
import com.example.vega.health.trace.SqsCarrier;
import com.example.vega.health.trace.SqsTracingInterceptor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.instrumentation.awssdk.v2_2.AwsSdkTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import org.jspecify.annotations.Nullable;

/**
 * One SQS SendMessage hop, the whole SDK call ({@code SqsClient.sendMessage}: marshalling,
 * SigV4 signing, interceptors, unmarshalling) inside an active parent span, against a fake
 * in-memory {@link SdkHttpClient} (no network: it reads the request body and answers a canned
 * 200 SendMessage JSON).
 *
 * <ul>
 *   <li>{@code baseline}: no tracing interceptor.
 *   <li>{@code vega}: Vega's {@link SqsTracingInterceptor} on the client (injects the current
 *       context into the message attributes; starts no span).
 *   <li>{@code vegaWithProducerSpan}: the documented Vega pattern, {@link SqsCarrier#startSend}
 *       PRODUCER span around the same call, {@code messaging.message.id} set from the answer.
 *   <li>{@code otel}: OpenTelemetry's {@code AwsSdkTelemetry} execution interceptor
 *       (opentelemetry-aws-sdk-2.2) with {@code setUseConfiguredPropagatorForMessaging(true)}: it
 *       starts its own PRODUCER span and injects it into the message attributes.
 * </ul>
 *
 * <p>All tracing variants share one {@link OpenTelemetrySdk}: a real {@link SdkTracerProvider},
 * sampler parentbased(always_on), {@link ScanIdSpanProcessor} plus a {@link SimpleSpanProcessor}
 * feeding an exporter that counts and discards; propagators tracecontext + baggage. The parent is
 * a scan root span with the scan id in baggage (the production shape). {@link #setUp()} sends
 * one message with each client and fails the run unless the tracing variants really put the
 * parent's trace id in a {@code traceparent} message attribute (and the baseline does not).
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SqsSendHopBenchmark extends AverageTimeBenchmark {
  static final String QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/vega-scans";
  static final String SCAN_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
  static final String BODY = "{\"scanId\":\"" + SCAN_ID + "\",\"repository\":\"vega/api\",\"ref\":\"main\"}";
  private static final Pattern TRACEPARENT = Pattern.compile(
      "\"traceparent\":\\{[^}]*\"StringValue\":\"(00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2})\"");
  private static final Pattern ATTRIBUTE_NAMES = Pattern.compile("\"([A-Za-z0-9_.-]+)\":\\{\"(?:StringValue|DataType)\"");

  private SqsHop hop;
  private Context parent;
  private SendMessageRequest request;

  @Setup
  public void setUp() {
    hop = new SqsHop(new FakeSqsHttpClient());
    parent = hop.tracing.startScan(SCAN_ID, Context.root());   // never ended: it only parents
    request = SendMessageRequest.builder().queueUrl(QUEUE_URL).messageBody(BODY).build();
    verify();
  }

  @TearDown
  public void tearDown() {
    hop.close();
  }

  @Benchmark
  public SendMessageResponse baseline() {
    try (io.opentelemetry.context.Scope s = parent.makeCurrent()) {
      return hop.baselineClient.sendMessage(request);
    }
  }

  @Benchmark
  public SendMessageResponse vega() {
    try (io.opentelemetry.context.Scope s = parent.makeCurrent()) {
      return hop.vegaClient.sendMessage(request);
    }
  }

  @Benchmark
  public SendMessageResponse vegaWithProducerSpan() {
    try (io.opentelemetry.context.Scope s = parent.makeCurrent()) {
      return sendWithProducerSpan();
    }
  }

  private SendMessageResponse sendWithProducerSpan() {
    Span send = hop.carrier.startSend(Context.current(), QUEUE_URL);
    try (io.opentelemetry.context.Scope q = send.makeCurrent()) {
      SendMessageResponse r = hop.vegaClient.sendMessage(request);
      SqsCarrier.sent(send, r);
      return r;
    } finally {
      send.end();
    }
  }

  @Benchmark
  public SendMessageResponse otel() {
    try (io.opentelemetry.context.Scope s = parent.makeCurrent()) {
      return hop.otelClient.sendMessage(request);
    }
  }

  /** Fails the run unless each variant does what it claims; prints what went on the wire. */
  private void verify() {
    String traceId = Span.fromContext(parent).getSpanContext().getTraceId();
    String parentSpanId = Span.fromContext(parent).getSpanContext().getSpanId();

    Sent base = sendOnce(() -> hop.baselineClient.sendMessage(request));
    if (base.traceparent != null) {
      throw new IllegalStateException("baseline sent a traceparent: " + base.body);
    }
    report("baseline", base);

    Sent vega = sendOnce(() -> hop.vegaClient.sendMessage(request));
    if (!expect("vega", vega, traceId).contains(parentSpanId) || vega.spans != 0) {
      throw new IllegalStateException("vega: expected the parent's own span id and no span: " + vega);
    }
    report("vega", vega);

    Sent vegaSpan = sendOnce(this::sendWithProducerSpan);
    if (expect("vegaWithProducerSpan", vegaSpan, traceId).contains(parentSpanId) || vegaSpan.spans != 1
        || vegaSpan.kinds.get(0) != SpanKind.PRODUCER) {
      throw new IllegalStateException("vegaWithProducerSpan: expected one PRODUCER span injected: " + vegaSpan);
    }
    report("vegaWithProducerSpan", vegaSpan);

    Sent o = sendOnce(() -> hop.otelClient.sendMessage(request));
    if (expect("otel", o, traceId).contains(parentSpanId) || o.spans != 1 || o.kinds.get(0) != SpanKind.PRODUCER) {
      throw new IllegalStateException("otel: expected one PRODUCER span injected: " + o);
    }
    report("otel", o);
  }

  private Sent sendOnce(java.util.function.Supplier<SendMessageResponse> send) {
    long before = hop.exporter.count.get();
    hop.exporter.reset();
    hop.http.capture = true;
    SendMessageResponse r;
    try (io.opentelemetry.context.Scope s = parent.makeCurrent()) {
      r = send.get();
    } finally {
      hop.http.capture = false;
    }
    if (!"5fea7756-0ea4-451a-a703-a558b933e274".equals(r.messageId())) {
      throw new IllegalStateException("unexpected answer " + r);
    }
    String body = java.util.Objects.requireNonNull(hop.http.lastBody, "no request captured");
    Matcher m = TRACEPARENT.matcher(body);
    List<String> names = new ArrayList<>();
    Matcher n = ATTRIBUTE_NAMES.matcher(body);
    while (n.find()) {
      names.add(n.group(1));
    }
    return new Sent(body, m.find() ? m.group(1) : null, names,
        java.util.Objects.requireNonNull(hop.http.lastHeaders, "no request captured"),
        (int) (hop.exporter.count.get() - before), hop.exporter.last.stream().map(SpanData::getKind).toList(),
        hop.exporter.last.stream().map(d -> "'" + d.getName() + "' " + d.getAttributes().size() + " attributes " + d.getAttributes().asMap().keySet()).toList());
  }

  /** Checks the message carries the trace and the scan's baggage; returns its traceparent. */
  private static String expect(String variant, Sent sent, String traceId) {
    String traceparent = sent.traceparent;
    if (traceparent == null || !traceparent.startsWith("00-" + traceId + "-")) {
      throw new IllegalStateException(variant + ": no traceparent of trace " + traceId
          + " in the message attributes: " + sent.body);
    }
    if (!sent.body.contains("\"baggage\"") || !sent.body.contains(SCAN_ID)) {
      throw new IllegalStateException(variant + ": no baggage with the scan id: " + sent.body);
    }
    return traceparent;
  }

  private static void report(String variant, Sent sent) {
    System.out.println("[verified] " + variant + ": message attributes " + sent.attributes
        + (sent.traceparent == null ? "" : ", traceparent " + sent.traceparent)
        + ", spans exported " + sent.spans + " " + sent.kinds + " " + sent.spanInfo
        + ", X-Amzn-Trace-Id header " + (sent.headers.containsKey("X-Amzn-Trace-Id") ? "yes" : "no")
        + ", body " + sent.body.length() + " chars");
  }

  record Sent(String body, @Nullable String traceparent, List<String> attributes, Map<String, List<String>> headers,
      int spans, List<SpanKind> kinds, List<String> spanInfo) {}

  /** Counts ended spans and drops them. */
  static final class CountingExporter implements SpanExporter {
    final AtomicLong count = new AtomicLong();
    /** The first spans after {@link #reset()} (at most 8). */
    final List<SpanData> last = java.util.Collections.synchronizedList(new ArrayList<>());

    void reset() {
      last.clear();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      count.addAndGet(spans.size());
      if (last.size() < 8) {
        last.addAll(spans);
      }
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /**
   * An in-memory SQS endpoint: reads the whole request body (as a real client would write it) and
   * answers 200 with the canned JSON of the operation ({@code X-Amz-Target}, e.g.
   * {@code AmazonSQS.SendMessage}). Keeps the body only while {@link #capture} is set.
   */
  static final class FakeSqsHttpClient implements SdkHttpClient {
    static final String SEND_ANSWER = "{\"MD5OfMessageBody\":\"" + md5(BODY)
        + "\",\"MessageId\":\"5fea7756-0ea4-451a-a703-a558b933e274\"}";
    private final Map<String, byte[]> answers;
    private final byte[] buffer = new byte[8192];
    volatile boolean capture;
    volatile @Nullable String lastBody;
    volatile @Nullable Map<String, List<String>> lastHeaders;
    long bytesRead;

    /** Answers SendMessage only. */
    FakeSqsHttpClient() {
      this(Map.of("AmazonSQS.SendMessage", SEND_ANSWER));
    }

    /** {@code answers}: JSON answer by {@code X-Amz-Target}. */
    FakeSqsHttpClient(Map<String, String> answers) {
      this.answers = new java.util.HashMap<>();
      answers.forEach((target, json) -> this.answers.put(target, json.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() throws IOException {
          ByteArrayOutputStream copy = capture ? new ByteArrayOutputStream() : null;
          if (request.contentStreamProvider().isPresent()) {
            try (InputStream in = request.contentStreamProvider().get().newStream()) {
              int r;
              while ((r = in.read(buffer)) > 0) {
                bytesRead += r;
                if (copy != null) {
                  copy.write(buffer, 0, r);
                }
              }
            }
          }
          if (copy != null) {
            lastBody = copy.toString(StandardCharsets.UTF_8);
            lastHeaders = request.httpRequest().headers();
          }
          String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
          byte[] answer = answers.get(target);
          if (answer == null) {
            throw new IOException("the fake SQS answers " + answers.keySet() + ", not '" + target + "'");
          }
          return HttpExecuteResponse.builder()
              .response(SdkHttpResponse.builder().statusCode(200)
                  .putHeader("Content-Type", "application/x-amz-json-1.0")
                  .putHeader("Content-Length", Integer.toString(answer.length))
                  .putHeader("x-amzn-RequestId", "c6a3f1b2-0000-4000-8000-000000000001")
                  .build())
              .responseBody(AbortableInputStream.create(new ByteArrayInputStream(answer)))
              .build();
        }

        @Override
        public void abort() {}
      };
    }

    @Override
    public void close() {}

    static String md5(String s) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}

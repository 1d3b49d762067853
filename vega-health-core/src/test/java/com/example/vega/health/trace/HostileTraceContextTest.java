package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Table tests: hostile traceparent, tracestate and baggage values through every carrier (HTTP
 * headers, SQS attributes, the ECS environment) never throw; a bad traceparent restarts the
 * trace, bad tracestate is dropped, bad baggage is dropped and never plants a scan id.
 */
class HostileTraceContextTest {
  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN_ID = "00f067aa0ba902b7";
  static final String VALID = "00-" + TRACE_ID + "-" + SPAN_ID + "-01";

  /** The three carriers, each given the raw field values as its own transport would hold them. */
  enum Carrier {
    HTTP {
      @Override
      Context extract(String tp, String ts, String bg) {
        Map<String, List<String>> h = new HashMap<>();
        put(h, "Traceparent", tp);
        put(h, "Tracestate", ts);
        put(h, "Baggage", bg);
        return HttpCarrier.extract(h, Trust.TRUSTED);
      }
    },
    SQS {
      @Override
      Context extract(String tp, String ts, String bg) {
        Map<String, MessageAttributeValue> a = new HashMap<>();
        attr(a, "traceparent", tp);
        attr(a, "tracestate", ts);
        attr(a, "baggage", bg);
        return SqsCarrier.extract(Message.builder().messageId("m-1").messageAttributes(a).build());
      }
    },
    ENV {
      @Override
      Context extract(String tp, String ts, String bg) {
        Map<String, String> env = new HashMap<>();
        if (tp != null) env.put("TRACEPARENT", tp);
        if (ts != null) env.put("TRACESTATE", ts);
        if (bg != null) env.put("BAGGAGE", bg);
        return EcsCarrier.extract(env);
      }
    };

    abstract Context extract(String tp, String ts, String bg);

    private static void put(Map<String, List<String>> h, String k, String v) {
      if (v != null) {
        h.put(k, List.of(v));
      }
    }

    private static void attr(Map<String, MessageAttributeValue> a, String k, String v) {
      if (v != null) {
        a.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build());
      }
    }
  }

  static List<Arguments> hostileTraceparents() {
    List<Arguments> rows = new ArrayList<>();
    rows.add(Arguments.of("empty", ""));
    rows.add(Arguments.of("garbage", "hello"));
    rows.add(Arguments.of("one short", VALID.substring(0, 54)));
    rows.add(Arguments.of("one long for version 00", VALID + "0"));
    rows.add(Arguments.of("version 00 with a suffix", VALID + "-extra"));
    rows.add(Arguments.of("uppercase hex", VALID.toUpperCase()));
    rows.add(Arguments.of("bad hex in trace id", "00-4bf92f3577b34da6a3ce929d0e0e473g-" + SPAN_ID + "-01"));
    rows.add(Arguments.of("bad hex in flags", "00-" + TRACE_ID + "-" + SPAN_ID + "-0x"));
    rows.add(Arguments.of("all-zero trace id", "00-" + "0".repeat(32) + "-" + SPAN_ID + "-01"));
    rows.add(Arguments.of("all-zero span id", "00-" + TRACE_ID + "-" + "0".repeat(16) + "-01"));
    rows.add(Arguments.of("all-zero everything", "00-" + "0".repeat(32) + "-" + "0".repeat(16) + "-00"));
    rows.add(Arguments.of("forbidden version ff", "ff-" + TRACE_ID + "-" + SPAN_ID + "-01"));
    rows.add(Arguments.of("wrong separators", "00_" + TRACE_ID + "_" + SPAN_ID + "_01"));
    rows.add(Arguments.of("leading space", " " + VALID.substring(1)));
    rows.add(Arguments.of("newline header injection", VALID.substring(0, 54) + "\n"));
    rows.add(Arguments.of("NUL byte", VALID.substring(0, 20) + "\0" + VALID.substring(21)));
    rows.add(Arguments.of("non-ASCII digit", VALID.substring(0, 10) + "\u0663" + VALID.substring(11)));
    rows.add(Arguments.of("future version, control char suffix", "01-" + TRACE_ID + "-" + SPAN_ID + "-01-\u0007"));
    rows.add(Arguments.of("future version, 10k suffix", "01-" + TRACE_ID + "-" + SPAN_ID + "-01-" + "a".repeat(10_000)));
    rows.add(Arguments.of("1 MB of hex", "a".repeat(1 << 20)));
    rows.add(Arguments.of("two traceparents joined", VALID + "," + VALID));
    rows.add(Arguments.of("only dashes", "-".repeat(55)));
    rows.add(Arguments.of("surrogate pair", VALID.substring(0, 53) + "\uD83D\uDE00"));
    return rows;
  }

  static Stream<Arguments> hostileTraceparentsPerCarrier() {
    return perCarrier(hostileTraceparents());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("hostileTraceparentsPerCarrier")
  void hostileTraceparentRestartsTheTraceWithoutThrowing(Carrier carrier, String name, String value) {
    Context ctx = carrier.extract(value, "vendor=abc", "vega.scan.id=scan-1");

    assertThat(Span.fromContext(ctx).getSpanContext().isValid()).as(name).isFalse();
    TestTelemetry t = new TestTelemetry();
    Span child = t.tracing.tracer().spanBuilder("after").setParent(ctx).startSpan();
    child.end();
    assertThat(t.finished().get(0).getParentSpanContext().isValid()).as("restarted: a root span").isFalse();
    assertThat(t.finished().get(0).getTraceId()).isNotEqualTo(TRACE_ID);
  }

  static List<Arguments> hostileTracestates() {
    List<Arguments> rows = new ArrayList<>();
    rows.add(Arguments.of("10k characters", "a=" + "b".repeat(10_000)));
    rows.add(Arguments.of("thousands of members", members("k%d=v", 5_000)));
    rows.add(Arguments.of("33 members", members("k%d=v", 33)));
    rows.add(Arguments.of("control characters", "a=b\u0001,c=d"));
    rows.add(Arguments.of("CRLF", "a=b\r\nSet-Cookie: x=y"));
    rows.add(Arguments.of("non-ASCII", "a=\u00e9"));
    rows.add(Arguments.of("no equals", "justtext"));
    rows.add(Arguments.of("uppercase key", "ABC=def"));
    rows.add(Arguments.of("empty members", ",,,,,"));
    return rows;
  }

  static Stream<Arguments> hostileTracestatesPerCarrier() {
    return perCarrier(hostileTracestates());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("hostileTracestatesPerCarrier")
  void hostileTracestateIsDroppedAndTheParentKept(Carrier carrier, String name, String value) {
    Context ctx = carrier.extract(VALID, value, null);

    SpanContext parent = Span.fromContext(ctx).getSpanContext();
    assertThat(parent.isValid()).as("W3C: a bad tracestate does not invalidate traceparent").isTrue();
    assertThat(parent.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(parent.getTraceState().size()).as(name).isZero();
  }

  static List<Arguments> hostileBaggage() {
    List<Arguments> rows = new ArrayList<>();
    rows.add(Arguments.of("100 KB", "vega.scan.id=scan-9,k=" + "v".repeat(100_000)));
    rows.add(Arguments.of("thousands of members", "vega.scan.id=scan-9," + members("k%d=v", 5_000)));
    rows.add(Arguments.of("65 members", "vega.scan.id=scan-9," + members("k%d=v", 64)));
    rows.add(Arguments.of("control characters", "vega.scan.id=scan-9,k=v\u0000"));
    rows.add(Arguments.of("CRLF header injection", "vega.scan.id=scan-9\r\nX-Evil: 1"));
    rows.add(Arguments.of("non-ASCII", "vega.scan.id=scan-9,k=\u00e9"));
    return rows;
  }

  static Stream<Arguments> hostileBaggagePerCarrier() {
    return perCarrier(hostileBaggage());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("hostileBaggagePerCarrier")
  void hostileBaggageIsDroppedWhole(Carrier carrier, String name, String value) {
    Context ctx = carrier.extract(VALID, null, value);

    assertThat(Baggage.fromContext(ctx).isEmpty()).as(name).isTrue();
    assertThat(Span.fromContext(ctx).getSpanContext().getTraceId()).isEqualTo(TRACE_ID);
  }

  static List<Arguments> plantedScanIds() {
    List<Arguments> rows = new ArrayList<>();
    rows.add(Arguments.of("markup", "vega.scan.id=%3Cscript%3E"));
    rows.add(Arguments.of("spaces", "vega.scan.id=a%20b"));
    rows.add(Arguments.of("too long", "vega.scan.id=" + "a".repeat(129)));
    rows.add(Arguments.of("empty", "vega.scan.id="));
    rows.add(Arguments.of("bad percent-encoding", "vega.scan.id=%zz"));
    rows.add(Arguments.of("no value", "vega.scan.id"));
    rows.add(Arguments.of("only separators", ",;=,;="));
    return rows;
  }

  static Stream<Arguments> plantedScanIdsPerCarrier() {
    return perCarrier(plantedScanIds());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("plantedScanIdsPerCarrier")
  void malformedScanIdInBaggageIsNeverAccepted(Carrier carrier, String name, String value) {
    Context ctx = carrier.extract(VALID, null, value);

    assertThat(ScanContext.scanId(ctx)).as(name).isEmpty();
    assertThat(Baggage.fromContext(ctx).getEntryValue(ScanContext.SCAN_ID)).isNull();
  }

  static Stream<Arguments> credentialBaggagePerCarrier() {
    return perCarrier(List.of(
        Arguments.of("token key", "vega.scan.id=scan-9,token=abc123"),
        Arguments.of("password key", "vega.scan.id=scan-9,db_password=hunter2"),
        Arguments.of("secret key", "vega.scan.id=scan-9,clientSecret=xyz"),
        Arguments.of("authorization key", "vega.scan.id=scan-9,Authorization=abc"),
        Arguments.of("bearer value", "vega.scan.id=scan-9,k=Bearer%20abc.def"),
        Arguments.of("JWT value", "vega.scan.id=scan-9,k=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig")));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("credentialBaggagePerCarrier")
  void credentialLikeBaggageIsStrippedOnTheWayIn(Carrier carrier, String name, String value) {
    Context ctx = carrier.extract(VALID, null, value);

    Baggage b = Baggage.fromContext(ctx);
    assertThat(b.size()).as(name).isEqualTo(1);
    assertThat(b.getEntryValue(ScanContext.SCAN_ID)).isEqualTo("scan-9");
  }

  @ParameterizedTest
  @MethodSource("carriers")
  void validContextRoundTripsThroughEveryCarrier(Carrier carrier) {
    Context ctx = carrier.extract(VALID, "vendor=abc", "vega.scan.id=scan-1,other=x");

    SpanContext parent = Span.fromContext(ctx).getSpanContext();
    assertThat(parent.isRemote()).isTrue();
    assertThat(parent.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(parent.getSpanId()).isEqualTo(SPAN_ID);
    assertThat(parent.getTraceState().get("vendor")).isEqualTo("abc");
    assertThat(ScanContext.scanId(ctx)).contains("scan-1");
  }

  static Stream<Carrier> carriers() {
    return Stream.of(Carrier.values());
  }

  private static Stream<Arguments> perCarrier(List<Arguments> rows) {
    return Stream.of(Carrier.values()).flatMap(c -> rows.stream().map(r -> {
      Object[] a = r.get();
      return Arguments.of(c, a[0], a[1]);
    }));
  }

  private static String members(String format, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(String.format(format, i));
    }
    return sb.toString();
  }
}

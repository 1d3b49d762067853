package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.example.vega.health.testing.Fuzz;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Seeded random trace context through every carrier, on top of {@link HostileTraceContextTest}'s
 * fixed table: per carrier, random traceparent values (well-formed with random ids, a valid one
 * with small edits, random UTF-16 or bytes, oversized), random tracestate and baggage (up to 200
 * members, bad percent-encoding, credential-like entries, 100 KB), and, per transport, random
 * shapes (repeated or oddly cased headers, binary or empty SQS attributes). Properties, against
 * an oracle written from the W3C grammar rather than from the module's screening: nothing
 * throws; a traceparent that is not {@code <2 hex>-<32 hex>-<16 hex>-<2 hex>} with non-zero ids
 * restarts the trace, a version-00 one continues with exactly its ids; baggage that is kept came
 * from printable ASCII within W3C's limits and never carries a credential or a malformed scan id.
 * Defaults: seed 8, 2,000 cases per carrier; override with {@code -Dvega.fuzz.seed} and
 * {@code -Dvega.fuzz.cases}.
 */
class CarrierFuzzTest {
  private static final Fuzz FUZZ = Fuzz.of("CarrierFuzzTest", 8L, 2_000);
  private static final Pattern W3C_SHAPE = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-.*)?", Pattern.DOTALL);
  private static final Pattern VERSION_00 = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
  private static final Pattern CREDENTIAL = Pattern.compile("(?i).*(token|password|secret|authorization).*");

  static String hex(SplittableRandom r, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append("0123456789abcdef".charAt(r.nextInt(16)));
    }
    return sb.toString();
  }

  static String traceparent(SplittableRandom r) {
    String valid = "00-" + hex(r, 32) + "-" + hex(r, 16) + "-" + hex(r, 2);
    return switch (r.nextInt(6)) {
      case 0, 1 -> valid;
      case 2 -> Fuzz.mutate(r, valid);
      case 3 -> hex(r, 2) + "-" + hex(r, 32) + "-" + hex(r, 16) + "-" + hex(r, 2) + (r.nextBoolean() ? "" : "-" + Fuzz.hostile(r));
      case 4 -> Fuzz.pick(r, "00-" + "0".repeat(32) + "-" + hex(r, 16) + "-01", "00-" + hex(r, 32) + "-" + "0".repeat(16) + "-01",
          valid.toUpperCase(Locale.ROOT), valid + valid);
      default -> Fuzz.hostile(r);
    };
  }

  static String members(SplittableRandom r) {
    int n = r.nextInt(200);
    List<String> m = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String key = Fuzz.pick(r, "k" + i, "vega.scan.id", "db_password", "apiToken", "Authorization", Fuzz.hostile(r));
      String value = Fuzz.pick(r, "v", "scan-" + hex(r, 8), "%zz", "%4", "a%20b", "Bearer%20x", "\u00e9", Fuzz.hostile(r));
      m.add(key + (r.nextInt(10) == 0 ? "" : "=") + value + (r.nextInt(8) == 0 ? ";prop=1" : ""));
    }
    return String.join(Fuzz.pick(r, ",", ", ", ",,"), m);
  }

  static String field(SplittableRandom r) {
    return switch (r.nextInt(5)) {
      case 0 -> null;
      case 1 -> "vega.scan.id=scan-" + hex(r, 6) + ",k=v";
      case 2 -> Fuzz.hostile(r);
      default -> members(r);
    };
  }

  @ParameterizedTest
  @EnumSource(HostileTraceContextTest.Carrier.class)
  void randomContextNeverThrowsAndContinuesOnlyAWellFormedParent(HostileTraceContextTest.Carrier carrier) {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> FUZZ.forEachCase(i -> {
      SplittableRandom r = FUZZ.random(i);
      String tp = traceparent(r);
      String ts = field(r);
      String bg = field(r);
      Context ctx = carrier.extract(tp, ts, bg);
      assertContextFollowsTheGrammar(tp, bg, ctx);
    }));
  }

  /** Per transport: repeated and oddly cased headers; binary, numeric or empty SQS attributes. */
  @Test
  void randomTransportShapesNeverThrowAndNeverContinueAnAmbiguousParent() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> FUZZ.forEachCase(i -> {
      SplittableRandom r = FUZZ.random(i);
      Map<String, List<String>> headers = new HashMap<>();
      int copies = r.nextInt(4);
      List<String> tps = new ArrayList<>();
      for (int c = 0; c < copies; c++) {
        tps.add(traceparent(r));
      }
      headers.put(Fuzz.pick(r, "traceparent", "Traceparent", "TRACEPARENT", "trace-parent"), tps);
      headers.put(Fuzz.pick(r, "baggage", "Baggage"), r.nextBoolean() ? List.of() : List.of(members(r), members(r)));
      Context http = HttpCarrier.extract(headers, Fuzz.pick(r, Trust.values()));
      if (tps.size() != 1) {
        assertThat(Span.fromContext(http).getSpanContext().isValid()).as("%d traceparent headers", tps.size()).isFalse();
      }

      Map<String, MessageAttributeValue> attrs = new HashMap<>();
      String tp = traceparent(r);
      attrs.put("traceparent", switch (r.nextInt(4)) {
        case 0 -> MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromUtf8String(tp)).build();
        case 1 -> MessageAttributeValue.builder().dataType("Number").stringValue(tp).build();
        case 2 -> MessageAttributeValue.builder().build();
        default -> MessageAttributeValue.builder().dataType("String").stringValue(tp).build();
      });
      Context sqs = SqsCarrier.extract(Message.builder().messageId(Fuzz.hostile(r)).messageAttributes(attrs).build());
      String asString = attrs.get("traceparent").stringValue();
      assertContextFollowsTheGrammar(asString == null ? "" : asString, null, sqs);
    }));
  }

  private static void assertContextFollowsTheGrammar(String tp, String bg, Context ctx) {
    SpanContext parent = Span.fromContext(ctx).getSpanContext();
    var shape = W3C_SHAPE.matcher(tp);
    boolean wellFormed = shape.matches() && !shape.group(1).matches("0+") && !shape.group(2).matches("0+")
        && !tp.startsWith("ff");
    if (!wellFormed) {
      assertThat(parent.isValid()).as("restarts on %s", tp).isFalse();
    } else if (VERSION_00.matcher(tp).matches()) {
      assertThat(parent.isValid()).as("continues %s", tp).isTrue();
    }
    if (parent.isValid()) {
      assertThat(parent.getTraceId()).isEqualTo(shape.group(1));
      assertThat(parent.getSpanId()).isEqualTo(shape.group(2));
      assertThat(parent.isRemote()).isTrue();
      assertThat(parent.getTraceState().size()).isLessThanOrEqualTo(32);
    }
    Baggage baggage = Baggage.fromContext(ctx);
    if (!baggage.isEmpty()) {
      assertThat(bg).isNotNull().hasSizeLessThanOrEqualTo(8192).matches("[\\t\\x20-\\x7e]*");
      assertThat(baggage.size()).isLessThanOrEqualTo(64);
      baggage.forEach((k, e) -> {
        assertThat(k).doesNotMatch(CREDENTIAL);
        assertThat(e.getValue()).doesNotStartWith("Bearer ");
        if (k.equals(ScanContext.SCAN_ID)) {
          assertThat(e.getValue()).matches("[A-Za-z0-9._:-]{1,128}");
        }
      });
    }
  }
}

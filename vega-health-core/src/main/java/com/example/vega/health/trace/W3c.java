package com.example.vega.health.trace;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageBuilder;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.lang.System.Logger.Level;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The one place that turns the three W3C fields into a {@link Context} and back, for every
 * carrier. Inbound values are screened for what the OpenTelemetry propagators do not check
 * (length caps, printable characters, member counts, percent-escapes, credential-like baggage), so
 * hostile input costs a bounded amount of work; the W3C syntax itself is the propagators' to
 * validate. A bad traceparent restarts the trace; any exception that escapes is swallowed for the
 * same outcome.
 */
final class W3c {
  static final String TRACEPARENT = "traceparent";
  static final String TRACESTATE = "tracestate";
  static final String BAGGAGE = "baggage";
  static final List<String> FIELDS = List.of(TRACEPARENT, TRACESTATE, BAGGAGE);

  /** W3C trace context: vendors must propagate 512 characters and 32 members; we keep no more. */
  static final int MAX_TRACESTATE_LENGTH = 512;
  static final int MAX_TRACESTATE_MEMBERS = 32;
  /** W3C baggage: 8192 bytes and 64 members are the limits a platform must support. */
  static final int MAX_BAGGAGE_LENGTH = 8192;
  static final int MAX_BAGGAGE_MEMBERS = 64;
  /** Version 00 is 55 characters; future versions may append fields, but not without bound. */
  private static final int MAX_TRACEPARENT_LENGTH = 256;

  private static final System.Logger LOG = System.getLogger(W3c.class.getName());
  private static final TextMapPropagator TRACE = W3CTraceContextPropagator.getInstance();
  private static final TextMapPropagator BAGGAGE_PROPAGATOR = W3CBaggagePropagator.getInstance();

  /** The three rendered fields; null where the context has nothing to say. */
  record Fields(@Nullable String traceparent, @Nullable String tracestate, @Nullable String baggage) {
    static final Fields EMPTY = new Fields(null, null, null);

    @Nullable String get(String field) {
      switch (field) {
        case TRACEPARENT:
          return traceparent;
        case TRACESTATE:
          return tracestate;
        case BAGGAGE:
          return baggage;
        default:
          return null;
      }
    }
  }

  private static final TextMapGetter<Fields> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Fields carrier) {
      return FIELDS;
    }

    @Override
    public @Nullable String get(@Nullable Fields carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private static final TextMapSetter<String[]> SETTER = (carrier, key, value) -> {
    if (carrier == null) {
      return;
    }
    switch (key) {
      case TRACEPARENT:
        carrier[0] = value;
        break;
      case TRACESTATE:
        carrier[1] = value;
        break;
      case BAGGAGE:
        carrier[2] = value;
        break;
      default:
        break;
    }
  };

  private W3c() {}

  /**
   * {@code base} plus the remote parent and baggage in {@code in}. A field that fails screening is
   * ignored: a bad traceparent restarts the trace (the result has no remote parent), a bad
   * tracestate is dropped while the parent is kept (as W3C requires), bad baggage is dropped whole.
   */
  static Context extract(Context base, Fields in) {
    try {
      String traceparent = validTraceparent(in.traceparent()) ? in.traceparent() : null;
      String tracestate = validTracestate(in.tracestate()) ? in.tracestate() : null;
      String baggage = validBaggage(in.baggage()) ? in.baggage() : null;
      Context ctx = base;
      if (traceparent != null) {
        ctx = TRACE.extract(ctx, new Fields(traceparent, tracestate, null), GETTER);
      }
      if (baggage != null) {
        ctx = BAGGAGE_PROPAGATOR.extract(ctx, new Fields(null, null, baggage), GETTER);
        ctx = screenBaggage(ctx);
      }
      return ctx;
    } catch (RuntimeException e) {
      // The propagators are written not to throw; if one ever does, the trace restarts.
      LOG.log(Level.DEBUG, "ignoring unparseable trace context: {0}", e.getClass().getName());
      return base;
    }
  }

  /** The fields for {@code ctx}, with credential-like baggage removed. Never throws. */
  static Fields render(Context ctx) {
    try {
      String[] out = new String[3];
      TRACE.inject(ctx, out, SETTER);
      Baggage baggage = Baggage.fromContext(ctx);
      if (!baggage.isEmpty()) {
        Baggage safe = safeBaggage(baggage);
        if (!safe.isEmpty()) {
          BAGGAGE_PROPAGATOR.inject(safe == baggage ? ctx : safe.storeInContext(Context.root()), out, SETTER);
        }
      }
      if (out[0] == null && out[2] == null) {
        return Fields.EMPTY;
      }
      return new Fields(out[0], out[1], out[2]);
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "could not render trace context: {0}", e.getClass().getName());
      return Fields.EMPTY;
    }
  }

  /** Baggage reduced to the scan id alone: the one entry worth keeping when space runs out. */
  static @Nullable String scanIdOnlyBaggage(Context ctx) {
    String id = Baggage.fromContext(ctx).getEntryValue(ScanContext.SCAN_ID);
    if (id == null || !ScanContext.isValidScanId(id)) {
      return null;
    }
    // Scan ids are restricted to characters that need no percent-encoding.
    return ScanContext.SCAN_ID + "=" + id;
  }

  private static Context screenBaggage(Context ctx) {
    Baggage baggage = Baggage.fromContext(ctx);
    Baggage safe = safeBaggage(baggage);
    return safe == baggage ? ctx : safe.storeInContext(ctx);
  }

  /** Removes credential-like entries and a malformed scan id; returns the same instance if clean. */
  private static Baggage safeBaggage(Baggage baggage) {
    boolean[] dirty = {false};
    baggage.forEach((k, e) -> {
      if (!keep(k, e.getValue())) {
        dirty[0] = true;
      }
    });
    if (!dirty[0]) {
      return baggage;
    }
    BaggageBuilder b = Baggage.builder();
    baggage.forEach((k, e) -> {
      if (keep(k, e.getValue())) {
        b.put(k, e.getValue(), e.getMetadata());
      }
    });
    return b.build();
  }

  private static boolean keep(String key, String value) {
    if (ScanContext.SCAN_ID.equals(key)) {
      return ScanContext.isValidScanId(value);
    }
    return !ScanContext.isSensitive(key, value);
  }

  /**
   * Bounded and printable. Its syntax (version, lower-case hex, ids not all zero, flags) is the
   * propagator's to check: {@link W3CTraceContextPropagator} returns no parent for anything else.
   */
  static boolean validTraceparent(@Nullable String s) {
    return s != null && s.length() <= MAX_TRACEPARENT_LENGTH && printable(s, 0, s.length());
  }

  static boolean validTracestate(@Nullable String s) {
    return s != null && !s.isEmpty() && s.length() <= MAX_TRACESTATE_LENGTH
        && printable(s, 0, s.length()) && count(s, ',') < MAX_TRACESTATE_MEMBERS;
  }

  static boolean validBaggage(@Nullable String s) {
    return s != null && !s.isEmpty() && s.length() <= MAX_BAGGAGE_LENGTH
        && printable(s, 0, s.length()) && count(s, ',') < MAX_BAGGAGE_MEMBERS && percentEncoded(s);
  }

  /**
   * Every '%' starts a two-digit escape. Checked here because the OpenTelemetry parser logs a
   * stack trace per bad escape, which would let any caller fill our logs.
   */
  private static boolean percentEncoded(String s) {
    for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
      if (i + 2 >= s.length() || !anyHex(s.charAt(i + 1)) || !anyHex(s.charAt(i + 2))) {
        return false;
      }
    }
    return true;
  }

  private static boolean anyHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** Visible ASCII, space and tab only: no control characters, no non-ASCII. */
  static boolean printable(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t') || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static int count(String s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        n++;
      }
    }
    return n;
  }
}

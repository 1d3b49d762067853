package com.example.vega.health.trace;

import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * W3C {@code traceparent}, {@code tracestate} and {@code baggage} HTTP headers.
 *
 * <pre>{@code
 * // client (runner -> llm-proxy)
 * HttpRequest.Builder req = HttpRequest.newBuilder(uri);
 * HttpCarrier.inject(Context.current(), req::setHeader);
 *
 * // server (llm-proxy), com.sun.net.httpserver or any Map<String, List<String>>
 * Context parent = HttpCarrier.extract(exchange.getRequestHeaders(), Trust.TRUSTED);
 * }</pre>
 *
 * <p>Only these three headers are ever written or read: an {@code Authorization} header is never
 * touched, and credential-like baggage entries are removed in both directions.
 */
public final class HttpCarrier {
  private HttpCarrier() {}

  /** Writes the three headers for {@code context} (nothing when it holds no valid span). */
  public static void inject(Context context, BiConsumer<String, String> header) {
    W3c.Fields f = W3c.render(context);
    if (f.traceparent() != null) {
      header.accept(W3c.TRACEPARENT, f.traceparent());
      if (f.tracestate() != null) {
        header.accept(W3c.TRACESTATE, f.tracestate());
      }
    }
    if (f.baggage() != null) {
      header.accept(W3c.BAGGAGE, f.baggage());
    }
  }

  /**
   * The caller's context on top of {@link Context#root()}. From an {@link Trust#UNTRUSTED} caller
   * nothing is taken: the trace restarts here and inbound baggage is dropped.
   *
   * @param header the single value of a header by lower-case name, or null
   */
  public static Context extract(Function<String, @Nullable String> header, Trust trust) {
    if (trust != Trust.TRUSTED) {
      return Context.root();
    }
    try {
      return W3c.extract(Context.root(), new W3c.Fields(
          header.apply(W3c.TRACEPARENT), header.apply(W3c.TRACESTATE), header.apply(W3c.BAGGAGE)));
    } catch (RuntimeException e) {
      // A caller-supplied header function failed: restart rather than fail the request.
      return Context.root();
    }
  }

  /**
   * {@link #extract(Function, Trust)} over a multi-valued header map with any key case (the JDK
   * server's {@code Headers}, servlet header maps, {@code HttpHeaders.map()}). Two traceparent
   * headers are invalid and restart the trace; repeated tracestate or baggage headers are joined.
   */
  public static Context extract(Map<String, List<String>> headers, Trust trust) {
    if (trust != Trust.TRUSTED) {
      return Context.root();
    }
    try {
      List<String> tp = values(headers, W3c.TRACEPARENT);
      return W3c.extract(Context.root(), new W3c.Fields(
          tp != null && tp.size() == 1 ? tp.get(0) : null,
          joined(values(headers, W3c.TRACESTATE)),
          joined(values(headers, W3c.BAGGAGE))));
    } catch (RuntimeException e) {
      return Context.root();
    }
  }

  private static @Nullable List<String> values(Map<String, List<String>> headers, String name) {
    List<String> v = headers.get(name);
    if (v != null) {
      return v;
    }
    // JDK Headers normalise to "Traceparent"; other maps keep whatever the client sent.
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static @Nullable String joined(@Nullable List<String> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() == 1) {
      return values.get(0);
    }
    if (values.size() > W3c.MAX_BAGGAGE_MEMBERS) {
      return null;
    }
    return String.join(",", values);
  }
}

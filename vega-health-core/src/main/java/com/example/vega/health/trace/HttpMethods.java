package com.example.vega.health.trace;

import io.opentelemetry.semconv.HttpAttributes.HttpRequestMethodValues;
import java.util.Locale;
import java.util.Set;

/**
 * {@code http.request.method} as the HTTP conventions want it: one of the known methods, or
 * {@code _OTHER} (span names then say {@code HTTP}), so a client cannot mint span names.
 */
final class HttpMethods {
  static final String OTHER = HttpRequestMethodValues.OTHER;
  private static final Set<String> KNOWN = Set.of(
      HttpRequestMethodValues.GET, HttpRequestMethodValues.HEAD, HttpRequestMethodValues.POST,
      HttpRequestMethodValues.PUT, HttpRequestMethodValues.DELETE, HttpRequestMethodValues.CONNECT,
      HttpRequestMethodValues.OPTIONS, HttpRequestMethodValues.TRACE, HttpRequestMethodValues.PATCH);
  private static final int MAX_ORIGINAL = 32;

  private HttpMethods() {}

  /** The method if known (upper-cased), else {@code _OTHER}. */
  static String known(String method) {
    String m = method.toUpperCase(Locale.ROOT);
    return KNOWN.contains(m) ? m : OTHER;
  }

  /** The method as sent, cut to a bounded length for {@code http.request.method_original}. */
  static String original(String method) {
    return method.length() <= MAX_ORIGINAL ? method : method.substring(0, MAX_ORIGINAL);
  }
}

package com.example.vega.health.internal;

/**
 * A small JSON writer that always produces valid, bounded output: every string is escaped (quotes,
 * backslashes, control characters, lone surrogates, U+2028/2029) and cut at a maximum length.
 * Core has no JSON library on purpose; this is the one place JSON is written. It earns its place
 * by measurement (docs/benchmarks.md section 1: a cold health+json render takes 0.65-0.87 of
 * jackson-core's streaming generator's time for the same document) and by the bounds and escapes
 * above, which jackson-core does not apply by default. Not API: may change without notice.
 */
public final class Json {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private final StringBuilder sb;
  private boolean needComma;

  public Json(int capacity) {
    sb = new StringBuilder(capacity);
  }

  public Json beginObject() {
    return open('{');
  }

  public Json endObject() {
    return close('}');
  }

  public Json beginArray() {
    return open('[');
  }

  public Json endArray() {
    return close(']');
  }

  private Json open(char bracket) {
    comma();
    sb.append(bracket);
    needComma = false;
    return this;
  }

  private Json close(char bracket) {
    sb.append(bracket);
    needComma = true;
    return this;
  }

  public Json name(String name) {
    comma();
    string(name, Integer.MAX_VALUE);
    sb.append(':');
    needComma = false;
    return this;
  }

  /** The name {@code first + separator + second}, without building it as a string first. */
  public Json name(String first, char separator, String second) {
    comma();
    sb.append('"');
    escaped(first, Integer.MAX_VALUE);
    sb.append(separator);
    escaped(second, Integer.MAX_VALUE);
    sb.append("\":");
    needComma = false;
    return this;
  }

  /** Text that is already valid JSON (a fragment this writer produced earlier). */
  public Json raw(String json) {
    if (!json.isEmpty()) {
      comma();
      sb.append(json);
      needComma = true;
    }
    return this;
  }

  public Json value(String value, int maxChars) {
    comma();
    string(value, maxChars);
    needComma = true;
    return this;
  }

  public Json value(long value) {
    comma();
    sb.append(value);
    needComma = true;
    return this;
  }

  public Json value(boolean value) {
    comma();
    sb.append(value);
    needComma = true;
    return this;
  }

  /** A number, a boolean, or anything else as a bounded string. NaN and infinities become strings. */
  public Json value(Object value, int maxChars) {
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return value(((Number) value).longValue());
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isFinite(d)) {
        comma();
        sb.append(d);
        needComma = true;
        return this;
      }
    }
    if (value instanceof Boolean b) {
      return value(b.booleanValue());
    }
    if (value instanceof java.math.BigDecimal || value instanceof java.math.BigInteger) {
      comma();
      sb.append(value);
      needComma = true;
      return this;
    }
    return value(String.valueOf(value), maxChars);
  }

  public Json field(String name, String value, int maxChars) {
    return name(name).value(value, maxChars);
  }

  public Json field(String name, long value) {
    return name(name).value(value);
  }

  @Override
  public String toString() {
    return sb.toString();
  }

  private void comma() {
    if (needComma) {
      sb.append(',');
    }
  }

  private void string(String s, int maxChars) {
    sb.append('"');
    escaped(s, maxChars);
    sb.append('"');
  }

  private void escaped(String s, int maxChars) {
    int n = s.length();
    int limit = Math.min(n, maxChars);
    int clean = 0;
    while (clean < limit && plain(s.charAt(clean))) {
      clean++;
    }
    if (clean == n) {
      sb.append(s); // most strings need no escaping: one array copy
      return;
    }
    // Copy runs of plain characters in one append each; escape what lies between them.
    int run = 0;
    for (int i = clean; i < limit; i++) {
      char c = s.charAt(i);
      if (plain(c)) {
        continue;
      }
      if (run < i) {
        sb.append(s, run, i);
      }
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (Character.isHighSurrogate(c)) {
            if (i + 1 < limit && Character.isLowSurrogate(s.charAt(i + 1))) {
              sb.append(c).append(s.charAt(++i));
            } else {
              sb.append('\ufffd');
            }
          } else if (Character.isLowSurrogate(c)) {
            sb.append('\ufffd');
          } else {
            unicode(c); // control characters, DEL, U+2028, U+2029
          }
        }
      }
      run = i + 1;
    }
    if (run < limit) {
      sb.append(s, run, limit);
    }
    if (n > limit) {
      sb.append("...(").append(n - limit).append(" more chars)");
    }
  }

  private static boolean plain(char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'
        || c > 0x7f && c < Character.MIN_SURROGATE && c != '\u2028' && c != '\u2029';
  }

  private void unicode(char c) {
    sb.append("\\u00").append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    if (c > 0xff) {
      sb.setLength(sb.length() - 4);
      sb.append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }
  }
}

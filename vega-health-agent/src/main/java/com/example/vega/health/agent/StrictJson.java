package com.example.vega.health.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict, bounded JSON reader for what servers send the doctor. Objects become
 * {@code Map<String, Object>}, arrays {@code List<Object>}, numbers {@code Double}, plus
 * {@code String}, {@code Boolean} and {@link #NULL}. Anything malformed, too long, too deep or with
 * too many members throws {@link Malformed} with a short reason; nothing else is ever thrown, so
 * hostile input cannot crash the CLI.
 */
final class StrictJson {
  /** JSON null (maps do not hold Java null). */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  static final int MAX_CHARS = 1 << 20;
  static final int MAX_DEPTH = 32;
  static final int MAX_MEMBERS = 10_000;
  static final int MAX_STRING = 64 * 1024;

  /** Thrown for any input that is not small, well-formed JSON. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  private final String s;
  private int pos;
  private int members;

  private StrictJson(String s) {
    this.s = s;
  }

  static Object parse(String text) throws Malformed {
    if (text == null) {
      throw new Malformed("no body");
    }
    if (text.length() > MAX_CHARS) {
      throw new Malformed("body larger than " + MAX_CHARS + " characters");
    }
    StrictJson p = new StrictJson(text);
    try {
      p.ws();
      Object v = p.value(0);
      p.ws();
      if (p.pos != text.length()) {
        throw p.error("unexpected text after the JSON value");
      }
      return v;
    } catch (StackOverflowError | IndexOutOfBoundsException | NumberFormatException e) {
      throw new Malformed("not valid JSON");
    }
  }

  /** Parses and requires a top-level object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parseObject(String text) throws Malformed {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new Malformed("expected a JSON object");
    }
    return (Map<String, Object>) v;
  }

  private Malformed error(String what) {
    return new Malformed(what + " at character " + pos);
  }

  private void ws() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        break;
      }
    }
  }

  private Object value(int depth) throws Malformed {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    if (pos >= s.length()) {
      throw error("unexpected end");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return NULL;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character");
    }
  }

  private void literal(String word) throws Malformed {
    if (!s.startsWith(word, pos)) {
      throw error("unexpected character");
    }
    pos += word.length();
  }

  private void count() throws Malformed {
    if (++members > MAX_MEMBERS) {
      throw error("more than " + MAX_MEMBERS + " values");
    }
  }

  private Map<String, Object> object(int depth) throws Malformed {
    pos++;
    Map<String, Object> m = new LinkedHashMap<>();
    ws();
    if (peek() == '}') {
      pos++;
      return m;
    }
    while (true) {
      ws();
      if (peek() != '"') {
        throw error("expected a member name");
      }
      String k = string();
      ws();
      if (peek() != ':') {
        throw error("expected ':'");
      }
      pos++;
      ws();
      count();
      m.put(k, value(depth + 1));
      ws();
      char c = peek();
      pos++;
      if (c == '}') {
        return m;
      }
      if (c != ',') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) throws Malformed {
    pos++;
    List<Object> l = new ArrayList<>();
    ws();
    if (peek() == ']') {
      pos++;
      return l;
    }
    while (true) {
      ws();
      count();
      l.add(value(depth + 1));
      ws();
      char c = peek();
      pos++;
      if (c == ']') {
        return l;
      }
      if (c != ',') {
        throw error("expected ',' or ']'");
      }
    }
  }

  private char peek() throws Malformed {
    if (pos >= s.length()) {
      throw error("unexpected end");
    }
    return s.charAt(pos);
  }

  private String string() throws Malformed {
    pos++; // opening quote
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = peek();
      pos++;
      if (c == '"') {
        return sb.toString();
      }
      if (sb.length() >= MAX_STRING) {
        throw error("string longer than " + MAX_STRING);
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = peek();
      pos++;
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (pos + 4 > s.length()) {
            throw error("bad \\u escape");
          }
          int cp = 0;
          for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos + i), 16);
            if (d < 0) {
              throw error("bad \\u escape");
            }
            cp = cp * 16 + d;
          }
          pos += 4;
          sb.append((char) cp);
        }
        default -> throw error("bad escape");
      }
    }
  }

  private Double number() throws Malformed {
    int start = pos;
    if (peekOr() == '-') {
      pos++;
    }
    if (!digit()) {
      throw error("bad number");
    }
    if (s.charAt(pos - 1) == '0' && Character.isDigit(peekOr())) {
      throw error("leading zero");
    }
    while (digit()) {
      // integer part
    }
    if (peekOr() == '.') {
      pos++;
      if (!digit()) {
        throw error("bad number");
      }
      while (digit()) {
        // fraction
      }
    }
    if (peekOr() == 'e' || peekOr() == 'E') {
      pos++;
      if (peekOr() == '+' || peekOr() == '-') {
        pos++;
      }
      if (!digit()) {
        throw error("bad number");
      }
      while (digit()) {
        // exponent
      }
    }
    if (pos - start > 64) {
      throw error("number too long");
    }
    return Double.valueOf(s.substring(start, pos));
  }

  private char peekOr() {
    return pos < s.length() ? s.charAt(pos) : '\0';
  }

  private boolean digit() {
    if (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      pos++;
      return true;
    }
    return false;
  }
}

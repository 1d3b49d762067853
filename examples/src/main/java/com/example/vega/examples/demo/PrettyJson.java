package com.example.vega.examples.demo;

/** Indents compact JSON for a terminal. Strings are copied as they are. */
final class PrettyJson {
  private PrettyJson() {}

  static String indent(String json) {
    StringBuilder b = new StringBuilder(json.length() * 2);
    int depth = 0;
    boolean inString = false;
    boolean escaped = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        b.append(c);
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      switch (c) {
        case '"' -> {
          inString = true;
          b.append(c);
        }
        case '{', '[' -> {
          b.append(c).append('\n');
          depth++;
          pad(b, depth);
        }
        case '}', ']' -> {
          b.append('\n');
          depth--;
          pad(b, depth);
          b.append(c);
        }
        case ',' -> {
          b.append(c).append('\n');
          pad(b, depth);
        }
        case ':' -> b.append(": ");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static void pad(StringBuilder b, int depth) {
    b.append("  ".repeat(Math.max(0, depth)));
  }
}

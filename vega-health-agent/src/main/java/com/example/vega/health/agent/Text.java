package com.example.vega.health.agent;

import org.jspecify.annotations.Nullable;

/** Text for logs and the terminal: one line, bounded. */
final class Text {
  private Text() {}

  static String oneLine(@Nullable String s) {
    if (s == null) {
      return "no details";
    }
    String one = s.replaceAll("[\\s\\p{Cntrl}]+", " ").trim();
    return one.length() > 300 ? one.substring(0, 300) + "..." : one;
  }
}

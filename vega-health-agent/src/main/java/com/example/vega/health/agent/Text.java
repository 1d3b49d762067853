package com.example.vega.health.agent;

import org.jspecify.annotations.Nullable;

/** Text for logs and the terminal: one line, bounded. Internal to the agent jar. */
public final class Text {
  private Text() {}

  public static String oneLine(@Nullable String s) {
    return oneLine(s, 300);
  }

  public static String oneLine(@Nullable String s, int max) {
    if (s == null) {
      return "no details";
    }
    String one = s.replaceAll("[\\s\\p{Cntrl}]+", " ").trim();
    return one.length() > max ? one.substring(0, max) + "..." : one;
  }
}

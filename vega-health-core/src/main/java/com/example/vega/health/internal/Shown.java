package com.example.vega.health.internal;

import org.jspecify.annotations.Nullable;

/**
 * How a message or a log line quotes a value that was rejected: the rule behind {@link
 * com.example.vega.health.VegaSettings#shown}, here so that the parsers of this package use it too.
 */
public final class Shown {
  private Shown() {}

  /** See {@link com.example.vega.health.VegaSettings#shown}. */
  public static String value(@Nullable String value) {
    if (value == null) {
      return "(not set)";
    }
    return showable(value) ? "'" + value + "'"
        : "(a " + value.length() + "-character value, not shown: it may be a secret)";
  }

  /** Whether {@link #value} repeats the value itself. */
  public static boolean showable(String value) {
    return value.length() <= 32 && value.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
        || c == '.' || c == '_' || c == ':' || c == '/' || c == '-');
  }
}

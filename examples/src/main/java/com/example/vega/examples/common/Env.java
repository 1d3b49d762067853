package com.example.vega.examples.common;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Reads a service's settings from its environment map, naming what is missing. */
public record Env(Map<String, String> map) {

  public String require(String key) {
    String v = map.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(key + " is not set");
    }
    return v.trim();
  }

  public String get(String key, String fallback) {
    String v = get(key);
    return v == null ? fallback : v;
  }

  /** The trimmed value, or null when the variable is unset or blank. */
  public @Nullable String get(String key) {
    String v = map.get(key);
    return v == null || v.isBlank() ? null : v.trim();
  }

  public int port(String key, int fallback) {
    String v = get(key, Integer.toString(fallback));
    try {
      int p = Integer.parseInt(v);
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a port number (0-65535), was '" + v + "'");
    }
  }
}

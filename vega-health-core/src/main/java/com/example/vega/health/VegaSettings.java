package com.example.vega.health;

import com.example.vega.health.internal.Shown;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where the {@code VEGA_*} settings come from. A function from key to value, so that
 * {@code k -> null} is a valid (empty) configuration in tests and any source (environment, Spring
 * properties, a map) can back it.
 */
@FunctionalInterface
public interface VegaSettings {

  /** The value of the setting, or null when it is not set. */
  @Nullable String get(String key);

  /** The value, with blank treated as not set. */
  default @Nullable String value(String key) {
    String v = get(key);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /**
   * How a message or a log line quotes a value that was rejected. A short value that looks like
   * what these settings hold (up to 32 characters: lower-case letters, digits, {@code . _ : / -})
   * is shown in quotes, so that a typo can be seen; anything else is described by its length only,
   * since it may be a secret pasted into the wrong setting (passwords, keys and tokens mix cases
   * and symbols).
   */
  static String shown(@Nullable String value) {
    return Shown.value(value);
  }

  /** Whether {@link #shown} repeats the value itself. */
  static boolean showable(String value) {
    return Shown.showable(value);
  }

  /** The process environment. */
  static VegaSettings environment() {
    return System::getenv;
  }

  static VegaSettings of(Map<String, String> map) {
    Map<String, String> copy = Map.copyOf(map);
    return copy::get;
  }

  /** This source, falling back to another for keys it does not set. */
  default VegaSettings orElse(VegaSettings fallback) {
    return k -> {
      String v = get(k);
      return v != null ? v : fallback.get(k);
    };
  }
}

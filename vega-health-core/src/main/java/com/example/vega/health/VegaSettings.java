package com.example.vega.health;

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

package com.example.vega.health;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One value a check observed, with its unit: {@code ("responseTime", 3, "ms")},
 * {@code ("visible", 12, "messages")}.
 *
 * @param name a short camelCase measurement name; it becomes the part after the colon in a
 *     health+json key
 * @param value a {@link Number}, {@link Boolean} or {@link String}
 * @param unit the unit, or null for a plain count or a string
 */
public record Observation(String name, Object value, @Nullable String unit) {

  public Observation {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.isBlank()) {
      throw new IllegalArgumentException("observation name must not be blank");
    }
    if (!(value instanceof Number || value instanceof Boolean || value instanceof String)) {
      throw new IllegalArgumentException(
          "observation '" + name + "' must be a Number, Boolean or String, not "
              + value.getClass().getName());
    }
  }

  public static Observation of(String name, Object value, @Nullable String unit) {
    return new Observation(name, value, unit);
  }

  public static Observation of(String name, Object value) {
    return new Observation(name, value, null);
  }
}

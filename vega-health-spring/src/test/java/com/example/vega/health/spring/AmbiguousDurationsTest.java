package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The keys whose raw values are read are every duration of {@link VegaHealthProperties}. */
class AmbiguousDurationsTest {

  @Test
  void everyDurationPropertyIsCovered() {
    List<String> durations = new ArrayList<>();
    collect(VegaHealthProperties.class, "vega.health", durations);
    List<String> covered = new ArrayList<>(AmbiguousDurations.KEYS);
    AmbiguousDurations.CHECK_KEYS.forEach(k -> covered.add("vega.health.checks.*." + k));
    assertThat(covered).containsExactlyInAnyOrderElementsOf(durations);
  }

  /** Duration fields by key, walking nested property classes and the value type of maps ({@code *}). */
  private static void collect(Class<?> type, String prefix, List<String> out) {
    for (Field f : type.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      String key = prefix + "." + f.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
      Class<?> t = f.getType();
      if (t == Duration.class) {
        out.add(key);
      } else if (Map.class.isAssignableFrom(t)) {
        Class<?> value = (Class<?>) ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[1];
        collect(value, key + ".*", out);
      } else if (t.getEnclosingClass() == VegaHealthProperties.class) {
        collect(t, key, out);
      }
    }
  }

  @Test
  void reasonGivesBothReadings() {
    assertThat(AmbiguousDurations.reason("15000", "15000"))
        .contains("4h10m as seconds", "15s as milliseconds", "15000ms or 15000s");
    assertThat(AmbiguousDurations.reason("99999999999999999999", "99999999999999999999"))
        .doesNotContain("as seconds").contains("write the unit");
  }
}

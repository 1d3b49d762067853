package com.example.vega.health.spring;

import com.example.vega.health.Setting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Refuses a {@code vega.health.*} duration written as a bare number of 1000 or more: it could be
 * read two ways. A bare number used to be milliseconds here (Spring Boot's default unit) and is
 * seconds now, so {@code interval=15000}, meant as 15 s, would silently become about 4 hours.
 * Below 1000 the two readings differ so much that a wrong one is refused elsewhere or is harmless
 * to guess as seconds (a check's {@code timeout=500} then exceeds its interval).
 *
 * <p>Reads the raw values as the binder sees them (every property source, relaxed names,
 * precedence), since the bound {@link Duration} no longer says whether a unit was written.
 */
final class AmbiguousDurations {

  /** Every {@code vega.health.*} duration outside the per-check map. */
  static final List<String> KEYS = List.of(
      "vega.health.start-spread", "vega.health.max-backoff", "vega.health.startup-deadline",
      "vega.health.server.request-timeout");

  /** The durations of each {@code vega.health.checks.<name>}. */
  static final List<String> CHECK_KEYS = List.of("interval", "timeout");

  /**
   * Core's own variables for three of the keys, which Boot also binds onto them: they take whole
   * seconds only wherever they are read (the agent, core), so a unit cannot be written there and
   * they have only ever had one meaning outside Spring.
   */
  private static final Map<String, Setting> VARIABLES = Map.of(
      "vega.health.start-spread", Setting.HEALTH_START_SPREAD,
      "vega.health.max-backoff", Setting.HEALTH_MAX_BACKOFF,
      "vega.health.startup-deadline", Setting.HEALTH_STARTUP_DEADLINE);

  private static final Pattern BARE = Pattern.compile("\\+?0*(\\d+)");

  private AmbiguousDurations() {}

  /**
   * @param checks the names bound under {@code vega.health.checks}
   * @throws InvalidConfigurationPropertyValueException naming the first ambiguous key
   */
  static void refuse(Environment environment, Set<String> checks) {
    Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources.get(environment);
    List<String> keys = new ArrayList<>(KEYS);
    for (String check : checks) {
      for (String k : CHECK_KEYS) {
        keys.add("vega.health.checks." + check + "." + k);
      }
    }
    for (String key : keys) {
      ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(key);
      ConfigurationProperty property = name == null ? null : find(sources, name);
      if (property == null) {
        continue;
      }
      String raw = String.valueOf(property.getValue()).trim();
      Matcher m = BARE.matcher(raw);
      if (m.matches() && m.group(1).length() >= 4 && !coreVariable(key, property, raw)) {
        throw new InvalidConfigurationPropertyValueException(key, raw, reason(raw, m.group(1)));
      }
    }
  }

  /** The value as the binder takes it: from the first source, in precedence order, that has it. */
  private static @Nullable ConfigurationProperty find(
      Iterable<ConfigurationPropertySource> sources, ConfigurationPropertyName name) {
    for (ConfigurationPropertySource source : sources) {
      ConfigurationProperty p = source.getConfigurationProperty(name);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  private static boolean coreVariable(String key, ConfigurationProperty property, String raw) {
    Setting setting = VARIABLES.get(key);
    ConfigurationPropertySource source = property.getSource();
    if (setting == null || source == null
        || !(source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource env)) {
      return false;
    }
    Object variable = env.getSource().get(setting.key());
    return variable != null && raw.equals(variable.toString().trim());
  }

  /** Both readings, so that the reader sees which one was meant; then how to write it. */
  static String reason(String raw, String digits) {
    String readings = "";
    if (digits.length() <= 15) { // beyond, seconds overflow what the monitor accepts anyway
      long n = Long.parseLong(digits);
      readings = " (" + shown(Duration.ofSeconds(n)) + " as seconds, how a bare number is read now, or "
          + shown(Duration.ofMillis(n)) + " as milliseconds, how it was read before)";
    }
    return "a bare number of 1000 or more could be read two ways" + readings
        + "; write the unit: " + raw + "ms or " + raw + "s";
  }

  /** {@code PT4H10M} as {@code 4h10m}. */
  private static String shown(Duration d) {
    return d.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}

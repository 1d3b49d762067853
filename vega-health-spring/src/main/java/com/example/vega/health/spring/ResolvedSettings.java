package com.example.vega.health.spring;

import com.example.vega.health.ServiceInfo;
import com.example.vega.health.checks.VegaRole;
import com.example.vega.health.VegaSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The effective settings: {@code vega.health.*} first, then the {@code VEGA_*} settings the
 * services already have, then defaults. Validated here once, so a malformed value stops startup
 * with a message naming the key it came from.
 *
 * @param role the role in lower case with dashes ({@code api}), or null when none is configured
 * @param environment e.g. {@code dev}
 * @param service the health+json identity
 * @param expectedMigrations for the postgres check
 */
record ResolvedSettings(
    @Nullable String role, String environment, ServiceInfo service, List<String> expectedMigrations) {

  /** The roles of DESIGN.md section 1, as they are written in properties. */
  static final List<String> ROLES = List.of("api", "worker", "runner", "llm-proxy", "maintenance");

  private static final Pattern ENVIRONMENT = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  ResolvedSettings {
    expectedMigrations = List.copyOf(expectedMigrations);
  }

  static ResolvedSettings resolve(
      VegaHealthProperties props, VegaSettings settings, @Nullable String applicationName) {
    String role = role(props, settings);
    String environment = environment(props, settings);
    VegaHealthProperties.Service s = props.getService();
    String id = firstNonBlank(s.getId(), applicationName, role == null ? null : VegaRole.of(role).serviceName());
    if (id == null) {
      id = "unknown-service";
    }
    String description = firstNonBlank(s.getDescription(), id);
    ServiceInfo service = new ServiceInfo(
        id, blankTo(s.getVersion(), "unknown"), blankTo(s.getRelease(), "unknown"),
        description == null ? id : description, environment);
    return new ResolvedSettings(role, environment, service, migrations(props, settings));
  }

  private static @Nullable String role(VegaHealthProperties props, VegaSettings settings) {
    String key = "vega.health.role";
    String raw = blankToNull(props.getRole());
    if (raw == null) {
      key = "VEGA_ROLE";
      raw = settings.value(key);
    }
    if (raw == null) {
      return null;
    }
    try {
      // One parser of role names: api, worker, vega-worker, vega-v16-runner, LLM_PROXY, ...
      return VegaRole.of(raw).hintName();
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationPropertyValueException(key, quoted(raw),
          "the role must be one of " + String.join(", ", ROLES));
    }
  }

  /** The rejected value as Boot's failure report quotes it: repeated only when it cannot be a secret. */
  private static String quoted(String raw) {
    return VegaSettings.showable(raw) ? raw : VegaSettings.shown(raw);
  }

  private static String environment(VegaHealthProperties props, VegaSettings settings) {
    String key = "vega.health.environment";
    String raw = blankToNull(props.getEnvironment());
    if (raw == null) {
      key = "VEGA_ENVIRONMENT";
      raw = settings.value(key);
    }
    if (raw == null) {
      return "dev";
    }
    if (!ENVIRONMENT.matcher(raw).matches()) {
      // It becomes part of log group and parameter names in hints, so it must be a plain name.
      throw new InvalidConfigurationPropertyValueException(key, quoted(raw),
          "the environment must be lower-case letters, digits and dashes, like dev or prod");
    }
    return raw;
  }

  private static List<String> migrations(VegaHealthProperties props, VegaSettings settings) {
    String key = "vega.health.postgres.expected-migrations";
    List<String> names = new ArrayList<>(props.getPostgres().getExpectedMigrations());
    if (names.isEmpty()) {
      key = "VEGA_EXPECTED_MIGRATION";
      String raw = settings.value(key);
      if (raw != null) {
        for (String part : raw.split(",")) {
          names.add(part.trim());
        }
      }
    }
    for (String n : names) {
      if (n == null || n.isBlank()) {
        throw new InvalidConfigurationPropertyValueException(key, String.join(",", names),
            "migration names must not be blank");
      }
    }
    return names;
  }

  private static @Nullable String firstNonBlank(@Nullable String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }

  private static @Nullable String blankToNull(@Nullable String v) {
    return v == null || v.isBlank() ? null : v;
  }

  private static String blankTo(@Nullable String v, String fallback) {
    return v == null || v.isBlank() ? fallback : v.trim();
  }
}

package com.example.vega.health.spring;

import com.example.vega.health.Caller;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Setting;
import com.example.vega.health.Validated;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.VegaRole;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The effective settings: {@code vega.health.*} first, then the {@code VEGA_*} settings the
 * services already have, then defaults. Validated here once, by the same rules as everywhere
 * ({@link Setting}), so a malformed value stops startup with a message naming the key it came
 * from; every malformed value is named at once.
 *
 * @param role the role in lower case with dashes ({@code api}), or null when none is configured
 * @param environment e.g. {@code dev}
 * @param service the health+json identity
 * @param expectedMigrations for the postgres check
 */
record ResolvedSettings(
    @Nullable String role, String environment, ServiceInfo service, List<String> expectedMigrations) {

  /** The Vega roles (VegaRole), as they are written in properties. */
  static final List<String> ROLES = List.of("api", "worker", "runner", "llm-proxy", "maintenance");

  ResolvedSettings {
    expectedMigrations = List.copyOf(expectedMigrations);
  }

  /** One setting as read: the key the value came from (a property, or its VEGA_* fallback) and the value. */
  private record Read(Setting setting, String key, @Nullable String raw, Validated<String> value) {
    static Read of(Setting setting, String property, @Nullable String propertyValue, VegaSettings settings) {
      boolean fromProperty = propertyValue != null && !propertyValue.isBlank();
      String key = fromProperty ? property : setting.key();
      String raw = fromProperty ? propertyValue : setting.raw(settings);
      return new Read(setting, key, raw, setting.validate(key, raw, ""));
    }
  }

  static ResolvedSettings resolve(
      VegaHealthProperties props, VegaSettings settings, @Nullable String applicationName) {
    Read role = Read.of(Setting.ROLE, "vega.health.role", props.getRole(), settings);
    Read environment = Read.of(Setting.ENVIRONMENT, "vega.health.environment", props.getEnvironment(), settings);
    List<String> listed = props.getPostgres().getExpectedMigrations();
    Read migrations = Read.of(Setting.EXPECTED_MIGRATION, "vega.health.postgres.expected-migrations",
        listed.isEmpty() ? null : String.join(",", listed), settings);
    Validated<?> all = role.value().and(environment.value()).and(migrations.value());
    if (!all.isValid()) {
      Read first = !role.value().isValid() ? role : !environment.value().isValid() ? environment : migrations;
      throw new InvalidConfigurationPropertyValueException(first.key(), quoted(first), all.messages());
    }
    String roleName = role.value().get() == null ? null : VegaRole.of(role.value().get()).hintName();
    String env = environment.value().orElse(Caller.UNKNOWN_ENVIRONMENT);
    VegaHealthProperties.Service s = props.getService();
    String id = firstNonBlank(s.getId(), applicationName, roleName == null ? null : VegaRole.of(roleName).serviceName());
    if (id == null) {
      id = "unknown-service";
    }
    String description = firstNonBlank(s.getDescription(), id);
    ServiceInfo service = new ServiceInfo(
        id, blankTo(s.getVersion(), "unknown"), blankTo(s.getRelease(), "unknown"),
        description == null ? id : description, env);
    List<String> names = Setting.EXPECTED_MIGRATION.validateList(migrations.key(), migrations.raw(), "")
        .orElse(List.of());
    return new ResolvedSettings(roleName, env, service, names);
  }

  /** The rejected value as Boot's failure report quotes it: repeated only when it cannot be a secret. */
  private static String quoted(Read r) {
    String raw = r.raw() == null ? "" : r.raw().trim();
    return VegaSettings.showable(raw) && !r.setting().secret() ? raw : r.setting().shown(raw);
  }

  private static @Nullable String firstNonBlank(@Nullable String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }

  private static String blankTo(@Nullable String v, String fallback) {
    return v == null || v.isBlank() ? fallback : v.trim();
  }
}

package com.example.vega.health.checks;

import com.example.vega.health.Setting;
import com.example.vega.health.VegaSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A service's house rules for its migrations, which the {@code postgres} check applies: how the
 * service applies its migrations and where a failed run says why (both as its hints word them), and
 * the columns a recorded migration must have left behind. The library's default, {@link #NEUTRAL},
 * names no script, job or log group and requires no column; a service passes its own with
 * {@link PostgresCheck.Builder#migrationRules}, or through {@code VEGA_MIGRATIONS_RUN_HINT},
 * {@code VEGA_MIGRATIONS_LOGS_HINT} and {@code VEGA_MIGRATIONS_COLUMNS} ({@link #of(VegaSettings)}).
 *
 * <pre>{@code
 * new MigrationRules("run flyway migrate", "the migration job's logs",
 *     Map.of("V4__findings_columns.sql", List.of("findings.severity")));
 * }</pre>
 *
 * @param run how the migrations are applied, e.g. {@code run flyway migrate}; {@code {environment}}
 *     stands for the environment
 * @param logs where a failed migration run says why; {@code {environment}} as in {@code run}
 * @param columns per migration, the {@code table.column}s it adds: a migration recorded without
 *     them did not really apply
 */
public record MigrationRules(String run, String logs, Map<String, List<String>> columns) {
  private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}\\.[A-Za-z_][A-Za-z0-9_]{0,62}");

  /** No tool, no log group, no required column: what every service gets unless it says otherwise. */
  public static final MigrationRules NEUTRAL = new MigrationRules(
      "apply the pending migrations with the tool that writes the migrations table",
      "that tool's output", Map.of());

  public MigrationRules {
    run = requireText("run", run);
    logs = requireText("logs", logs);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : Objects.requireNonNull(columns, "columns").entrySet()) {
      for (String c : e.getValue()) {
        if (c == null || !COLUMN.matcher(c).matches()) {
          throw new IllegalArgumentException("required column '" + c + "' of " + e.getKey()
              + " is not table.column (plain SQL identifiers)");
        }
      }
      copy.put(requireText("migration", e.getKey()), List.copyOf(e.getValue()));
    }
    columns = Map.copyOf(copy);
  }

  /**
   * The rules {@code settings} give: each of the three settings replaces its part of {@link #NEUTRAL};
   * a malformed one is left out here (the config check names it).
   */
  public static MigrationRules of(VegaSettings settings) {
    Map<String, List<String>> columns = new LinkedHashMap<>();
    for (String item : Setting.MIGRATIONS_COLUMNS.readList(settings).orElse(List.of())) {
      int eq = item.indexOf('=');
      columns.computeIfAbsent(item.substring(0, eq), k -> new ArrayList<>()).add(item.substring(eq + 1));
    }
    return new MigrationRules(Setting.MIGRATIONS_RUN_HINT.read(settings).orElse(NEUTRAL.run()),
        Setting.MIGRATIONS_LOGS_HINT.read(settings).orElse(NEUTRAL.logs()), columns);
  }

  /** {@link #run} for {@code environment}. */
  String run(String environment) {
    return run.replace("{environment}", environment);
  }

  /** {@link #logs} for {@code environment}. */
  String logs(String environment) {
    return logs.replace("{environment}", environment);
  }

  private static String requireText(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("the migration rules' " + what + " must not be blank");
    }
    return value.strip();
  }
}

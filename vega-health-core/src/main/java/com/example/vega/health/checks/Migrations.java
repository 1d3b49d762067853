package com.example.vega.health.checks;

import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The migrations part of the {@code postgres} check, on the connection the validation query used:
 * every expected migration missing from the migrations table named, numbers missing from the
 * applied sequence, and the columns a recorded migration must have left behind.
 */
final class Migrations {
  // 004_name.sql, or Flyway's V4__name.sql: the number after the optional V.
  private static final Pattern NUMBERED = Pattern.compile("(V?)(\\d{1,9})_.*");
  private static final long MAX_SEQUENCE = 9999;
  private final List<String> expected;
  private final String table;
  private final String column;
  private final String environment;
  private final MigrationRules rules;

  /** {@code table} and {@code column} are plain SQL identifiers, checked by the builder. */
  Migrations(List<String> expected, String table, String column, String environment, MigrationRules rules) {
    this.expected = List.copyOf(expected);
    this.table = table;
    this.column = column;
    this.environment = environment;
    this.rules = rules;
  }

  /** No migration is expected: nothing to query. */
  boolean none() {
    return expected.isEmpty();
  }

  /** Queries one run makes: the migrations table, and the columns when a migration left known ones. */
  int queriesPerRun() {
    return expected.isEmpty() ? 0 : expected.stream().anyMatch(rules.columns()::containsKey) ? 2 : 1;
  }

  CheckResult check(Connection c, int timeoutSeconds) throws SQLException {
    Set<String> applied = new HashSet<>();
    try (Statement st = c.createStatement()) {
      st.setQueryTimeout(timeoutSeconds);
      try (ResultSet rs = st.executeQuery(
          "SELECT " + column + " FROM " + table)) {
        while (rs.next()) {
          applied.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return CheckResult.down(ErrorKind.MIGRATION_MISSING,
            "table " + table + " does not exist: no migration has run",
            rules.run(environment) + ", then check " + rules.logs(environment));
      }
      if ("42703".equals(e.getSQLState())) {
        return CheckResult.down(ErrorKind.MISCONFIGURED,
            "column " + column + " does not exist in " + table,
            "set the migrations table and column this check reads (PostgresCheck.Builder.migrationsTable) "
                + "to the ones the migration tool writes");
      }
      throw e;
    }
    List<String> missing = new ArrayList<>();
    for (String m : expected) {
      if (!applied.contains(m)) {
        missing.add(m);
      }
    }
    List<String> gaps = gaps(applied, missing);
    String latest = expected.get(expected.size() - 1);
    String inspect = "inspect " + table + " (SELECT " + column + " FROM " + table
        + " ORDER BY 1) and " + rules.logs(environment);
    if (!missing.isEmpty() || !gaps.isEmpty()) {
      List<String> said = new ArrayList<>();
      if (!missing.isEmpty()) {
        said.add("migration" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing) + " not applied");
      }
      if (!gaps.isEmpty()) {
        said.add("number" + (gaps.size() > 1 ? "s " : " ") + String.join(", ", gaps)
            + " missing from the applied sequence");
      }
      return CheckResult.down(ErrorKind.MIGRATION_MISSING,
          String.join("; ", said) + " (" + applied.size() + " applied in " + table + ")",
          gaps.isEmpty()
              ? rules.run(environment) + "; if that fails, inspect " + rules.logs(environment)
              : "a migration was skipped or only partly applied: " + inspect + ", then " + rules.run(environment))
          .with("missingMigrations", missing.size() + gaps.size(), null);
    }
    List<String> lacking = missingColumns(c, timeoutSeconds, applied);
    if (!lacking.isEmpty()) {
      return CheckResult.down(ErrorKind.MIGRATION_MISSING,
          table + " records " + String.join(", ", recordedWithColumns(applied)) + " but column"
              + (lacking.size() > 1 ? "s " : " ") + String.join(", ", lacking) + (lacking.size() > 1 ? " do" : " does")
              + " not exist",
          "the migration was recorded without its changes (partly applied, or undone by hand): " + inspect
              + "; then apply its SQL again")
          .with("missingColumns", lacking.size(), null);
    }
    return CheckResult.up("migrations up to " + latest + " applied"
        + (recordedWithColumns(applied).isEmpty() ? "" : ", their columns present"))
        .with("latestMigration", latest, null);
  }

  /**
   * Numbers below the highest applied or expected one that no migration has: {@code 003} when
   * 001, 002 and 004 are recorded ({@code V3} when Flyway's V1__, V2__ and V4__ are). Numbers
   * already named as missing are not repeated. Only for numbered sequences (up to 9999): dated or
   * timestamped names have no sequence to miss.
   */
  private static List<String> gaps(Set<String> applied, List<String> missing) {
    TreeSet<Long> numbers = new TreeSet<>();
    String prefix = "";
    int width = 9; // the narrowest number: V9 and V10 are padded to 1 digit, 009 and 010 to 3
    for (String v : applied) {
      Matcher m = v == null ? null : NUMBERED.matcher(v);
      if (m != null && m.matches()) {
        numbers.add(Long.parseLong(m.group(2)));
        prefix = m.group(1);
        width = Math.min(width, m.group(2).length());
      }
    }
    for (String v : missing) {
      Matcher m = NUMBERED.matcher(v);
      if (m.matches()) {
        numbers.add(Long.parseLong(m.group(2))); // named already: not a gap to report again
        width = Math.min(width, m.group(2).length());
        prefix = prefix.isEmpty() ? m.group(1) : prefix;
      }
    }
    List<String> out = new ArrayList<>();
    if (numbers.isEmpty() || numbers.last() > MAX_SEQUENCE) {
      return out;
    }
    // From 1 (or 0 when a 000 exists) to the highest applied.
    for (long n = Math.min(1, numbers.first()); n < numbers.last(); n++) {
      if (!numbers.contains(n)) {
        out.add(prefix + String.format("%0" + width + "d", n));
      }
    }
    return out.size() <= 10 ? out : List.of(String.join(", ", out.subList(0, 10)) + " and " + (out.size() - 10) + " more");
  }

  private List<String> recordedWithColumns(Set<String> applied) {
    return rules.columns().keySet().stream().filter(applied::contains).sorted().toList();
  }

  /** The columns recorded migrations should have added and the database does not have. */
  private List<String> missingColumns(Connection c, int timeoutSeconds, Set<String> applied) throws SQLException {
    List<String> wanted = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : rules.columns().entrySet()) {
      if (applied.contains(e.getKey())) {
        wanted.addAll(e.getValue());
      }
    }
    if (wanted.isEmpty()) {
      return wanted;
    }
    Set<String> present = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT table_name || '.' || column_name "
        + "FROM information_schema.columns WHERE table_schema = ANY (current_schemas(false)) "
        + "AND table_name || '.' || column_name = ANY (?)")) {
      ps.setQueryTimeout(timeoutSeconds);
      ps.setArray(1, c.createArrayOf("text", wanted.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          present.add(rs.getString(1));
        }
      }
    }
    List<String> lacking = new ArrayList<>(wanted);
    lacking.removeAll(present);
    return lacking;
  }
}

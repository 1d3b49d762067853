package com.example.vega.examples.maintenance;

import com.example.vega.health.trace.ClientSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * What vega-maintenance does: applies the numbered SQL migrations in order, each in its own
 * transaction, recording each in {@code schema_migrations(version, applied_at)}.
 */
public final class Migrations {
  /** Every migration, oldest first. The last one is what the Postgres check expects. */
  public static final List<String> ALL = List.of(
      "001_init.sql", "002_scans.sql", "003_findings.sql", "004_findings_columns.sql");

  /** The span attribute naming the migration file. */
  static final AttributeKey<String> MIGRATION = AttributeKey.stringKey("vega.migration");

  private Migrations() {}

  /**
   * Applies what is missing, each migration as a span ({@code migration <file>}, with
   * {@code vega.migration}) under the current context; returns the names applied now.
   */
  public static List<String> apply(DataSource ds, Tracer tracer) throws SQLException {
    List<String> applied = new ArrayList<>();
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      Set<String> done = appliedAlready(c);
      for (String name : ALL) {
        if (done.contains(name)) {
          continue;
        }
        Span span = tracer.spanBuilder("migration " + name).setAttribute(MIGRATION, name).startSpan();
        try (Scope ignored = span.makeCurrent(); Statement st = c.createStatement()) {
          st.execute(read(name));
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_migrations(version) VALUES (?)")) {
            ps.setString(1, name);
            ps.executeUpdate();
          }
          c.commit();
          applied.add(name);
        } catch (SQLException e) {
          c.rollback();
          SQLException failed = new SQLException("migration " + name + " failed: " + e.getMessage(), e.getSQLState(), e);
          ClientSpans.fail(span, failed);
          throw failed;
        } finally {
          span.end();
        }
      }
    }
    return applied;
  }

  private static Set<String> appliedAlready(Connection c) throws SQLException {
    Set<String> done = new HashSet<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT to_regclass('schema_migrations') IS NOT NULL")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        c.commit();
        return done;
      }
    }
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version FROM schema_migrations")) {
      while (rs.next()) {
        done.add(rs.getString(1));
      }
    }
    c.commit();
    return done;
  }

  private static String read(String name) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/migrations/" + name)) {
      if (in == null) {
        throw new IllegalStateException("migration " + name + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

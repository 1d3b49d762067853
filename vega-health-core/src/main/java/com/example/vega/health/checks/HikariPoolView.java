package com.example.vega.health.checks;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * What the Postgres check reads from a HikariCP pool, if the data source is one. HikariCP is an
 * optional dependency: nothing here is loaded unless its classes are on the class path.
 */
final class HikariPoolView {
  private static final boolean HIKARI_PRESENT = present();

  record Stats(int active, int idle, int total, int max, int waiting) {
    boolean saturated() {
      return max > 0 && active >= max && waiting > 0;
    }
  }

  private final com.zaxxer.hikari.HikariDataSource ds;

  private HikariPoolView(com.zaxxer.hikari.HikariDataSource ds) {
    this.ds = ds;
  }

  static @Nullable HikariPoolView of(DataSource dataSource) {
    if (!HIKARI_PRESENT) {
      return null;
    }
    try {
      if (dataSource instanceof com.zaxxer.hikari.HikariDataSource h) {
        return new HikariPoolView(h);
      }
      if (dataSource.isWrapperFor(com.zaxxer.hikari.HikariDataSource.class)) {
        return new HikariPoolView(dataSource.unwrap(com.zaxxer.hikari.HikariDataSource.class));
      }
    } catch (SQLException e) {
      return null;
    }
    return null;
  }

  Stats stats() {
    com.zaxxer.hikari.HikariPoolMXBean mx = ds.getHikariPoolMXBean();
    int max = ds.getMaximumPoolSize();
    if (mx == null) {
      return new Stats(0, 0, 0, max, 0);
    }
    return new Stats(mx.getActiveConnections(), mx.getIdleConnections(), mx.getTotalConnections(),
        max, mx.getThreadsAwaitingConnection());
  }

  /**
   * Asks the pool for a connection, waiting at most {@code waitMillis} (a waiting caller is what
   * makes HikariCP connect, whatever its minimumIdle): null when it served one (returned at once),
   * else what its own connection attempts last failed with, which HikariCP hands to a caller it
   * cannot serve as the cause. Null too when it has no failure on record (its attempt still hangs).
   * No connection is opened here beside the pool.
   */
  @Nullable SQLException poolFailure(long waitMillis) {
    if (!(ds.getHikariPoolMXBean() instanceof com.zaxxer.hikari.pool.HikariPool p)) {
      return null;
    }
    try (Connection c = p.getConnection(waitMillis)) {
      return null; // served: the pool has a connection again
    } catch (SQLException e) {
      return e.getCause() instanceof SQLException cause ? cause : null;
    }
  }

  @Nullable String jdbcUrl() {
    return ds.getJdbcUrl();
  }

  @Nullable String username() {
    return ds.getUsername();
  }

  /** One connection beside the pool, same URL and credentials, every driver timeout bounded. */
  Connection connectDirectly(int timeoutSeconds) throws SQLException {
    String url = ds.getJdbcUrl();
    if (url == null) {
      throw new SQLException("the pool has no JDBC URL to diagnose with");
    }
    Properties props = new Properties();
    props.putAll(ds.getDataSourceProperties());
    if (ds.getUsername() != null) {
      props.setProperty("user", ds.getUsername());
    }
    if (ds.getPassword() != null) {
      props.setProperty("password", ds.getPassword());
    }
    String t = Integer.toString(timeoutSeconds);
    props.setProperty("connectTimeout", t);
    props.setProperty("socketTimeout", t);
    props.setProperty("loginTimeout", t);
    props.setProperty("ApplicationName", "vega-health");
    Driver driver = DriverManager.getDriver(url);
    Connection c = driver.connect(url, props);
    if (c == null) {
      throw new SQLException("no driver accepts the pool's JDBC URL");
    }
    return c;
  }

  private static boolean present() {
    try {
      Class.forName("com.zaxxer.hikari.HikariDataSource", false, HikariPoolView.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}

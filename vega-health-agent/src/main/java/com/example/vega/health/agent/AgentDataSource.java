package com.example.vega.health.agent;

import com.example.vega.health.internal.DatabaseUrl;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A connection per call from the bundled Postgres driver, used directly rather than through
 * {@link java.sql.DriverManager}: in the shaded jar the driver is relocated and unregistered, so
 * the host's own {@code DriverManager.getConnection("jdbc:postgresql:...")} never lands on the
 * agent's copy. No pool: a check every 15 s does not need one, and the agent must not hold
 * connections the service's own pool is sized for.
 */
public final class AgentDataSource implements DataSource {
  private static final Driver DRIVER = loadDriver();
  private final DatabaseUrl url;

  public AgentDataSource(DatabaseUrl url) {
    this.url = url;
  }

  private static Driver loadDriver() {
    org.postgresql.Driver d = new org.postgresql.Driver();
    // Only the relocated copy is taken out of DriverManager; unshaded (tests) it is the host's own.
    if (org.postgresql.Driver.class.getName().contains(".agent.shaded.")
        && org.postgresql.Driver.isRegistered()) {
      try {
        org.postgresql.Driver.deregister();
      } catch (SQLException | RuntimeException e) {
        // still usable directly; at worst DriverManager holds a second postgres driver
      }
    }
    return d;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Properties p = new Properties();
    if (url.user() != null) {
      p.setProperty("user", url.user());
    }
    if (url.password() != null) {
      p.setProperty("password", url.password());
    }
    // Bounded by themselves: pgjdbc's defaults (0) wait for ever on a silent network.
    p.setProperty("connectTimeout", "5");
    p.setProperty("loginTimeout", "5");
    p.setProperty("socketTimeout", "10");
    p.setProperty("ApplicationName", "vega-health");
    Connection c = DRIVER.connect(url.jdbcUrl(), p);
    if (c == null) {
      throw new SQLException("the Postgres driver did not accept " + url.address());
    }
    return c;
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("credentials come from VEGA_DATABASE_URL");
  }

  @Override
  public @Nullable PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // no log writer
  }

  @Override
  public void setLoginTimeout(int seconds) {
    // fixed at 5 s
  }

  @Override
  public int getLoginTimeout() {
    return 5;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}

package com.example.vega.examples.common;

import com.example.vega.health.internal.DatabaseUrl;
import com.example.vega.health.trace.ClientSpans;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The service's HikariCP pool from {@code VEGA_DATABASE_URL} (JDBC or libpq form, parsed by core's
 * {@link DatabaseUrl}). The password goes to the pool only; it is never logged.
 */
public final class Database {
  private Database() {}

  /** What the service's database spans record: database name, host and port (no credentials). */
  public static ClientSpans.Database target(String url) {
    return ClientSpans.Database.postgres(DatabaseUrl.parse("VEGA_DATABASE_URL", url).jdbcUrl());
  }

  public static HikariDataSource pool(String url, String poolName, int maxSize) {
    DatabaseUrl db = DatabaseUrl.parse("VEGA_DATABASE_URL", url);
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(db.jdbcUrl());
    if (db.user() != null) {
      c.setUsername(db.user());
    }
    if (db.password() != null) {
      c.setPassword(db.password());
    }
    c.setPoolName(poolName);
    c.setMaximumPoolSize(maxSize);
    c.setMinimumIdle(0);
    c.setInitializationFailTimeout(-1); // start even when the database is down; the check says why
    c.setConnectionTimeout(5_000);
    return new HikariDataSource(c);
  }
}

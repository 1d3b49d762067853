package com.example.vega.examples.common;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The service's HikariCP pool from {@code VEGA_DATABASE_URL}, given as JDBC
 * ({@code jdbc:postgresql://host:5432/vega?user=vega&password=...}) or as a libpq URI
 * ({@code postgresql://vega:...@host:5432/vega}). The password is never logged.
 */
public final class Database {
  private Database() {}

  public static HikariDataSource pool(String url, String poolName, int maxSize) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("VEGA_DATABASE_URL is not set");
    }
    HikariConfig c = new HikariConfig();
    String u = url.trim();
    if (u.startsWith("postgres://") || u.startsWith("postgresql://")) {
      URI uri = URI.create(u.replaceFirst("^postgres(ql)?://", "pg://"));
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("VEGA_DATABASE_URL has no host");
      }
      String info = uri.getRawUserInfo();
      if (info != null) {
        String[] up = info.split(":", 2);
        c.setUsername(URLDecoder.decode(up[0], StandardCharsets.UTF_8));
        if (up.length == 2) {
          c.setPassword(URLDecoder.decode(up[1], StandardCharsets.UTF_8));
        }
      }
      int port = uri.getPort() == -1 ? 5432 : uri.getPort();
      u = "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath()
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    } else if (!u.startsWith("jdbc:postgresql://")) {
      throw new IllegalArgumentException(
          "VEGA_DATABASE_URL must start with jdbc:postgresql:// or postgresql://");
    }
    c.setJdbcUrl(u);
    c.setPoolName(poolName);
    c.setMaximumPoolSize(maxSize);
    c.setMinimumIdle(0);
    c.setInitializationFailTimeout(-1); // start even when the database is down; the check says why
    c.setConnectionTimeout(5_000);
    return new HikariDataSource(c);
  }
}

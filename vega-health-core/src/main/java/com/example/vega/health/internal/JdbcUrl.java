package com.example.vega.health.internal;

import java.net.URI;
import java.util.Optional;

/**
 * The parts of a database URL that are safe to show: host, port and database name. Understands
 * JDBC ({@code jdbc:postgresql://host:5432/db?...}) and libpq URIs
 * ({@code postgresql://user:password@host/db}); the password is never kept.
 */
public record JdbcUrl(String host, int port, String database) {

  public static Optional<JdbcUrl> parse(String url) {
    if (url == null) {
      return Optional.empty();
    }
    String u = url.trim();
    if (u.startsWith("jdbc:")) {
      u = u.substring(5);
    }
    if (!(u.startsWith("postgresql://") || u.startsWith("postgres://"))) {
      return Optional.empty();
    }
    try {
      URI uri = URI.create(u.replaceFirst("^postgres(ql)?://", "pg://"));
      String host = uri.getHost();
      if (host == null || host.isBlank()) {
        return Optional.empty();
      }
      int port = uri.getPort() == -1 ? 5432 : uri.getPort();
      String path = uri.getPath() == null ? "" : uri.getPath();
      String db = path.startsWith("/") ? path.substring(1) : path;
      return Optional.of(new JdbcUrl(host, port, db.isEmpty() ? "postgres" : db));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** {@code host:port}, for messages. */
  public String address() {
    return host + ":" + port;
  }
}

package com.example.vega.health.checks;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@code VEGA_DATABASE_URL} split into what the driver needs; the one parser of database URLs in
 * Vega Health (the agent, the examples and the Postgres check's messages use it). Accepts JDBC
 * ({@code jdbc:postgresql://host:5432/vega?user=u&password=p}) and libpq URIs
 * ({@code postgresql://u:p@host:5432/vega?sslmode=require}). The password is kept apart so that it
 * can be registered as a secret and never appears in {@link #toString()} or an error message.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/db} with only the non-credential parameters
 * @param user the user, or null when the URL names none
 * @param password the password, or null
 */
public record DatabaseUrl(String jdbcUrl, @Nullable String user, @Nullable String password) {

  public DatabaseUrl {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
  }

  /**
   * Parses the setting. The message of the exception names the setting and the expected shape,
   * never the value (it may hold a password).
   */
  public static DatabaseUrl parse(String setting, String value) {
    String bad = setting + " is not a Postgres URL: expected jdbc:postgresql://host:5432/vega"
        + " or postgresql://user:password@host:5432/vega";
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(setting + " is not set: expected jdbc:postgresql://host:5432/vega");
    }
    String u = value.trim();
    if (u.startsWith("jdbc:")) {
      u = u.substring(5);
    }
    if (!u.startsWith("postgresql://") && !u.startsWith("postgres://")) {
      throw new IllegalArgumentException(bad);
    }
    URI uri;
    try {
      uri = new URI(u.replaceFirst("^postgres(ql)?://", "pg://"));
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(bad);
    }
    String host = uri.getHost();
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(setting + " has no host name: expected jdbc:postgresql://host:5432/vega");
    }
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String db = path.startsWith("/") ? path.substring(1) : path;
    String user = null;
    String password = null;
    String info = uri.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    Map<String, String> params = new LinkedHashMap<>();
    String query = uri.getRawQuery();
    if (query != null) {
      for (String kv : query.split("&")) {
        if (kv.isEmpty()) {
          continue;
        }
        int eq = kv.indexOf('=');
        String k = decode(eq < 0 ? kv : kv.substring(0, eq));
        String v = eq < 0 ? "" : decode(kv.substring(eq + 1));
        if (k.equals("user")) {
          user = v;
        } else if (k.equals("password")) {
          password = v;
        } else {
          params.put(k, v);
        }
      }
    }
    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://")
        .append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port)
        .append('/').append(db.isEmpty() ? "postgres" : db);
    char sep = '?';
    for (Map.Entry<String, String> e : params.entrySet()) {
      jdbc.append(sep).append(e.getKey()).append('=').append(e.getValue());
      sep = '&';
    }
    return new DatabaseUrl(jdbc.toString(), user, password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** {@code host:port}, safe to print. */
  public String hostPort() {
    String a = address();
    int slash = a.indexOf('/');
    return slash < 0 ? a : a.substring(0, slash);
  }

  /** {@code host:port/db}, safe to print. */
  public String address() {
    String s = jdbcUrl.substring("jdbc:postgresql://".length());
    int q = s.indexOf('?');
    return q < 0 ? s : s.substring(0, q);
  }

  @Override
  public String toString() {
    return "DatabaseUrl[" + address() + ", user=" + user + "]";
  }
}

package com.example.vega.health.internal;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * {@code VEGA_DATABASE_URL} split into what the driver needs; the one parser of database URLs in
 * Vega Health (the agent, the doctor, the examples, the Postgres check's messages and the secret
 * masking use it).
 *
 * <ul>
 *   <li>A JDBC URL ({@code jdbc:postgresql://h1:5432,h2:5432/vega?user=u&password=p}) is read by
 *       pgjdbc itself ({@code org.postgresql.Driver.parseURL}), so user, password and parameters are
 *       exactly what the driver would use, form-decoding included. pgjdbc is then needed on the
 *       class path (it is an optional dependency of core).
 *   <li>A libpq URI ({@code postgresql://u:p@h1:5432,h2/vega?sslmode=require}) is translated to
 *       JDBC: percent-decoded as libpq does (a {@code +} stays a {@code +}), several hosts kept,
 *       parameters re-encoded for the driver.
 * </ul>
 *
 * <p>The password is kept apart so that it can be registered as a secret; it never appears in
 * {@link #jdbcUrl()}, {@link #toString()} or an error message.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port[,host:port]/db} with only the non-credential
 *     parameters, encoded the way pgjdbc decodes them
 * @param user the user, or null when the URL names none
 * @param password the password as the driver receives it, or null
 */
public record DatabaseUrl(String jdbcUrl, @Nullable String user, @Nullable String password) {
  private static final String JDBC = "jdbc:postgresql://";

  public DatabaseUrl {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
  }

  /**
   * Parses the setting. The message of the exception names the setting and the expected shape,
   * never the value (it may hold a password).
   */
  public static DatabaseUrl parse(String setting, @Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(setting + " is not set: expected jdbc:postgresql://host:5432/vega");
    }
    String u = value.trim();
    for (int i = 0; i < u.length(); i++) {
      if (u.charAt(i) <= ' ' || u.charAt(i) >= 0x7f) {
        throw bad(setting); // whitespace or control characters: no URL, and the message must not quote it
      }
    }
    if (u.startsWith("jdbc:postgresql:")) {
      return fromJdbc(setting, u);
    }
    if (u.startsWith("postgresql://") || u.startsWith("postgres://")) {
      return fromLibpq(setting, u);
    }
    throw bad(setting);
  }

  /**
   * Whether {@code value} parses. A JDBC URL passes unread when pgjdbc is not on the class path:
   * only the driver can tell, and a service without it does not connect with that URL anyway.
   */
  public static boolean isWellFormed(String value) {
    try {
      parse("url", value);
      return true;
    } catch (IllegalArgumentException e) {
      return e instanceof DriverMissing;
    }
  }

  private static IllegalArgumentException bad(String setting) {
    return new IllegalArgumentException(setting + " is not a Postgres URL: expected jdbc:postgresql://host:5432/vega"
        + " or postgresql://user:password@host:5432/vega");
  }

  private static IllegalArgumentException noHost(String setting) {
    return new IllegalArgumentException(setting + " has no host name: expected jdbc:postgresql://host:5432/vega");
  }

  /** Thrown when a JDBC URL cannot be read because pgjdbc is not on the class path. */
  private static final class DriverMissing extends IllegalArgumentException {
    DriverMissing(String setting) {
      super(setting + " is a JDBC URL: reading it needs the PostgreSQL JDBC driver (org.postgresql:postgresql)"
          + " on the class path");
    }
  }

  private static DatabaseUrl fromJdbc(String setting, String url) {
    String rest = url.substring("jdbc:postgresql:".length());
    if (rest.startsWith("//")) {
      String authority = rest.substring(2).split("[/?]", 2)[0];
      // pgjdbc takes credentials as parameters only, and logs what it cannot read as a port.
      if (authority.contains("@")) {
        throw new IllegalArgumentException(setting + " is a JDBC URL with credentials before the host: write "
            + "jdbc:postgresql://host:5432/vega?user=...&password=..., or postgresql://user:password@host:5432/vega");
      }
    }
    Properties p;
    try {
      p = org.postgresql.Driver.parseURL(url, null);
    } catch (LinkageError e) {
      throw new DriverMissing(setting);
    }
    if (p == null) {
      throw bad(setting);
    }
    String hosts = p.getProperty("PGHOST", "");
    if (hosts.isEmpty() || List.of(hosts.split(",", -1)).contains("")) {
      throw noHost(setting);
    }
    String[] h = hosts.split(",");
    String[] ports = p.getProperty("PGPORT", "5432").split(",");
    List<String> hostPorts = new ArrayList<>();
    for (int i = 0; i < h.length; i++) {
      hostPorts.add(h[i] + ":" + (i < ports.length ? ports[i] : "5432"));
    }
    // The query as written, minus the credentials: it is already encoded the way pgjdbc decodes it.
    int q = rest.indexOf('?');
    List<String> params = new ArrayList<>();
    if (q >= 0) {
      for (String kv : rest.substring(q + 1).split("&")) {
        String key = kv.split("=", 2)[0];
        if (!kv.isEmpty() && !key.equals("user") && !key.equals("password")) {
          params.add(kv);
        }
      }
    }
    String db = p.getProperty("PGDBNAME", "");
    return new DatabaseUrl(jdbc(hostPorts, form(db), params), p.getProperty("user"), p.getProperty("password"));
  }

  private static DatabaseUrl fromLibpq(String setting, String url) {
    String rest = url.substring(url.indexOf("://") + 3);
    int q = rest.indexOf('?');
    String query = q < 0 ? "" : rest.substring(q + 1);
    String beforeQuery = q < 0 ? rest : rest.substring(0, q);
    int slash = beforeQuery.indexOf('/');
    String authority = slash < 0 ? beforeQuery : beforeQuery.substring(0, slash);
    String db = slash < 0 ? "" : decode(setting, beforeQuery.substring(slash + 1));
    String user = null;
    String password = null;
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String info = authority.substring(0, at);
      int colon = info.indexOf(':');
      user = decode(setting, colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(setting, info.substring(colon + 1));
      authority = authority.substring(at + 1);
    }
    List<String> hostPorts = new ArrayList<>();
    for (String hp : authority.split(",", -1)) {
      hostPorts.add(hostPort(setting, hp));
    }
    List<String> params = new ArrayList<>();
    for (String kv : query.split("&")) {
      if (kv.isEmpty()) {
        continue;
      }
      int eq = kv.indexOf('=');
      String k = decode(setting, eq < 0 ? kv : kv.substring(0, eq));
      String v = eq < 0 ? "" : decode(setting, kv.substring(eq + 1));
      if (k.equals("user")) {
        user = v;
      } else if (k.equals("password")) {
        password = v;
      } else {
        params.add(form(k) + "=" + form(v));
      }
    }
    return new DatabaseUrl(jdbc(hostPorts, form(db), params), user, password);
  }

  /** {@code host[:port]} of a libpq URI, as {@code host:port} (IPv6 literals keep their brackets). */
  private static String hostPort(String setting, String hp) {
    String host;
    String port = "5432";
    if (hp.startsWith("[")) {
      int end = hp.indexOf(']');
      if (end < 0) {
        throw bad(setting);
      }
      host = hp.substring(0, end + 1);
      String after = hp.substring(end + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw bad(setting);
        }
        port = after.substring(1);
      }
    } else {
      int colon = hp.lastIndexOf(':');
      host = colon < 0 ? hp : hp.substring(0, colon);
      if (colon >= 0) {
        port = hp.substring(colon + 1);
      }
      host = decode(setting, host);
    }
    if (host.isEmpty() || host.equals("[]")) {
      throw noHost(setting);
    }
    if (!host.matches("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+]")) {
      throw bad(setting);
    }
    if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException(setting + " has a port out of range: expected 1 to 65535");
    }
    return host + ":" + port;
  }

  private static String jdbc(List<String> hostPorts, String db, List<String> params) {
    StringBuilder jdbc = new StringBuilder(JDBC).append(String.join(",", hostPorts)).append('/').append(db);
    for (int i = 0; i < params.size(); i++) {
      jdbc.append(i == 0 ? '?' : '&').append(params.get(i));
    }
    return jdbc.toString();
  }

  /** Encoded the way pgjdbc decodes URL parts (as a form): the driver gets the value back unchanged. */
  private static String form(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * Percent-decoding as libpq does it: {@code %XX} is a byte of UTF-8, every other character stands
   * for itself. Unlike a form decoder, a {@code +} stays a {@code +}.
   */
  static String decode(String setting, String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw bad(setting);
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw bad(setting);
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.write(c); // ASCII only: parse rejected anything else
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** {@code host:port} (several, comma-separated, for a multi-host URL), safe to print. */
  public String hostPort() {
    String a = address();
    int slash = a.indexOf('/');
    return slash < 0 ? a : a.substring(0, slash);
  }

  /** {@code host:port/db}, safe to print. */
  public String address() {
    String s = jdbcUrl.substring(JDBC.length());
    int q = s.indexOf('?');
    return q < 0 ? s : s.substring(0, q);
  }

  @Override
  public String toString() {
    return "DatabaseUrl[" + address() + ", user=" + user + "]";
  }
}

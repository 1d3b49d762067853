package com.example.vega.health.checks.internal;

import com.example.vega.health.Failures;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import java.sql.SQLException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Classifies a failure talking to Postgres: by SQLSTATE first (authentication, missing database,
 * no connection slots, shutdown or start-up, missing table or column), then by the network cause
 * (refused, unknown host, no connection in time, no answer in time).
 *
 * <pre>{@code
 * catch (SQLException e) {
 *   return SqlFailures.of(e, new SqlFailures.Target("db.internal:5432", "vega", "api", "prod"), true);
 * }
 * }</pre>
 */
public final class SqlFailures {
  /** The step when the schema lacks what the queries expect; the postgres check names the migration. */
  private static final String MIGRATIONS_HINT = "is every migration applied? List the expected ones in "
      + "VEGA_EXPECTED_MIGRATION and the postgres check names any that is missing";

  private SqlFailures() {}

  /**
   * What hints and messages name.
   *
   * @param address {@code host:port}, never the URL (it may hold a password)
   * @param user the database user, or null when unknown
   * @param service the service whose task definition and logs hints name, e.g. {@code vega-worker}
   * @param environment e.g. {@code dev}
   * @param logs where the service's logs are, as hints say it, e.g. {@code the api logs in CloudWatch}
   */
  public record Target(String address, @Nullable String user, String service, String environment, String logs) {
    public Target {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(environment, "environment");
      Objects.requireNonNull(logs, "logs");
    }

    /** Logs worded neutrally: {@code the <service> logs}. */
    public Target(String address, @Nullable String user, String service, String environment) {
      this(address, user, service, environment, "the " + service + " logs");
    }
  }

  /**
   * The kind a SQLSTATE means, or null for one this classification does not know (the message
   * then says what).
   */
  public static @Nullable ErrorKind kind(String sqlState) {
    return switch (sqlState) {
      case "28P01", "28000" -> ErrorKind.AUTHENTICATION;
      case "3D000" -> ErrorKind.NOT_FOUND;
      case "53300" -> ErrorKind.SATURATED;
      case "57P01", "57P03" -> ErrorKind.SERVER_ERROR;
      case "57014" -> ErrorKind.TIMEOUT; // the statement timeout fired: a live connection, no answer
      case "42P01", "42703" -> ErrorKind.MIGRATION_MISSING;
      default -> null;
    };
  }

  /**
   * The result for {@code e}. {@code connecting} says whether a connection was being opened (a
   * socket timeout then means no connection rather than no answer).
   */
  public static CheckResult of(SQLException e, Target t, boolean connecting) {
    Throwable x = e;
    for (int i = 0; x != null && i < 64; i++, x = x.getCause()) {
      if (x instanceof SQLException sql && sql.getSQLState() != null) {
        CheckResult r = bySqlState(sql, t);
        if (r != null) {
          return r;
        }
      }
      ErrorKind net = Failures.networkKind(x);
      if (net != null) {
        return network(net, t, connecting);
      }
    }
    String msg = e.getMessage();
    return CheckResult.down(ErrorKind.OTHER,
        "database error" + (e.getSQLState() == null ? "" : " " + e.getSQLState()) + (msg == null ? "" : ": " + msg),
        "see " + t.logs());
  }

  /** Connected, but no answer in time: what a frozen or overloaded database looks like. */
  public static CheckResult hung(Target t) {
    return CheckResult.down(ErrorKind.TIMEOUT,
        t.address() + " accepted the connection but did not answer in time",
        "the database is frozen or overloaded: check the RDS instance status, CPU, storage and "
            + "blocking locks (pg_stat_activity)");
  }

  private static @Nullable CheckResult bySqlState(SQLException sql, Target t) {
    String state = Objects.requireNonNull(sql.getSQLState());
    ErrorKind kind = kind(state);
    if (kind == null) {
      return null;
    }
    String detail = sql.getMessage() == null ? state : Failures.firstLine(sql.getMessage());
    return switch (kind) {
      case TIMEOUT -> hung(t);
      case AUTHENTICATION -> CheckResult.down(kind,
          "authentication failed for user " + (t.user() == null ? "" : "'" + t.user() + "' ") + "on " + t.address(),
          "check the database credentials in Secrets Manager (the secret referenced in the "
              + t.service() + " task definition) and VEGA_DATABASE_URL");
      case NOT_FOUND -> CheckResult.down(kind,
          "the database named in VEGA_DATABASE_URL does not exist on " + t.address(),
          "check the database name in VEGA_DATABASE_URL, and that migrations created it");
      case SATURATED -> CheckResult.down(kind, t.address() + " has no connection slots left (too many connections)",
          "the database's max_connections is used up: look for services holding connections; "
              + "check pool sizes against max_connections");
      case SERVER_ERROR -> CheckResult.down(kind, t.address() + " is starting up or shutting down",
          "check the RDS instance status and events (a reboot or failover in progress)");
      default -> state.equals("42703")
          ? CheckResult.down(kind, "a column is missing: " + detail,
              MIGRATIONS_HINT)
          : CheckResult.down(kind, "a table is missing: " + detail, MIGRATIONS_HINT);
    };
  }

  private static CheckResult network(ErrorKind kind, Target t, boolean connecting) {
    return switch (kind) {
      case CONNECTION_REFUSED -> CheckResult.down(kind, "connection refused on " + t.address(),
          "check VEGA_DATABASE_URL and the database security group");
      case UNKNOWN_HOST -> CheckResult.down(kind, "the database host in VEGA_DATABASE_URL does not resolve",
          "check VEGA_DATABASE_URL and the VPC's DNS settings");
      case CONNECT_TIMEOUT -> connecting
          ? CheckResult.down(kind, "no TCP connection to " + t.address() + " in time",
              "check the database security group and that this task's subnets route to the database")
          : hung(t);
      default -> hung(t);
    };
  }
}

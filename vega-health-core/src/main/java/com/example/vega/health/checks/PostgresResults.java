package com.example.vega.health.checks;

import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.checks.internal.SqlFailures;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * The {@code postgres} check's results as its hints word them, for one database and service: the
 * failures (by {@link SqlFailures}, plus an exhausted pool and a connection that never completed),
 * callers waiting for a connection, and the pool's figures on every result.
 */
final class PostgresResults {
  private final String target;
  private final @Nullable HikariPoolView pool;
  private final SqlFailures.Target hints;

  /** {@code target} is {@code host:port} (never the URL); {@code hints} names the service and its logs. */
  PostgresResults(String target, @Nullable HikariPoolView pool, SqlFailures.Target hints) {
    this.target = target;
    this.pool = pool;
    this.hints = hints;
  }

  String target() {
    return target;
  }

  /**
   * {@code e} classified; {@code connecting}: no connection was open yet; {@code acquiring}: the
   * pool was being asked for one (where a full pool explains an unclassified failure).
   */
  CheckResult classify(SQLException e, boolean connecting, boolean acquiring) {
    SqlFailures.Target t = new SqlFailures.Target(target, pool != null ? pool.username() : null, hints.service(),
        hints.environment(), hints.logs());
    CheckResult r = SqlFailures.of(e, t, connecting);
    if (connecting && r.errorKind() == ErrorKind.TIMEOUT) {
      // The driver's own timeout while connecting (often the startup handshake's read) is the
      // same failure as the monitor's deadline there: the connection never completed.
      return noConnection(" in time");
    }
    if (r.errorKind() == ErrorKind.OTHER && acquiring && pool != null && pool.stats().saturated()) {
      return exhausted(pool.stats());
    }
    return r;
  }

  CheckResult hung() {
    return SqlFailures.hung(hints);
  }

  CheckResult exhausted(HikariPoolView.Stats s) {
    return CheckResult.down(ErrorKind.SATURATED,
        "pool exhausted: " + s.active() + "/" + s.max() + " connections in use, " + s.waiting()
            + " callers waiting",
        leakHint());
  }

  /** Callers wait for a connection although the check got one: DEGRADED, naming them. */
  CheckResult waiting(HikariPoolView.Stats s) {
    return CheckResult.degraded(ErrorKind.SATURATED,
        s.waiting() + (s.waiting() == 1 ? " caller" : " callers") + " waiting for a connection ("
            + s.active() + "/" + s.max() + " in use)",
        leakHint());
  }

  private String leakHint() {
    return "requests hold connections too long: look for slow queries, locks or a connection leak "
        + "in " + hints.logs() + "; raise maximumPoolSize only after that";
  }

  /** No connection completed, by the driver's timeout or the monitor's deadline alike. */
  CheckResult noConnection(String within) {
    return CheckResult.down(ErrorKind.CONNECT_TIMEOUT, "no connection to " + target + within,
        "the database does not complete new connections: check the RDS instance status, "
            + "VEGA_DATABASE_URL and the database security group");
  }

  /** {@code r} with the pool's current figures, when there is a pool. */
  CheckResult withPool(CheckResult r) {
    return pool == null ? r : withPool(r, pool.stats());
  }

  static CheckResult withPool(CheckResult r, HikariPoolView.Stats s) {
    return r.with("activeConnections", s.active(), "connections")
        .with("idleConnections", s.idle(), "connections")
        .with("maxConnections", s.max(), "connections")
        .with("waitingThreads", s.waiting(), "threads");
  }
}

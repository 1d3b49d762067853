package com.example.vega.health.checks;

import com.example.vega.health.DependencyCall;
import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ComponentType;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.Setting;
import com.example.vega.health.failure.SqlFailures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Postgres through the service's own pool: a validation query within the check's timeout (never
 * {@code isValid(0)}), the pool's figures, and whether {@code schema_migrations} holds the
 * expected migrations: every missing one named, numbers missing from the applied sequence (a
 * migration skipped or partly applied), and the columns {@code 004_findings_columns.sql} adds.
 *
 * <p>Bounded whatever the driver does: the connection's network timeout and the statement's
 * timeout are set to the time left, and the monitor abandons (interrupts) the run at the deadline,
 * which also frees a thread waiting in HikariCP for a connection.
 *
 * <p>When a HikariCP pool holds no connection at all, "refused", "authentication failed" and
 * "database missing" are told apart within the check's timeout instead of after the pool's own
 * 30 s connection timeout: the check waits for the pool for half its budget, as any caller would,
 * and classifies what the pool's own attempts failed with (the pool is reconnecting: the check adds
 * no connection of its own). Only when it has none (its attempt hangs)
 * is one diagnostic connection opened beside the pool, with the same settings and bounded timeouts,
 * and never two at once: at most once per backoff step while the pool stays empty (on the 1st, 2nd,
 * 4th and 8th such run, then every 8th), so that a fleet does not meet a recovering database with a
 * connection per task per interval. Per task that is at most 5 diagnostic connections in the first
 * 16 runs of an outage, then one per 8 runs (at the 15 s default: one per 2 minutes).
 */
public final class PostgresCheck implements HealthCheck {
  public static final String NAME = "postgres";
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
  private static final Executor DIRECT = Runnable::run;
  private static final Pattern NUMBERED = Pattern.compile("(\\d{1,9})_.*");
  private static final long MAX_SEQUENCE = 9999;
  /**
   * The columns a recorded migration must have left behind ({@code table.column}), for the
   * migration the runbook names: examples/.../db/migrations/004_findings_columns.sql. A version
   * recorded without its columns is a migration that did not really apply.
   */
  static final Map<String, List<String>> COLUMNS = Map.of("004_findings_columns.sql",
      List.of("findings.severity", "findings.status", "findings.path"));

  private enum Phase { IDLE, DIAGNOSE, ACQUIRE, QUERY, MIGRATIONS }

  private final DataSource dataSource;
  private final @Nullable HikariPoolView pool;
  private final String validationQuery;
  private final List<String> expectedMigrations;
  private final String migrationsTable;
  private final String migrationsColumn;
  private final String role;
  private final String environment;
  private final String target;
  private volatile Phase phase = Phase.IDLE;
  private final DiagnosticGate gate = new DiagnosticGate();

  private PostgresCheck(Builder b) {
    this.dataSource = b.dataSource;
    this.pool = HikariPoolView.of(b.dataSource);
    this.validationQuery = b.validationQuery;
    this.expectedMigrations = List.copyOf(b.expectedMigrations);
    this.migrationsTable = b.migrationsTable;
    this.migrationsColumn = b.migrationsColumn;
    this.role = b.role;
    this.environment = b.environment;
    String url = pool != null ? pool.jdbcUrl() : null;
    this.target = target(url);
  }

  private static String target(@Nullable String url) {
    if (url == null) {
      return "the database";
    }
    try {
      return DatabaseUrl.parse("the pool's JDBC URL", url).hostPort();
    } catch (IllegalArgumentException e) {
      return "the database";
    }
  }

  /**
   * In a role profile: the service's DataSource, expecting VEGA_EXPECTED_MIGRATION; none without a
   * DataSource (Spring registers its own from the application's pool).
   */
  static @Nullable CheckRegistration inProfile(Profile p, CheckPolicy policy) {
    DataSource ds = p.clients().dataSource();
    return ds == null ? null : builder(ds).role(p.role().serviceName()).environment(p.caller().environment())
        .expectedMigrations(Setting.EXPECTED_MIGRATION.readList(p.settings()).orElse(List.of())).build()
        .registration(policy);
  }

  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /** This check as the monitor registers it: {@code postgres:responseTime}, a datastore. */
  public CheckRegistration registration(CheckPolicy policy) {
    return new CheckRegistration(NAME, ComponentType.DATASTORE, "responseTime", policy, this);
  }

  @Override
  public CheckResult check(CheckContext ctx) throws Exception {
    try {
      return run(ctx);
    } finally {
      phase = Phase.IDLE;
    }
  }

  private CheckResult run(CheckContext ctx) throws Exception {
    if (pool != null && pool.stats().total() == 0) {
      CheckResult diagnosis = emptyPool(pool, ctx);
      if (diagnosis != null) {
        return withPool(diagnosis);
      }
    }
    phase = Phase.ACQUIRE;
    long start = System.nanoTime();
    try (Connection c = dataSource.getConnection()) {
      gate.poolServed();
      phase = Phase.QUERY;
      int previous = c.getNetworkTimeout();
      try {
        c.setNetworkTimeout(DIRECT, ctx.remainingMillis());
        try (Statement st = c.createStatement()) {
          st.setQueryTimeout(seconds(ctx));
          st.execute(validationQuery);
        }
        long responseMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        phase = Phase.MIGRATIONS;
        CheckResult migrations = expectedMigrations.isEmpty() ? null : checkMigrations(c, ctx);
        return withPool(healthy(responseMs, migrations));
      } finally {
        try {
          c.setNetworkTimeout(DIRECT, previous);
        } catch (SQLException ignored) {
          // the connection is broken; the pool will discard it
        }
      }
    } catch (SQLException e) {
      return withPool(classify(e, phase));
    }
  }

  private CheckResult healthy(long responseMs, @Nullable CheckResult migrations) {
    if (migrations != null && migrations.status() != com.example.vega.health.Status.UP) {
      return migrations.with("responseTime", responseMs, "ms");
    }
    CheckResult r;
    if (pool != null) {
      HikariPoolView.Stats s = pool.stats();
      if (s.waiting() > 0) {
        r = CheckResult.degraded(ErrorKind.SATURATED,
            s.waiting() + (s.waiting() == 1 ? " caller" : " callers") + " waiting for a connection ("
                + s.active() + "/" + s.max() + " in use)",
            "requests hold connections too long: look for slow queries, locks or a connection leak "
                + "in the " + role + " logs (aws logs tail /vega/" + environment + "/" + role
                + " --since 30m); raise maximumPoolSize only after that");
        return r.with("responseTime", responseMs, "ms");
      }
    }
    String msg = "validation query answered in " + responseMs + "ms on " + target;
    if (migrations != null) {
      msg += "; " + migrations.message();
    }
    r = CheckResult.up(msg).with("responseTime", responseMs, "ms");
    return migrations == null ? r : r.with(migrations.observations());
  }

  private CheckResult checkMigrations(Connection c, CheckContext ctx) throws SQLException {
    Set<String> applied = new HashSet<>();
    try (Statement st = c.createStatement()) {
      st.setQueryTimeout(seconds(ctx));
      try (ResultSet rs = st.executeQuery(
          "SELECT " + migrationsColumn + " FROM " + migrationsTable)) {
        while (rs.next()) {
          applied.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return CheckResult.down(ErrorKind.MIGRATION_MISSING,
            "table " + migrationsTable + " does not exist: no migration has run",
            SqlFailures.migrationsHint(environment));
      }
      if ("42703".equals(e.getSQLState())) {
        return CheckResult.down(ErrorKind.MISCONFIGURED,
            "column " + migrationsColumn + " does not exist in " + migrationsTable,
            "set the migrations column this check reads to the one vega-maintenance writes");
      }
      throw e;
    }
    List<String> missing = new ArrayList<>();
    for (String m : expectedMigrations) {
      if (!applied.contains(m)) {
        missing.add(m);
      }
    }
    List<String> gaps = gaps(applied, missing);
    String latest = expectedMigrations.get(expectedMigrations.size() - 1);
    String inspect = "inspect " + migrationsTable + " (SELECT " + migrationsColumn + " FROM " + migrationsTable
        + " ORDER BY 1) and the vega-maintenance logs (aws logs tail /vega/" + environment
        + "/vega-maintenance --since 30m)";
    if (!missing.isEmpty() || !gaps.isEmpty()) {
      List<String> said = new ArrayList<>();
      if (!missing.isEmpty()) {
        said.add("migration" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing) + " not applied");
      }
      if (!gaps.isEmpty()) {
        said.add("number" + (gaps.size() > 1 ? "s " : " ") + String.join(", ", gaps)
            + " missing from the applied sequence");
      }
      return CheckResult.down(ErrorKind.MIGRATION_MISSING,
          String.join("; ", said) + " (" + applied.size() + " applied in " + migrationsTable + ")",
          gaps.isEmpty()
              ? "run the migrations (scripts/aws/run-migrations.sh " + environment
                  + "); if that fails, inspect the stopped vega-maintenance task and its logs "
                  + "(aws logs tail /vega/" + environment + "/vega-maintenance --since 30m)"
              : "a migration was skipped or only partly applied: " + inspect + ", then run the missing ones "
                  + "(scripts/aws/run-migrations.sh " + environment + ")")
          .with("missingMigrations", missing.size() + gaps.size(), null);
    }
    List<String> lacking = missingColumns(c, ctx, applied);
    if (!lacking.isEmpty()) {
      return CheckResult.down(ErrorKind.MIGRATION_MISSING,
          migrationsTable + " records " + String.join(", ", recordedWithColumns(applied)) + " but column"
              + (lacking.size() > 1 ? "s " : " ") + String.join(", ", lacking) + (lacking.size() > 1 ? " do" : " does")
              + " not exist",
          "the migration was recorded without its changes (partly applied, or undone by hand): " + inspect
              + "; then apply its SQL again")
          .with("missingColumns", lacking.size(), null);
    }
    return CheckResult.up("migrations up to " + latest + " applied"
        + (recordedWithColumns(applied).isEmpty() ? "" : ", their columns present"))
        .with("latestMigration", latest, null);
  }

  /**
   * Numbers below the highest applied or expected one that no migration has: {@code 003} when
   * 001, 002 and 004 are recorded. Numbers already named as missing are not repeated. Only for
   * numbered sequences (up to 9999): dated or timestamped names have no sequence to miss.
   */
  private static List<String> gaps(Set<String> applied, List<String> missing) {
    TreeSet<Long> numbers = new TreeSet<>();
    int width = 3;
    for (String v : applied) {
      Matcher m = v == null ? null : NUMBERED.matcher(v);
      if (m != null && m.matches()) {
        numbers.add(Long.parseLong(m.group(1)));
        width = m.group(1).length();
      }
    }
    for (String v : missing) {
      Matcher m = NUMBERED.matcher(v);
      if (m.matches()) {
        numbers.add(Long.parseLong(m.group(1))); // named already: not a gap to report again
      }
    }
    List<String> out = new ArrayList<>();
    if (numbers.isEmpty() || numbers.last() > MAX_SEQUENCE) {
      return out;
    }
    // From 1 (or 0 when a 000 exists) to the highest applied.
    for (long n = Math.min(1, numbers.first()); n < numbers.last(); n++) {
      if (!numbers.contains(n)) {
        out.add(String.format("%0" + width + "d", n));
      }
    }
    return out.size() <= 10 ? out : List.of(String.join(", ", out.subList(0, 10)) + " and " + (out.size() - 10) + " more");
  }

  private static List<String> recordedWithColumns(Set<String> applied) {
    return COLUMNS.keySet().stream().filter(applied::contains).sorted().toList();
  }

  /** The columns recorded migrations should have added and the database does not have. */
  private List<String> missingColumns(Connection c, CheckContext ctx, Set<String> applied) throws SQLException {
    List<String> wanted = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : COLUMNS.entrySet()) {
      if (applied.contains(e.getKey())) {
        wanted.addAll(e.getValue());
      }
    }
    if (wanted.isEmpty()) {
      return wanted;
    }
    Set<String> present = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT table_name || '.' || column_name "
        + "FROM information_schema.columns WHERE table_schema = ANY (current_schemas(false)) "
        + "AND table_name || '.' || column_name = ANY (?)")) {
      ps.setQueryTimeout(seconds(ctx));
      ps.setArray(1, c.createArrayOf("text", wanted.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          present.add(rs.getString(1));
        }
      }
    }
    List<String> lacking = new ArrayList<>(wanted);
    lacking.removeAll(present);
    return lacking;
  }

  /**
   * The pool holds no connection: what its own attempts failed with, else (at most once per
   * backoff step) a diagnostic connection beside it. Null: go on through the pool.
   */
  private @Nullable CheckResult emptyPool(HikariPoolView p, CheckContext ctx) {
    phase = Phase.ACQUIRE;
    // Half the budget for the pool's own attempt, the rest for a diagnosis if it has none on record.
    SQLException failure = p.poolFailure(ctx.remainingMillis() / 2);
    if (failure != null) {
      return classify(failure, Phase.ACQUIRE);
    }
    if (p.stats().total() > 0 || !gate.tryOpen()) {
      return null; // served meanwhile, or not this run: the pool's own answer, within the timeout
    }
    phase = Phase.DIAGNOSE;
    try (Connection c = p.connectDirectly(seconds(ctx))) {
      return null; // the server takes connections: go on through the pool
    } catch (SQLException e) {
      return classify(e, Phase.DIAGNOSE);
    } finally {
      gate.closed();
    }
  }

  /** Diagnostic connections opened so far (tests: the fleet's load on a recovering database). */
  long diagnosticConnections() {
    return gate.opened();
  }

  /**
   * When a diagnostic connection may be opened while the pool stays empty: on the 1st, 2nd, 4th,
   * 8th such run and then every 8th (a backoff step each), never while one is still open (an
   * abandoned run may still be blocked in connect). Reset when the pool serves again.
   */
  static final class DiagnosticGate {
    static final int MAX_STEP = 8;
    private final AtomicBoolean open = new AtomicBoolean();
    private int emptyRuns; // guarded by this: runs with the pool empty since it last served
    private int due; // guarded by this: the empty run that may open the next one
    private int step = 1; // guarded by this
    private long opened; // guarded by this

    /** One more run found the pool empty: whether it may open a diagnostic connection now. */
    synchronized boolean tryOpen() {
      int run = emptyRuns++;
      if (run < due || !open.compareAndSet(false, true)) {
        return false;
      }
      due = run + step;
      step = Math.min(MAX_STEP, step * 2);
      opened++;
      return true;
    }

    void closed() {
      open.set(false);
    }

    synchronized void poolServed() {
      emptyRuns = 0;
      due = 0;
      step = 1;
    }

    synchronized long opened() {
      return opened;
    }
  }

  private CheckResult withPool(CheckResult r) {
    if (pool == null) {
      return r;
    }
    HikariPoolView.Stats s = pool.stats();
    return r.with("activeConnections", s.active(), "connections")
        .with("idleConnections", s.idle(), "connections")
        .with("maxConnections", s.max(), "connections")
        .with("waitingThreads", s.waiting(), "threads");
  }

  private CheckResult classify(SQLException e, Phase during) {
    SqlFailures.Target t = new SqlFailures.Target(target, pool != null ? pool.username() : null, role, environment);
    boolean connecting = during != Phase.QUERY && during != Phase.MIGRATIONS;
    CheckResult r = SqlFailures.of(e, t, connecting);
    if (connecting && r.errorKind() == ErrorKind.TIMEOUT) {
      // The driver's own timeout while connecting (often the startup handshake's read) is the
      // same failure as the monitor's deadline there: the connection never completed.
      return noConnection(" in time");
    }
    if (r.errorKind() == ErrorKind.OTHER && during == Phase.ACQUIRE && pool != null && pool.stats().saturated()) {
      return exhausted(pool.stats());
    }
    return r;
  }

  private CheckResult hung() {
    return SqlFailures.hung(new SqlFailures.Target(target, null, role, environment));
  }

  private CheckResult exhausted(HikariPoolView.Stats s) {
    return CheckResult.down(ErrorKind.SATURATED,
        "pool exhausted: " + s.active() + "/" + s.max() + " connections in use, " + s.waiting()
            + " callers waiting",
        "requests hold connections too long: look for slow queries, locks or a connection leak in "
            + "the " + role + " logs (aws logs tail /vega/" + environment + "/" + role
            + " --since 30m); raise maximumPoolSize only after that");
  }

  /**
   * The validation query; with expected migrations the migrations query, and the columns query
   * when one of them left known columns (through the pool: no connection of the check's own,
   * except the diagnostic one beside an empty pool).
   */
  @Override
  public List<DependencyCall> callsPerRun() {
    int queries = expectedMigrations.isEmpty() ? 1 : expectedMigrations.stream().anyMatch(COLUMNS::containsKey) ? 3 : 2;
    return List.of(new DependencyCall("postgres", "query", queries));
  }

  @Override
  public CheckResult onTimeout(Duration timeout) {
    String within = " within " + timeout.toMillis() + "ms";
    Phase p = phase;
    HikariPoolView.Stats s = pool != null ? pool.stats() : null;
    CheckResult r;
    if (p == Phase.ACQUIRE && s != null && s.saturated()) {
      CheckResult e = exhausted(s);
      r = e.withText(e.message() + "; no connection" + within, e.hint(), e.observations());
    } else if (p == Phase.ACQUIRE || p == Phase.DIAGNOSE) {
      r = noConnection(within);
    } else {
      CheckResult h = hung();
      r = h.withText(target + " accepted the connection but did not answer" + within, h.hint(), h.observations());
    }
    return s == null ? r : r.with("activeConnections", s.active(), "connections")
        .with("idleConnections", s.idle(), "connections")
        .with("maxConnections", s.max(), "connections")
        .with("waitingThreads", s.waiting(), "threads");
  }

  /** No connection completed, by the driver's timeout or the monitor's deadline alike. */
  private CheckResult noConnection(String within) {
    return CheckResult.down(ErrorKind.CONNECT_TIMEOUT, "no connection to " + target + within,
        "the database does not complete new connections: check the RDS instance status, "
            + "VEGA_DATABASE_URL and the database security group");
  }

  private static int seconds(CheckContext ctx) {
    return (int) Math.max(1, ctx.remaining().toSeconds());
  }

  /** Builds a {@link PostgresCheck}; settings are validated by {@link #build()}. */
  public static final class Builder {
    private final DataSource dataSource;
    private String validationQuery = "SELECT 1";
    private List<String> expectedMigrations = List.of();
    private String migrationsTable = "schema_migrations";
    private String migrationsColumn = "version";
    private String role = "vega-api";
    private String environment = "dev";

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public Builder validationQuery(String sql) {
      this.validationQuery = Objects.requireNonNull(sql, "validationQuery");
      return this;
    }

    /** Migrations that must be applied, oldest first; the last is the expected latest. */
    public Builder expectedMigrations(List<String> names) {
      this.expectedMigrations = List.copyOf(names);
      return this;
    }

    public Builder migrationsTable(String table, String column) {
      this.migrationsTable = table;
      this.migrationsColumn = column;
      return this;
    }

    /** The service name used in hints, e.g. {@code vega-worker}. */
    public Builder role(String role) {
      this.role = Objects.requireNonNull(role, "role");
      return this;
    }

    /** The environment used in hints, e.g. {@code dev}. */
    public Builder environment(String environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    public PostgresCheck build() {
      if (!IDENTIFIER.matcher(migrationsTable).matches()) {
        throw new IllegalArgumentException("migrations table '" + migrationsTable + "' is not a plain SQL identifier");
      }
      if (!IDENTIFIER.matcher(migrationsColumn).matches()) {
        throw new IllegalArgumentException("migrations column '" + migrationsColumn + "' is not a plain SQL identifier");
      }
      for (String m : expectedMigrations) {
        if (m == null || m.isBlank()) {
          throw new IllegalArgumentException("expected migration names must not be blank");
        }
      }
      return new PostgresCheck(this);
    }
  }
}

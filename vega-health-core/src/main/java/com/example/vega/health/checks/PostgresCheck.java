package com.example.vega.health.checks;

import com.example.vega.health.internal.DatabaseUrl;
import com.example.vega.health.DependencyCall;
import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ComponentType;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.Setting;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.Caller;
import com.example.vega.health.checks.internal.SqlFailures;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Postgres through the service's own pool: a validation query within the check's timeout (never
 * {@code isValid(0)}), the pool's figures, and whether the migrations table ({@code schema_migrations}
 * unless {@link Builder#migrationsTable} names Flyway's or Liquibase's) holds the expected
 * migrations: every missing one named, numbers missing from the applied sequence (a migration
 * skipped or partly applied), and the columns the service's {@link MigrationRules} require.
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
  private static final Executor DIRECT = Runnable::run;
  private enum Phase { IDLE, DIAGNOSE, ACQUIRE, QUERY, MIGRATIONS }

  private final DataSource dataSource;
  private final @Nullable HikariPoolView pool;
  private final String validationQuery;
  private final Migrations migrations;
  private final PostgresResults results;
  private volatile Phase phase = Phase.IDLE;
  private final DiagnosticGate gate = new DiagnosticGate();

  private PostgresCheck(Builder b) {
    this.dataSource = b.dataSource;
    this.pool = HikariPoolView.of(b.dataSource);
    this.validationQuery = b.validationQuery;
    this.migrations = new Migrations(b.expectedMigrations, b.migrationsTable, b.migrationsColumn, b.environment,
        b.migrationRules);
    String url = pool != null ? pool.jdbcUrl() : null;
    this.results = new PostgresResults(target(url), pool,
        new SqlFailures.Target(target(url), null, b.role, b.environment,
            Caller.logs(b.logs, b.role, b.environment)));
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
    if (ds == null) {
      return null;
    }
    Builder b = builder(ds).role(p.role().serviceName()).environment(p.caller().environment())
        .expectedMigrations(Setting.EXPECTED_MIGRATION.readList(p.settings()).orElse(List.of()));
    try {
      b.houseRules(p.settings());
    } catch (IllegalArgumentException ignored) {
      // A malformed VEGA_MIGRATIONS_TABLE/_COLUMN: the config check names it; the database is still checked.
    }
    return b.build().registration(policy);
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
        return results.withPool(diagnosis);
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
        return results.withPool(healthy(responseMs, migrations.none() ? null : migrations.check(c, seconds(ctx))));
      } finally {
        try {
          c.setNetworkTimeout(DIRECT, previous);
        } catch (SQLException ignored) {
          // the connection is broken; the pool will discard it
        }
      }
    } catch (SQLException e) {
      return results.withPool(classify(e, phase));
    }
  }

  private CheckResult healthy(long responseMs, @Nullable CheckResult migrations) {
    if (migrations != null && migrations.status() != com.example.vega.health.Status.UP) {
      return migrations.with("responseTime", responseMs, "ms");
    }
    HikariPoolView.Stats s = pool != null ? pool.stats() : null;
    // Callers queue behind a full pool: evidence of pressure. Below its maximum the pool is still
    // opening connections (a cold start, a burst): callers wait for a handshake, not for a leak.
    if (s != null && s.saturated()) {
      return results.waiting(s).with("responseTime", responseMs, "ms");
    }
    String msg = "validation query answered in " + responseMs + "ms on " + results.target();
    if (migrations != null) {
      msg += "; " + migrations.message();
    }
    CheckResult r = CheckResult.up(msg).with("responseTime", responseMs, "ms");
    return migrations == null ? r : r.with(migrations.observations());
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

  private CheckResult classify(SQLException e, Phase during) {
    return results.classify(e, during != Phase.QUERY && during != Phase.MIGRATIONS, during == Phase.ACQUIRE);
  }

  /**
   * The validation query; with expected migrations the migrations query, and the columns query
   * when one of them left known columns (through the pool: no connection of the check's own,
   * except the diagnostic one beside an empty pool).
   */
  @Override
  public List<DependencyCall> callsPerRun() {
    return List.of(new DependencyCall("postgres", "query", 1 + migrations.queriesPerRun()));
  }

  @Override
  public CheckResult onTimeout(Duration timeout) {
    String within = " within " + timeout.toMillis() + "ms";
    Phase p = phase;
    HikariPoolView.Stats s = pool != null ? pool.stats() : null;
    CheckResult r;
    if (p == Phase.ACQUIRE && s != null && s.saturated()) {
      CheckResult e = results.exhausted(s);
      r = e.withText(e.message() + "; no connection" + within, e.hint(), e.observations());
    } else if (p == Phase.ACQUIRE || p == Phase.DIAGNOSE) {
      r = results.noConnection(within);
    } else {
      CheckResult h = results.hung();
      r = h.withText(results.target() + " accepted the connection but did not answer" + within, h.hint(),
          h.observations());
    }
    return s == null ? r : PostgresResults.withPool(r, s);
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
    private String role = "service";
    private String environment = Caller.UNKNOWN_ENVIRONMENT;
    private String logs = Caller.NEUTRAL_LOGS;
    private MigrationRules migrationRules = MigrationRules.NEUTRAL;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public Builder validationQuery(String sql) {
      this.validationQuery = Objects.requireNonNull(sql, "validationQuery");
      return this;
    }

    /** Migrations that must be applied, oldest first; the last is the expected latest. */
    public Builder expectedMigrations(List<String> names) {
      for (String m : names) {
        if (m == null || m.isBlank()) {
          throw new IllegalArgumentException("expected migration names must not be blank");
        }
      }
      this.expectedMigrations = List.copyOf(names);
      return this;
    }

    /**
     * Where the applied migrations are listed; default {@code schema_migrations(version)}. Flyway:
     * {@code ("flyway_schema_history", "script")}; Liquibase: {@code ("databasechangelog", "id")}.
     * Held to the rules of {@code VEGA_MIGRATIONS_TABLE} and {@code VEGA_MIGRATIONS_COLUMN} (plain
     * SQL identifiers), whose names a refusal carries.
     */
    public Builder migrationsTable(String table, String column) {
      String t = Setting.MIGRATIONS_TABLE.require(table);
      this.migrationsColumn = Setting.MIGRATIONS_COLUMN.require(column);
      this.migrationsTable = t;
      return this;
    }

    /** The service name used in hints, e.g. {@code api}; default {@code service}. */
    public Builder role(String role) {
      this.role = Objects.requireNonNull(role, "role");
      return this;
    }

    /** The environment used in hints, e.g. {@code prod}; default {@code <env>}. */
    public Builder environment(String environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** The service's own migration rules (hints, required columns); default {@link MigrationRules#NEUTRAL}. */
    public Builder migrationRules(MigrationRules rules) {
      this.migrationRules = Objects.requireNonNull(rules, "rules");
      return this;
    }

    /**
     * Where the service's logs are, as hints say it, e.g. {@code the {service} logs in CloudWatch};
     * {@code {service}} and {@code {environment}} stand for {@link #role} and {@link #environment}.
     * Default {@code the {service} logs}.
     */
    public Builder logs(String hint) {
      if (hint == null || hint.isBlank()) {
        throw new IllegalArgumentException("the logs hint must not be blank");
      }
      this.logs = hint.strip();
      return this;
    }

    /**
     * The house rules a service gives as settings: its {@link MigrationRules} ({@code VEGA_MIGRATIONS_RUN_HINT},
     * {@code _LOGS_HINT}, {@code _COLUMNS}: {@link MigrationRules#of}), where its logs are ({@code VEGA_LOGS_HINT},
     * else the default) and its migrations table ({@code VEGA_MIGRATIONS_TABLE}, {@code VEGA_MIGRATIONS_COLUMN}).
     *
     * @throws IllegalArgumentException naming VEGA_MIGRATIONS_TABLE or VEGA_MIGRATIONS_COLUMN when it is not a plain
     *     SQL identifier; the other rules are applied by then and the table is left as it was
     */
    public Builder houseRules(VegaSettings settings) {
      migrationRules(MigrationRules.of(settings)).logs(Caller.logsHintOf(settings));
      String table = Setting.MIGRATIONS_TABLE.raw(settings);
      String column = Setting.MIGRATIONS_COLUMN.raw(settings);
      return table == null && column == null ? this
          : migrationsTable(table != null ? table : migrationsTable, column != null ? column : migrationsColumn);
    }

    public PostgresCheck build() {
      return new PostgresCheck(this);
    }
  }
}

package com.example.vega.health.checks;

import com.example.vega.health.VegaRole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.testing.PostgresServer;
import com.example.vega.health.testing.TcpFaultProxy;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Postgres check against a real PostgreSQL server, with faults made for real. */
class PostgresCheckIT {
  private static final List<String> MIGRATIONS = PostgresServer.MIGRATIONS;
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  /** Detection must happen within timeout + one interval; this covers scheduling on a busy CI box. */
  private static final Duration SLACK = Duration.ofSeconds(3);

  private static PostgresServer pg;
  private TcpFaultProxy proxy;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void startPostgres() {
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    pg.close();
  }

  @BeforeEach
  void migrate() throws Exception {
    pg.vegaSchema(MIGRATIONS.size());
    proxy = new TcpFaultProxy(pg.port());
    closeables.add(proxy);
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    closeables.clear();
    pg.sql("ALTER ROLE vega PASSWORD '" + PostgresServer.PASSWORD + "'");
  }

  private HikariDataSource pool(String url, String password, int max) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    c.setUsername(PostgresServer.USER);
    c.setPassword(password);
    c.setMaximumPoolSize(max);
    c.setMinimumIdle(0);
    c.setInitializationFailTimeout(-1); // services start even when the database is down
    c.setConnectionTimeout(30_000); // HikariCP's default: the check must not wait for it
    HikariDataSource ds = new HikariDataSource(c);
    closeables.add(ds);
    return ds;
  }

  private HikariDataSource pool() {
    return pool(PostgresServer.jdbcUrl(proxy.port()), PostgresServer.PASSWORD, 4);
  }

  /** Rules of a service's own, as the Vega services pass theirs in (examples' VegaProfile). */
  static final MigrationRules HOUSE_RULES = new MigrationRules(
      "run the migrations (scripts/aws/run-migrations.sh {environment})",
      "the vega-maintenance task's logs (aws logs tail /vega/{environment}/vega-maintenance --since 30m)",
      Map.of("004_findings_columns.sql", List.of("findings.severity", "findings.status", "findings.path")));

  /** Where a service's logs are, worded as the Vega services' house rules word it (VEGA_LOGS_HINT). */
  static final String HOUSE_LOGS = "the {service} logs (aws logs tail /vega/{environment}/{service} --since 30m)";

  private static PostgresCheck check(HikariDataSource ds) {
    // VEGA_LOGS_HINT as the role profiles, the agent and Spring pass the settings in (houseRules).
    return PostgresCheck.builder(ds).role("vega-worker").environment("dev")
        .houseRules(Map.of("VEGA_LOGS_HINT", HOUSE_LOGS)::get)
        .expectedMigrations(MIGRATIONS).migrationRules(HOUSE_RULES).build();
  }

  private HealthMonitor monitor(PostgresCheck check) {
    CheckPolicy policy = CheckPolicy.builder().interval(INTERVAL).timeout(TIMEOUT)
        .failureThreshold(1).successThreshold(1).critical(true).build();
    // Every run is evidence here, the first too: what a cold start does is StartupTest's.
    HealthMonitor m = HealthMonitor.builder().service(ServiceInfo.of("vega-worker")).startupDeadline(Duration.ZERO)
        .register(check.registration(policy)).build().start();
    closeables.add(m);
    return m;
  }

  /** Waits for the postgres state to match, failing after timeout + interval + slack. */
  private static CheckState await(HealthMonitor m, Predicate<CheckState> p) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.plus(INTERVAL).plus(SLACK).toNanos();
    CheckState s = m.snapshot().check("postgres");
    while (!p.test(s) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      s = m.snapshot().check("postgres");
    }
    assertThat(s).matches(p, "state within timeout + interval, last seen: " + s.status() + " "
        + (s.lastResult() == null ? "" : s.lastResult().errorKind() + " " + s.lastResult().message()));
    return s;
  }

  private static boolean is(CheckState s, Status status, ErrorKind kind) {
    return s.status() == status && s.lastResult() != null && s.lastResult().errorKind() == kind;
  }

  @Test
  void healthyDatabaseReportsUpWithPoolFiguresAndLatestMigration() throws Exception {
    CheckResult r = check(pool()).check(CheckContext.of(Duration.ofSeconds(2)));
    assertThat(r.status()).isEqualTo(Status.UP);
    assertThat(r.message()).contains("validation query answered", "004_findings_columns.sql");
    assertThat(r.observation("responseTime").unit()).isEqualTo("ms");
    assertThat(r.observation("latestMigration").value()).isEqualTo("004_findings_columns.sql");
    assertThat(r.observation("maxConnections").value()).isEqualTo(4);
    assertThat(r.observation("waitingThreads").value()).isEqualTo(0);
  }

  @Test
  void stoppedServerReportsConnectionRefusedAndRecovers() throws Exception {
    HealthMonitor m = monitor(check(pool()));
    await(m, s -> s.status() == Status.UP);

    proxy.mode(TcpFaultProxy.Mode.REFUSE);
    CheckState down = await(m, s -> is(s, Status.DOWN, ErrorKind.CONNECTION_REFUSED));
    assertThat(down.lastResult().message()).isEqualTo("connection refused on 127.0.0.1:" + proxy.port());
    assertThat(down.lastResult().hint()).isEqualTo("check VEGA_DATABASE_URL and the database security group");

    proxy.mode(TcpFaultProxy.Mode.FORWARD);
    await(m, s -> s.status() == Status.UP);
  }

  /** The hint for a server that takes the connection and then says nothing. */
  private static final String HUNG_HINT = "the database is frozen or overloaded: check the RDS instance status, "
      + "CPU, storage and blocking locks (pg_stat_activity)";

  @Test
  void aConnectionThatNeverCompletesIsAConnectTimeoutWhileSnapshotReadsStayImmediate() throws Exception {
    proxy.mode(TcpFaultProxy.Mode.FREEZE); // before the pool has any connection: none ever completes
    HealthMonitor m = monitor(check(pool()));
    CheckState down = await(m, s -> s.status() == Status.DOWN);
    assertThat(down.lastResult().errorKind()).isEqualTo(ErrorKind.CONNECT_TIMEOUT);
    assertThat(down.lastResult().message()).contains("127.0.0.1:" + proxy.port());
    assertThat(down.lastResult().hint()).isEqualTo("the database does not complete new connections: check the RDS "
        + "instance status, VEGA_DATABASE_URL and the database security group");
    // A check thread is stuck on the frozen socket; reading the snapshot must not wait for it.
    assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
      for (int i = 0; i < 10_000; i++) {
        assertThat(m.snapshot().check("postgres").status()).isEqualTo(Status.DOWN);
      }
    });

    proxy.mode(TcpFaultProxy.Mode.FORWARD);
    await(m, s -> s.status() == Status.UP);
  }

  @Test
  void aQueryThatHangsOnALiveConnectionIsATimeoutNamingBlockingLocks() throws Exception {
    HikariDataSource ds = pool();
    HealthMonitor m = monitor(check(ds));
    await(m, s -> s.status() == Status.UP); // the pool holds a live connection now
    try (Connection locker = pg.superuserConnection()) {
      locker.setAutoCommit(false);
      try (Statement st = locker.createStatement()) {
        st.execute("LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE"); // held until rollback
      }
      CheckState down = await(m, s -> s.status() == Status.DOWN);
      assertThat(down.lastResult().errorKind()).isEqualTo(ErrorKind.TIMEOUT);
      assertThat(down.lastResult().message()).contains("accepted the connection but did not answer");
      assertThat(down.lastResult().hint()).isEqualTo(HUNG_HINT);
      // Run by hand with a longer budget, the driver's statement timeout (SQLSTATE 57014) fires
      // first: the same kind and hint, not "database error".
      CheckResult byHand = check(ds).check(CheckContext.of(Duration.ofSeconds(2)));
      assertThat(byHand.errorKind()).as(byHand.message()).isEqualTo(ErrorKind.TIMEOUT);
      assertThat(byHand.hint()).isEqualTo(HUNG_HINT);
      locker.rollback();
    }
    await(m, s -> s.status() == Status.UP);
  }

  @Test
  void aRoleThatMayNotLogInIsAnAuthenticationFailure() throws Exception {
    pg.admin("ALTER ROLE " + PostgresServer.USER + " NOLOGIN"); // SQLSTATE 28000
    try {
      CheckResult r = check(pool()).check(CheckContext.of(Duration.ofSeconds(3)));
      assertThat(r.errorKind()).as(r.message()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(r.message()).isEqualTo("authentication failed for user 'vega' on 127.0.0.1:" + proxy.port());
      assertThat(r.hint()).contains("Secrets Manager");
      // Built with nothing but the pool, the hints name no Vega service, environment or log group.
      CheckResult plain = PostgresCheck.builder(pool()).expectedMigrations(MIGRATIONS).build()
          .check(CheckContext.of(Duration.ofSeconds(3)));
      assertThat(plain.errorKind()).as(plain.message()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(plain.hint()).isEqualTo("check the database credentials in Secrets Manager (the secret referenced "
          + "in the service task definition) and VEGA_DATABASE_URL");
    } finally {
      pg.admin("ALTER ROLE " + PostgresServer.USER + " LOGIN");
    }
  }

  @Test
  void aSessionTerminatedByTheServerIsStartingUpOrShuttingDown() throws Exception {
    PostgresCheck slow = PostgresCheck.builder(pool()).role("vega-worker").environment("dev")
        .validationQuery("SELECT pg_sleep(20)").build();
    ExecutorService exec = Executors.newSingleThreadExecutor();
    try {
      var result = exec.submit(() -> slow.check(CheckContext.of(Duration.ofSeconds(30))));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      boolean terminated = false;
      while (!terminated && System.nanoTime() < deadline) {
        try (Connection c = pg.superuserConnection(); Statement st = c.createStatement();
            var rs = st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE query = 'SELECT pg_sleep(20)' AND state = 'active'")) {
          rs.next();
          terminated = rs.getInt(1) > 0; // what a restart or failover does to the session: 57P01
        }
        Thread.sleep(20);
      }
      assertThat(terminated).as("the check's query was seen running").isTrue();
      CheckResult r = result.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.errorKind()).as(r.message()).isEqualTo(ErrorKind.SERVER_ERROR);
      assertThat(r.message()).isEqualTo("127.0.0.1:" + proxy.port() + " is starting up or shutting down");
      assertThat(r.hint()).contains("a reboot or failover in progress");
    } finally {
      exec.shutdownNow();
    }
  }

  @Test
  void aMissingFindingsColumnAsksWhetherEveryMigrationIsApplied() throws Exception {
    pg.sql("DROP TABLE IF EXISTS findings");
    pg.sql("CREATE TABLE findings (id bigint PRIMARY KEY)"); // as before 004_findings_columns.sql
    try {
      CheckResult r = PostgresCheck.builder(pool()).role("vega-worker").environment("dev")
          .validationQuery("SELECT severity FROM findings LIMIT 1").build()
          .check(CheckContext.of(Duration.ofSeconds(3)));
      assertThat(r.errorKind()).as(r.message()).isEqualTo(ErrorKind.MIGRATION_MISSING);
      assertThat(r.message()).startsWith("a column is missing: ").contains("severity");
      assertThat(r.hint()).contains("VEGA_EXPECTED_MIGRATION").doesNotContain("run-migrations", "vega-maintenance");
    } finally {
      pg.sql("DROP TABLE findings");
    }
  }

  @Test
  void aHostThatDoesNotResolveIsNamedAsSuch() throws Exception {
    CheckResult r = check(pool("jdbc:postgresql://db.no-such-host.invalid:5432/vega", PostgresServer.PASSWORD, 2))
        .check(CheckContext.of(Duration.ofSeconds(3)));
    assertThat(r.errorKind()).as(r.message()).isEqualTo(ErrorKind.UNKNOWN_HOST);
    assertThat(r.message()).isEqualTo("the database host in VEGA_DATABASE_URL does not resolve");
    assertThat(r.hint()).contains("VPC's DNS");
  }

  @Test
  void wrongPasswordReportsAuthenticationFailureWithoutPrintingIt() throws Exception {
    String wrong = "not-the-password-42";
    PostgresCheck check = check(pool(PostgresServer.jdbcUrl(proxy.port()), wrong, 2));
    CheckResult r = check.check(CheckContext.of(Duration.ofSeconds(2)));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.AUTHENTICATION);
    assertThat(r.message()).isEqualTo("authentication failed for user 'vega' on 127.0.0.1:" + proxy.port());
    assertThat(r.hint()).contains("Secrets Manager");
    assertThat(r.message() + r.hint() + r.observations()).doesNotContain(wrong, PostgresServer.PASSWORD);

    pg.sql("ALTER ROLE vega PASSWORD '" + wrong + "'"); // the credentials are fixed
    assertThat(check.check(CheckContext.of(Duration.ofSeconds(2))).status()).isEqualTo(Status.UP);
  }

  /** The pool keeps failing on its own: the check says why from that, without a connection beside it. */
  @Test
  void aFailingPoolIsDiagnosedFromItsOwnFailureWithoutAConnectionBesideIt() throws Exception {
    PostgresCheck check = check(pool(PostgresServer.jdbcUrl(proxy.port()), "not-the-password-42", 2));
    for (int i = 0; i < 10; i++) {
      CheckResult r = check.check(CheckContext.of(Duration.ofSeconds(2)));
      assertThat(r.errorKind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(r.message()).isEqualTo("authentication failed for user 'vega' on 127.0.0.1:" + proxy.port());
    }
    assertThat(check.diagnosticConnections()).isZero();
  }

  /**
   * The pool's own connection attempt hangs (a frozen server): diagnostic connections at most once
   * per backoff step, 5 in 16 runs, instead of one per run.
   */
  @Test
  void aHangingPoolGetsADiagnosticConnectionOncePerBackoffStepNotPerRun() throws Exception {
    proxy.mode(TcpFaultProxy.Mode.FREEZE);
    HikariConfig c = PostgresServer.pool(proxy.port());
    c.setMinimumIdle(0);
    c.setConnectionTimeout(250);
    HikariDataSource ds = new HikariDataSource(c);
    closeables.add(ds);
    PostgresCheck check = check(ds);
    for (int i = 0; i < 16; i++) {
      CheckResult r = check.check(CheckContext.of(Duration.ofMillis(300)));
      assertThat(r.status()).isEqualTo(Status.DOWN);
    }
    assertThat(check.diagnosticConnections()).isEqualTo(5);

    proxy.mode(TcpFaultProxy.Mode.FORWARD);
    CheckResult up = null;
    for (int i = 0; i < 50 && (up == null || up.status() != Status.UP); i++) {
      up = check.check(CheckContext.of(Duration.ofSeconds(2)));
    }
    assertThat(up.status()).isEqualTo(Status.UP);
  }

  @Test
  void missingDatabaseIsNamedAsSuch() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/no_such_db";
    CheckResult r = check(pool(url, PostgresServer.PASSWORD, 2)).check(CheckContext.of(Duration.ofSeconds(2)));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(r.message()).contains("does not exist");
    assertThat(r.hint()).contains("VEGA_DATABASE_URL");
  }

  @Test
  void exhaustedPoolReportsDownWithinTimeoutAndRecovers() throws Exception {
    HikariDataSource ds = pool(PostgresServer.jdbcUrl(proxy.port()), PostgresServer.PASSWORD, 2);
    HealthMonitor m = monitor(check(ds));
    await(m, s -> s.status() == Status.UP);

    Connection a = ds.getConnection();
    Connection b = ds.getConnection();
    ExecutorService waiters = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 2; i++) {
        waiters.execute(() -> {
          try (Connection c = ds.getConnection()) {
            Thread.sleep(10); // got one after the pool was freed
          } catch (Exception e) {
            // timed out or interrupted at the end of the test
          }
        });
      }
      CheckState down = await(m, s -> is(s, Status.DOWN, ErrorKind.SATURATED));
      assertThat(down.lastResult().message()).startsWith("pool exhausted: 2/2 connections in use");
      assertThat(down.lastResult().hint()).contains("connection leak in the vega-worker logs "
          + "(aws logs tail /vega/dev/vega-worker --since 30m); raise maximumPoolSize");
      assertThat(down.lastResult().observation("waitingThreads").value()).isNotEqualTo(0);
    } finally {
      a.close();
      b.close();
      waiters.shutdownNow();
    }
    await(m, s -> s.status() == Status.UP);
  }

  /** Waits (bounded) until the pool shows the condition; the pool's own figures drive the test. */
  private static void awaitPool(HikariDataSource ds, Predicate<com.zaxxer.hikari.HikariPoolMXBean> p)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (ds.getHikariPoolMXBean() != null && p.test(ds.getHikariPoolMXBean())) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("pool did not reach the expected state: active "
        + ds.getHikariPoolMXBean().getActiveConnections() + ", waiting "
        + ds.getHikariPoolMXBean().getThreadsAwaitingConnection());
  }

  @Test
  void callersWaitingWhileTheCheckStillGotAConnectionIsDegradedNamingThem() throws Exception {
    HikariDataSource ds = pool(PostgresServer.jdbcUrl(proxy.port()), PostgresServer.PASSWORD, 3);
    // A validation query that holds the check's connection for a second, so that a caller can queue
    // behind it: the in-between state, with the pool full but the check served.
    PostgresCheck check = PostgresCheck.builder(ds).role("vega-worker").environment("dev")
        .validationQuery("SELECT pg_sleep(1)").build();
    Connection a = ds.getConnection();
    Connection b = ds.getConnection();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      var run = threads.submit(() -> check.check(CheckContext.of(Duration.ofSeconds(5))));
      awaitPool(ds, p -> p.getActiveConnections() == 3); // the check holds the third
      threads.execute(() -> {
        try (Connection c = ds.getConnection()) {
          // served once the check gives its connection back
        } catch (Exception e) {
          // interrupted at the end of the test
        }
      });
      awaitPool(ds, p -> p.getThreadsAwaitingConnection() == 1);
      CheckResult r = run.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(Status.DEGRADED);
      assertThat(r.errorKind()).isEqualTo(ErrorKind.SATURATED);
      assertThat(r.message()).isEqualTo("1 caller waiting for a connection (3/3 in use)");
      assertThat(r.hint()).isEqualTo("requests hold connections too long: look for slow queries, locks or a "
          + "connection leak in the vega-worker logs; raise maximumPoolSize only after that");
      assertThat(r.observation("waitingThreads").value()).isEqualTo(1);
    } finally {
      a.close();
      b.close();
      threads.shutdownNow();
    }
    // Nobody waiting any more: the same check is UP.
    awaitPool(ds, p -> p.getThreadsAwaitingConnection() == 0);
    assertThat(check.check(CheckContext.of(Duration.ofSeconds(5))).status()).isEqualTo(Status.UP);
  }

  /**
   * A caller that waits while the pool, below its maximum, opens a connection (a cold start, a
   * burst) is no evidence of pressure: UP, with the waiting caller among the pool's figures. The
   * new connection's handshake is held back by the proxy so that the wait outlasts the check.
   */
  @Test
  void callersWaitingWhileThePoolOpensConnectionsBelowItsMaximumAreNoDegradation() throws Exception {
    HikariDataSource ds = pool(PostgresServer.jdbcUrl(proxy.port()), PostgresServer.PASSWORD, 3);
    PostgresCheck check = PostgresCheck.builder(ds).role("vega-worker").environment("dev")
        .validationQuery("SELECT pg_sleep(1)").build();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      var run = threads.submit(() -> check.check(CheckContext.of(Duration.ofSeconds(20))));
      awaitPool(ds, p -> p.getActiveConnections() == 1); // the check holds the pool's only connection
      proxy.slowBy(Duration.ofSeconds(2)).mode(TcpFaultProxy.Mode.SLOW); // every handshake step 2 s late
      threads.execute(() -> {
        try (Connection c = ds.getConnection()) {
          // served once its connection is open
        } catch (Exception e) {
          // interrupted at the end of the test
        }
      });
      awaitPool(ds, p -> p.getThreadsAwaitingConnection() == 1);
      CheckResult r = run.get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.observation("waitingThreads").value()).as(r.toString()).isEqualTo(1);
      assertThat(r.observation("activeConnections").value()).isEqualTo(1);
      assertThat(r.status()).as(r.toString()).isEqualTo(Status.UP);
      assertThat(r.message()).startsWith("validation query answered in ");
    } finally {
      proxy.mode(TcpFaultProxy.Mode.FORWARD);
      threads.shutdownNow();
    }
  }

  @Test
  void missingMigrationIsNamedAndRecoveryFollowsItsApplication() throws Exception {
    pg.sql("DELETE FROM schema_migrations WHERE version = '004_findings_columns.sql'");
    PostgresCheck check = check(pool());
    CheckResult r = check.check(CheckContext.of(Duration.ofSeconds(2)));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.MIGRATION_MISSING);
    assertThat(r.message()).startsWith("migration 004_findings_columns.sql not applied");
    assertThat(r.hint()).contains("scripts/aws/run-migrations.sh dev", "/vega/dev/vega-maintenance");

    pg.sql("INSERT INTO schema_migrations(version) VALUES ('004_findings_columns.sql')");
    assertThat(check.check(CheckContext.of(Duration.ofSeconds(2))).status()).isEqualTo(Status.UP);
  }

  @Test
  void everyMissingMigrationIsNamedFromTheOneListAsEveryModuleReadsIt() throws Exception {
    pg.vegaSchema(2);
    // VEGA_EXPECTED_MIGRATION as core's profile, the agent and Spring read it: one list setting.
    List<String> expected = com.example.vega.health.Setting.EXPECTED_MIGRATION
        .readList(k -> String.join(",", MIGRATIONS)).orElse(List.of());
    assertThat(expected).isEqualTo(MIGRATIONS);
    assertThat(ConfigCheck.of(VegaRole.MAINTENANCE, java.util.Map.of("VEGA_ENVIRONMENT", "dev",
        "VEGA_DATABASE_URL", "jdbc:postgresql://db:5432/vega", "VEGA_EXPECTED_MIGRATION", String.join(",", MIGRATIONS))::get)
        .check(CheckContext.of(Duration.ofSeconds(1))).status()).as("the config check takes the list").isEqualTo(Status.UP);
    PostgresCheck check = PostgresCheck.builder(pool()).role("vega-maintenance").environment("dev")
        .expectedMigrations(expected).migrationRules(HOUSE_RULES).build();
    CheckResult r = check.check(CheckContext.of(Duration.ofSeconds(2)));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.MIGRATION_MISSING);
    assertThat(r.message()).isEqualTo("migrations 003_findings.sql, 004_findings_columns.sql not applied "
        + "(2 applied in schema_migrations)");
    assertThat(r.observation("missingMigrations").value()).isEqualTo(2);
    assertThat(r.hint()).startsWith("run the migrations (scripts/aws/run-migrations.sh dev)");

    pg.vegaSchema(4);
    assertThat(check.check(CheckContext.of(Duration.ofSeconds(2))).message())
        .endsWith("migrations up to 004_findings_columns.sql applied, their columns present");
  }

  @Test
  void aGapInTheAppliedSequenceIsNamedEvenWhenTheLatestIsThere() throws Exception {
    pg.sql("DELETE FROM schema_migrations WHERE version = '003_findings.sql'");
    // Only the latest expected, as most services set it: the gap below it still shows.
    PostgresCheck check = PostgresCheck.builder(pool()).role("vega-api").environment("dev")
        .expectedMigrations(List.of("004_findings_columns.sql")).migrationRules(HOUSE_RULES).build();
    CheckResult r = check.check(CheckContext.of(Duration.ofSeconds(2)));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.MIGRATION_MISSING);
    assertThat(r.message()).isEqualTo("number 003 missing from the applied sequence (3 applied in schema_migrations)");
    assertThat(r.hint()).isEqualTo("a migration was skipped or only partly applied: inspect schema_migrations "
        + "(SELECT version FROM schema_migrations ORDER BY 1) and the vega-maintenance task's logs (aws logs tail "
        + "/vega/dev/vega-maintenance --since 30m), then run the migrations (scripts/aws/run-migrations.sh dev)");

    pg.sql("INSERT INTO schema_migrations(version) VALUES ('003_findings.sql')");
    assertThat(check.check(CheckContext.of(Duration.ofSeconds(2))).status()).isEqualTo(Status.UP);
    // A dated name is not a sequence number: no thousands of "gaps" below it.
    pg.sql("INSERT INTO schema_migrations(version) VALUES ('20261130_hotfix.sql')");
    assertThat(check.check(CheckContext.of(Duration.ofSeconds(2))).status()).isEqualTo(Status.UP);
  }

  /**
   * Flyway's history table: VEGA_EXPECTED_MIGRATION takes its script names (and its versions, for
   * the version column), compared exactly; a gap in the V-numbers is named as Flyway numbers it.
   */
  @Test
  void flywayScriptsAreExpectedAsTheHistoryRecordsThemAndAGapIsNamedAsAVersion() throws Exception {
    pg.sql("CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version text, script text)");
    try {
      pg.sql("INSERT INTO flyway_schema_history VALUES (1, '1', 'V1__init.sql'), (2, '2', 'V2__scans.sql'), "
          + "(3, '4', 'V4__findings_columns.sql')");
      List<String> expected = com.example.vega.health.Setting.EXPECTED_MIGRATION
          .readList(k -> "V4__findings_columns.sql").orElse(List.of());
      assertThat(expected).containsExactly("V4__findings_columns.sql");
      PostgresCheck check = PostgresCheck.builder(pool()).migrationsTable("flyway_schema_history", "script")
          .expectedMigrations(expected).build();
      CheckResult r = check.check(CheckContext.of(Duration.ofSeconds(2)));
      assertThat(r.errorKind()).as(r.message()).isEqualTo(ErrorKind.MIGRATION_MISSING);
      assertThat(r.message()).isEqualTo("number V3 missing from the applied sequence (3 applied in flyway_schema_history)");
      assertThat(r.hint()).contains("SELECT script FROM flyway_schema_history ORDER BY 1");

      pg.sql("INSERT INTO flyway_schema_history VALUES (4, '3', 'V3__findings.sql')");
      assertThat(check.check(CheckContext.of(Duration.ofSeconds(2))).message())
          .endsWith("migrations up to V4__findings_columns.sql applied");
      CheckResult next = PostgresCheck.builder(pool()).migrationsTable("flyway_schema_history", "script")
          .expectedMigrations(List.of("V5__next.sql")).build().check(CheckContext.of(Duration.ofSeconds(2)));
      assertThat(next.message()).isEqualTo("migration V5__next.sql not applied (4 applied in flyway_schema_history)");
      // The same table named by settings, as the agent and the role profiles read them (houseRules).
      CheckResult fromSettings = PostgresCheck.builder(pool()).expectedMigrations(List.of("V5__next.sql"))
          .houseRules(Map.of("VEGA_MIGRATIONS_TABLE", "flyway_schema_history", "VEGA_MIGRATIONS_COLUMN", "script")::get)
          .build().check(CheckContext.of(Duration.ofSeconds(2)));
      assertThat(fromSettings.message()).isEqualTo(next.message());
      CheckResult byVersion = PostgresCheck.builder(pool()).migrationsTable("flyway_schema_history", "version")
          .expectedMigrations(com.example.vega.health.Setting.EXPECTED_MIGRATION.readList(k -> "4").orElse(List.of()))
          .build().check(CheckContext.of(Duration.ofSeconds(2)));
      assertThat(byVersion.status()).as(byVersion.message()).isEqualTo(Status.UP);
    } finally {
      pg.sql("DROP TABLE flyway_schema_history");
    }
  }

  @Test
  void findingsColumnsRecordedButAbsentAreNamedAndRecoverOnceAdded() throws Exception {
    pg.sql("ALTER TABLE findings DROP COLUMN severity, DROP COLUMN path");
    PostgresCheck check = check(pool());
    CheckResult r = check.check(CheckContext.of(Duration.ofSeconds(2)));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.MIGRATION_MISSING);
    assertThat(r.message()).isEqualTo("schema_migrations records 004_findings_columns.sql but columns "
        + "findings.severity, findings.path do not exist");
    assertThat(r.hint()).startsWith("the migration was recorded without its changes (partly applied, or undone by hand): "
        + "inspect schema_migrations").endsWith("; then apply its SQL again");
    assertThat(r.observation("missingColumns").value()).isEqualTo(2);

    pg.sql("ALTER TABLE findings ADD COLUMN severity text NOT NULL DEFAULT 'medium', ADD COLUMN path text");
    assertThat(check.check(CheckContext.of(Duration.ofSeconds(2))).status()).isEqualTo(Status.UP);
  }

  @Test
  void withoutRulesOfItsOwnAMissingMigrationGetsTheNeutralHint() throws Exception {
    pg.sql("DELETE FROM schema_migrations WHERE version = '004_findings_columns.sql'");
    CheckResult r = PostgresCheck.builder(pool()).role("vega-worker").environment("dev")
        .expectedMigrations(MIGRATIONS).build().check(CheckContext.of(Duration.ofSeconds(2)));
    assertThat(r.errorKind()).isEqualTo(ErrorKind.MIGRATION_MISSING);
    assertThat(r.hint()).isEqualTo("apply the pending migrations with the tool that writes the migrations table; "
        + "if that fails, inspect that tool's output");
  }

  @Test
  void requiredColumnsAreCheckedOnlyWhenTheServiceConfiguresThem() throws Exception {
    pg.sql("ALTER TABLE findings DROP COLUMN severity");
    PostgresCheck neutral = PostgresCheck.builder(pool()).role("vega-worker").environment("dev")
        .expectedMigrations(MIGRATIONS).build();
    CheckResult r = neutral.check(CheckContext.of(Duration.ofSeconds(2)));
    assertThat(r.status()).as(r.message()).isEqualTo(Status.UP);
    assertThat(r.message()).doesNotContain("their columns present");

    CheckResult ruled = check(pool()).check(CheckContext.of(Duration.ofSeconds(2)));
    assertThat(ruled.status()).isEqualTo(Status.DOWN);
    assertThat(ruled.message()).endsWith("column findings.severity does not exist");
    pg.sql("ALTER TABLE findings ADD COLUMN severity text NOT NULL DEFAULT 'medium'");
  }

  @Test
  void absentMigrationTableSaysNoMigrationHasRun() throws Exception {
    pg.sql("DROP TABLE schema_migrations");
    CheckResult r = check(pool()).check(CheckContext.of(Duration.ofSeconds(2)));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.MIGRATION_MISSING);
    assertThat(r.message()).isEqualTo("table schema_migrations does not exist: no migration has run");
  }

  @Test
  void passwordInTheUrlNeverAppears() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/vega?password=" + PostgresServer.PASSWORD;
    proxy.mode(TcpFaultProxy.Mode.REFUSE);
    HikariDataSource ds = pool(url, PostgresServer.PASSWORD, 2);
    CheckResult r = check(ds).check(CheckContext.of(Duration.ofSeconds(2)));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.message() + r.hint() + r.observations()).doesNotContain(PostgresServer.PASSWORD);
  }
}

package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthProbe;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.testing.ManualScheduler;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Every condition of the auto-configuration, without a web server. */
class VegaHealthAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VegaHealthAutoConfiguration.class))
      .withPropertyValues("vega.health.server.port=-1");

  static DataSource unreachablePool() {
    HikariDataSource ds = new HikariDataSource();
    ds.setJdbcUrl("jdbc:postgresql://127.0.0.1:1/vega");
    ds.setUsername("vega");
    ds.setPassword("pool-password-never-shown");
    ds.setInitializationFailTimeout(-1);
    ds.setConnectionTimeout(250);
    return ds;
  }

  private static List<String> checkNames(HealthMonitor m) {
    return m.snapshot().checks().stream().map(CheckState::name).toList();
  }

  @Test
  void withoutDataSourceOnlyTheJvmIsChecked() {
    runner.run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(HealthMonitor.class);
      assertThat(checkNames(ctx.getBean(HealthMonitor.class))).containsExactly("jvm-deadlock");
    });
  }

  @Test
  void applicationDataSourceGetsACriticalPostgresCheck() {
    runner.withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool).run(ctx -> {
      HealthMonitor m = ctx.getBean(HealthMonitor.class);
      assertThat(checkNames(m)).containsExactlyInAnyOrder("postgres", "jvm-deadlock");
      CheckPolicy p = m.snapshot().check("postgres").registration().policy();
      assertThat(p.critical()).isTrue();
      assertThat(p.feeds(HealthProbe.READINESS)).isTrue();
      assertThat(p.feeds(HealthProbe.LIVENESS)).isFalse();
      assertThat(m.snapshot().check("jvm-deadlock").registration().policy().feeds(HealthProbe.LIVENESS)).isTrue();
    });
  }

  @Test
  void propertyTurnsEachCheckOff() {
    runner.withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .withPropertyValues("vega.health.checks.postgres.enabled=false")
        .run(ctx -> assertThat(checkNames(ctx.getBean(HealthMonitor.class))).containsExactly("jvm-deadlock"));
    runner.withPropertyValues("vega.health.checks.jvm-deadlock.enabled=false")
        .run(ctx -> assertThat(checkNames(ctx.getBean(HealthMonitor.class))).isEmpty());
  }

  @Test
  void tunedPolicyIsApplied() {
    runner.withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .withPropertyValues(
            "vega.health.checks.postgres.interval=42s",
            "vega.health.checks.postgres.timeout=5s",
            "vega.health.checks.postgres.failure-threshold=4",
            "vega.health.checks.postgres.success-threshold=1",
            "vega.health.checks.postgres.critical=false")
        .run(ctx -> {
          CheckPolicy p = ctx.getBean(HealthMonitor.class).snapshot().check("postgres").registration().policy();
          assertThat(p.interval()).isEqualTo(Duration.ofSeconds(42));
          assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(5));
          assertThat(p.failureThreshold()).isEqualTo(4);
          assertThat(p.successThreshold()).isEqualTo(1);
          assertThat(p.critical()).isFalse();
          assertThat(p.feeds(HealthProbe.READINESS)).isFalse();
        });
  }

  @Test
  void applicationCheckBeansAreRegisteredAndTunedLikeOurs() {
    runner.withBean("cacheCheck", CheckRegistration.class,
            () -> CheckRegistration.of("cache", ctx -> CheckResult.up("ok"), CheckPolicy.DEFAULT))
        .withPropertyValues("vega.health.checks.cache.critical=true")
        .run(ctx -> {
          CheckState cache = ctx.getBean(HealthMonitor.class).snapshot().check("cache");
          assertThat(cache).isNotNull();
          assertThat(cache.critical()).isTrue();
        });
  }

  @Test
  void malformedDurationFailsNamingTheKey() {
    runner.withPropertyValues("vega.health.checks.postgres.interval=soon").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("vega.health.checks.postgres.interval"));
  }

  @Test
  void timeoutLongerThanIntervalFailsNamingTheCheck() {
    runner.withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .withPropertyValues("vega.health.checks.postgres.interval=2s", "vega.health.checks.postgres.timeout=5s")
        .run(ctx -> assertThat(ctx).getFailure()
            .hasStackTraceContaining("vega.health.checks.postgres")
            .hasStackTraceContaining("must not exceed interval"));
  }

  @Test
  void aMigrationsTableThatIsNotAPlainIdentifierFailsNamingTheKey() {
    runner.withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .withPropertyValues("vega.health.postgres.migrations-table=flyway_schema_history; drop table scans")
        .run(ctx -> assertThat(ctx).getFailure()
            .hasStackTraceContaining("vega.health.postgres.migrations-table").hasStackTraceContaining("plain SQL identifier"));
    runner.withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .withPropertyValues("vega.health.postgres.migrations-table=flyway_schema_history",
            "vega.health.postgres.migrations-column=script name")
        .run(ctx -> assertThat(ctx).getFailure().hasStackTraceContaining("vega.health.postgres.migrations-column"));
    // Boot binds VEGA_* variables too: a malformed VEGA_MIGRATIONS_TABLE stops startup naming it.
    runner.withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .withPropertyValues("VEGA_MIGRATIONS_TABLE=flyway_schema_history; drop table scans")
        .run(ctx -> assertThat(ctx).getFailure().hasStackTraceContaining("VEGA_MIGRATIONS_TABLE is malformed"));
  }

  @Test
  void malformedVegaSettingFailsNamingTheVariable() {
    runner.withPropertyValues("VEGA_ROLE=scheduler").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("VEGA_ROLE").hasStackTraceContaining("worker"));
    runner.withPropertyValues("VEGA_ENVIRONMENT=Prod Env").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("VEGA_ENVIRONMENT"));
  }

  @Test
  void malformedDetailNetworkFailsNamingTheKey() {
    runner.withPropertyValues("vega.health.detail.networks=10.0.0.0/16,office").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("vega.health.detail.networks[1]"));
  }

  @Test
  void shortDetailTokenFailsWithoutShowingIt() {
    runner.withPropertyValues("vega.health.detail.token=hunter2-secret").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("vega.health.detail.token")
            .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("hunter2-secret")));
  }

  @Test
  void outOfRangeProbePortFailsNamingTheKey() {
    runner.withPropertyValues("vega.health.server.port=70000").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("vega.health.server.port"));
  }

  @Test
  void vegaSettingsComeFromTheSpringEnvironment() {
    runner.withPropertyValues(
            "VEGA_ROLE=WORKER", "VEGA_ENVIRONMENT=staging",
            "VEGA_EXPECTED_MIGRATION=003_findings.sql,004_findings_columns.sql")
        .run(ctx -> {
          assertThat(ctx.getBean(VegaSettings.class).value("VEGA_ENVIRONMENT")).isEqualTo("staging");
          ResolvedSettings s = ctx.getBean(ResolvedSettings.class);
          assertThat(s.role()).isEqualTo("worker");
          assertThat(s.environment()).isEqualTo("staging");
          assertThat(s.service().serviceId()).isEqualTo("vega-worker");
          assertThat(s.expectedMigrations()).containsExactly("003_findings.sql", "004_findings_columns.sql");
        });
  }

  @Test
  void withoutAnEnvironmentNoneIsClaimedAndTheConfigCheckNamesIt() {
    runner.withPropertyValues("VEGA_ROLE=maintenance").run(ctx -> {
      ResolvedSettings s = ctx.getBean(ResolvedSettings.class);
      assertThat(s.environment()).isEqualTo("<env>");
      assertThat(s.service().environment()).isEqualTo("<env>");
      CheckRegistration config = ctx.getBean(HealthMonitor.class).snapshot().check("config").registration();
      assertThat(config.check().check(com.example.vega.health.CheckContext.of(Duration.ofSeconds(1))).message())
          .contains("VEGA_ENVIRONMENT");
    });
  }

  @Test
  void propertiesWinOverVegaSettings() {
    runner.withPropertyValues("VEGA_ENVIRONMENT=staging", "vega.health.environment=prod",
            "spring.application.name=vega-api", "vega.health.service.version=1.4.2")
        .run(ctx -> {
          ResolvedSettings s = ctx.getBean(ResolvedSettings.class);
          assertThat(s.environment()).isEqualTo("prod");
          assertThat(s.service().serviceId()).isEqualTo("vega-api");
          assertThat(s.service().version()).isEqualTo("1.4.2");
        });
  }

  @Test
  void turnedOffEntirelyByProperty() {
    runner.withPropertyValues("vega.health.enabled=false").run(ctx ->
        assertThat(ctx).hasNotFailed().doesNotHaveBean(HealthMonitor.class));
  }

  @Test
  void monitorRunsWithTheContextAndStopsWithIt() {
    HealthMonitor[] seen = new HealthMonitor[1];
    runner.run(ctx -> {
      seen[0] = ctx.getBean(HealthMonitor.class);
      assertThat(seen[0].alive()).isTrue();
    });
    assertThat(seen[0].alive()).isFalse();
  }

  /** A monitor on a hand-moved scheduler, so that when the checks first run can be read. */
  private static VegaHealthCustomizer manualTime(ManualScheduler scheduler) {
    return b -> b.scheduler(scheduler).runExecutor(Runnable::run).instanceId("task-s");
  }

  @Test
  void startSpreadAndMaxBackoffPropertiesWinOverTheVegaSettings() {
    ManualScheduler scheduler = new ManualScheduler();
    runner.withBean(VegaHealthCustomizer.class, () -> manualTime(scheduler))
        .withPropertyValues("VEGA_HEALTH_START_SPREAD=3600", "VEGA_HEALTH_MAX_BACKOFF=600",
            "vega.health.start-spread=0s", "vega.health.max-backoff=45s",
            "vega.health.checks.jvm-deadlock.interval=10s")
        .run(ctx -> {
          HealthMonitor m = ctx.getBean(HealthMonitor.class);
          scheduler.runDue(); // spreading off: the first run comes at start
          CheckState deadlock = m.snapshot().check("jvm-deadlock");
          assertThat(deadlock.runs()).isEqualTo(1);
          assertThat(deadlock.registration().policy().maxBackoff()).isEqualTo(Duration.ofSeconds(45));
        });
  }

  @Test
  void withoutThePropertiesTheVegaSettingsSpreadAndCapTheChecks() {
    ManualScheduler scheduler = new ManualScheduler();
    runner.withBean(VegaHealthCustomizer.class, () -> manualTime(scheduler))
        .withPropertyValues("VEGA_HEALTH_START_SPREAD=3600", "VEGA_HEALTH_MAX_BACKOFF=45",
            "vega.health.checks.jvm-deadlock.interval=10s")
        .run(ctx -> {
          HealthMonitor m = ctx.getBean(HealthMonitor.class);
          scheduler.runDue();
          CheckState deadlock = m.snapshot().check("jvm-deadlock");
          assertThat(deadlock.runs()).isZero(); // its first run waits for its phase
          assertThat(deadlock.registration().policy().maxBackoff()).isEqualTo(Duration.ofSeconds(45));
          scheduler.advance(Duration.ofSeconds(10)); // a phase is within one interval
          assertThat(m.snapshot().check("jvm-deadlock").runs()).isEqualTo(1);
        });
  }

  /** A critical check of a dependency (not the task's own) that answers what {@code result} holds. */
  static CheckRegistration sharedCheck(String name, AtomicReference<CheckResult> result) {
    return CheckRegistration.of(name, c -> result.get(), CheckPolicy.builder().critical(true)
        .interval(Duration.ofSeconds(10)).failureThreshold(1).successThreshold(1).build());
  }

  private static final CheckResult TIMED_OUT =
      CheckResult.down(ErrorKind.TIMEOUT, "no answer within 2s", "check the security group");

  @Test
  void startupDeadlinePropertyDecidesWhetherAFirstTimeoutIsDownOrStarting() {
    ManualScheduler zero = new ManualScheduler();
    runner.withBean(VegaHealthCustomizer.class, () -> manualTime(zero))
        .withBean("slowCheck", CheckRegistration.class, () -> sharedCheck("slow", new AtomicReference<>(TIMED_OUT)))
        .withPropertyValues("vega.health.start-spread=0s", "vega.health.startup-deadline=0")
        .run(ctx -> {
          zero.runDue();
          CheckState slow = ctx.getBean(HealthMonitor.class).snapshot().check("slow");
          assertThat(slow.runs()).isEqualTo(1);
          assertThat(slow.status()).as("deadline 0: a timeout counts at once").isEqualTo(Status.DOWN);
        });
    ManualScheduler bare = new ManualScheduler();
    runner.withBean(VegaHealthCustomizer.class, () -> manualTime(bare))
        .withBean("slowCheck", CheckRegistration.class, () -> sharedCheck("slow", new AtomicReference<>(TIMED_OUT)))
        .withPropertyValues("vega.health.start-spread=0s", "vega.health.startup-deadline=45")
        .run(ctx -> {
          bare.runDue();
          CheckState slow = ctx.getBean(HealthMonitor.class).snapshot().check("slow");
          assertThat(slow.runs()).isEqualTo(1);
          assertThat(slow.status()).isEqualTo(Status.UNKNOWN);
          // 45 is seconds, as in VEGA_HEALTH_STARTUP_DEADLINE: the whole window is still ahead.
          assertThat(slow.lastResult().message()).startsWith("starting: ").contains("for up to 45s more");
        });
    ManualScheduler unset = new ManualScheduler();
    runner.withBean(VegaHealthCustomizer.class, () -> manualTime(unset))
        .withBean("slowCheck", CheckRegistration.class, () -> sharedCheck("slow", new AtomicReference<>(TIMED_OUT)))
        .withPropertyValues("vega.health.start-spread=0s")
        .run(ctx -> {
          unset.runDue();
          CheckState slow = ctx.getBean(HealthMonitor.class).snapshot().check("slow");
          assertThat(slow.status()).as("default 30 s: retried, not DOWN").isEqualTo(Status.UNKNOWN);
          assertThat(slow.lastResult().message()).contains("for up to 30s more");
        });
  }

  @Test
  void startupDeadlinePropertyWinsOverTheVegaSetting() {
    ManualScheduler scheduler = new ManualScheduler();
    runner.withBean(VegaHealthCustomizer.class, () -> manualTime(scheduler))
        .withBean("slowCheck", CheckRegistration.class, () -> sharedCheck("slow", new AtomicReference<>(TIMED_OUT)))
        .withPropertyValues("vega.health.start-spread=0s", "VEGA_HEALTH_STARTUP_DEADLINE=600",
            "vega.health.startup-deadline=0s")
        .run(ctx -> {
          scheduler.runDue();
          assertThat(ctx.getBean(HealthMonitor.class).snapshot().check("slow").status()).isEqualTo(Status.DOWN);
        });
  }

  @Test
  void startupDeadlineOutOfRangeFailsNamingTheKey() {
    runner.withPropertyValues("vega.health.startup-deadline=-5s").run(ctx ->
        assertThat(ctx).hasFailed().getFailure().hasStackTraceContaining("startupDeadline")
            .hasStackTraceContaining("Property vega.health.startup-deadline with value"));
  }

  /**
   * What the probe port's /v1/healthz/ready answers once the task has been ready and then a
   * critical dependency every task shares (not a SYSTEM check) went DOWN.
   */
  private int readyAfterASharedOutage(String... properties) {
    ManualScheduler scheduler = new ManualScheduler();
    AtomicReference<CheckResult> db = new AtomicReference<>(CheckResult.up("ok"));
    int[] code = new int[1];
    runner.withBean(VegaHealthCustomizer.class, () -> manualTime(scheduler))
        .withBean("dbCheck", CheckRegistration.class, () -> sharedCheck("db", db))
        .withPropertyValues("vega.health.server.port=0", "vega.health.server.address=127.0.0.1",
            "vega.health.start-spread=0s")
        .withPropertyValues(properties)
        .run(ctx -> {
          HealthMonitor m = ctx.getBean(HealthMonitor.class);
          int port = ctx.getBean(VegaHealthLifecycle.class).probePort();
          scheduler.runDue();
          assertThat(m.snapshot().readySince()).as("ready once").isNotNull();
          assertThat(get(port, "/v1/healthz/ready")).isEqualTo(200);
          db.set(CheckResult.down(ErrorKind.CONNECTION_REFUSED, "connection refused", "check the database"));
          scheduler.advance(Duration.ofSeconds(10));
          assertThat(m.snapshot().check("db").status()).isEqualTo(Status.DOWN);
          assertThat(get(port, "/v1/healthz")).as("the detail still fails").isEqualTo(503);
          code[0] = get(port, "/v1/healthz/ready");
        });
    return code[0];
  }

  private static int get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void readinessFailsOpenForASharedDependencyByDefault() {
    assertThat(readyAfterASharedOutage()).isEqualTo(200);
    assertThat(readyAfterASharedOutage("vega.health.readiness.fail-open=true")).isEqualTo(200);
  }

  @Test
  void failOpenFalseMakesReadinessFollowEveryCriticalCheck() {
    assertThat(readyAfterASharedOutage("vega.health.readiness.fail-open=false")).isEqualTo(503);
  }

  @Test
  void malformedStartSpreadPropertyFailsNamingTheKey() {
    runner.withPropertyValues("vega.health.start-spread=-5s").run(ctx ->
        assertThat(ctx).hasFailed().getFailure().hasStackTraceContaining("startSpread")
            .hasStackTraceContaining("Property vega.health.start-spread with value"));
  }

  @Test
  void bareNumberOfFourDigitsInACheckDurationIsRefusedNamingTheKeyAndBothReadings() {
    runner.withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .withPropertyValues("vega.health.checks.postgres.interval=15000") // 15 s once, 4h10m now
        .run(ctx -> assertThat(ctx).hasFailed().getFailure()
            .hasStackTraceContaining("Property vega.health.checks.postgres.interval with value '15000' is invalid")
            .hasStackTraceContaining("could be read two ways")
            .hasStackTraceContaining("4h10m as seconds").hasStackTraceContaining("15s as milliseconds")
            .hasStackTraceContaining("write the unit: 15000ms or 15000s"));
  }

  @Test
  void bareNumberOfFourDigitsIsRefusedInEveryDuration() {
    for (String property : new String[] {"vega.health.start-spread=1000", "vega.health.max-backoff=3600",
        "vega.health.startup-deadline=1000", "vega.health.server.request-timeout=2000",
        "vega.health.checks.jvm-deadlock.timeout=+02000", "vega.health.checks.cache.interval= 60000 "}) {
      String key = property.substring(0, property.indexOf('='));
      runner.withBean("cacheCheck", CheckRegistration.class,
              () -> CheckRegistration.of("cache", c -> CheckResult.up("ok"), CheckPolicy.DEFAULT))
          .withPropertyValues(property)
          .run(ctx -> assertThat(ctx).as(property).hasFailed().getFailure()
              .hasStackTraceContaining("Property " + key + " with value")
              .hasStackTraceContaining("could be read two ways"));
    }
  }

  @Test
  void aNumberFromYamlIsRefusedLikeAString() {
    // YAML gives an Integer, not a String, for "interval: 15000".
    runner.withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .withInitializer(ctx -> ctx.getEnvironment().getPropertySources().addFirst(
            new org.springframework.core.env.MapPropertySource("yaml",
                java.util.Map.of("vega.health.checks.postgres.interval", 15000))))
        .run(ctx -> assertThat(ctx).hasFailed().getFailure()
            .hasStackTraceContaining("vega.health.checks.postgres.interval")
            .hasStackTraceContaining("15000ms or 15000s"));
  }

  @Test
  void durationsWithAUnitOfAnySizeAndBareNumbersBelowAThousandAreTaken() {
    runner.withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .withPropertyValues("vega.health.checks.postgres.interval=15000ms", "vega.health.checks.postgres.timeout=1500ms",
            "vega.health.checks.jvm-deadlock.interval=86400s", "vega.health.checks.jvm-deadlock.timeout=999",
            "vega.health.max-backoff=PT100000S", "vega.health.start-spread=3600s",
            "vega.health.startup-deadline=999")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          HealthMonitor m = ctx.getBean(HealthMonitor.class);
          CheckPolicy pg = m.snapshot().check("postgres").registration().policy();
          assertThat(pg.interval()).isEqualTo(Duration.ofSeconds(15));
          assertThat(pg.timeout()).isEqualTo(Duration.ofMillis(1500));
          assertThat(pg.maxBackoff()).isEqualTo(Duration.ofSeconds(100_000));
          CheckPolicy jvm = m.snapshot().check("jvm-deadlock").registration().policy();
          assertThat(jvm.interval()).isEqualTo(Duration.ofDays(1));
          assertThat(jvm.timeout()).isEqualTo(Duration.ofSeconds(999));
        });
  }

  @Test
  void customizersSeeTheBuilder() {
    runner.withBean(VegaHealthCustomizer.class,
            () -> b -> b.register("extra", ctx -> CheckResult.up("ok"), CheckPolicy.DEFAULT))
        .run(ctx -> assertThat(checkNames(ctx.getBean(HealthMonitor.class))).contains("extra"));
  }

  @Test
  void probeServerAnswersOnItsOwnPort() {
    runner.withPropertyValues("vega.health.server.port=0", "vega.health.server.address=127.0.0.1").run(ctx -> {
      int port = ctx.getBean(VegaHealthLifecycle.class).probePort();
      assertThat(port).isPositive();
      HttpResponse<String> live = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/healthz/live")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).isEqualTo(200);
    });
  }

  @Test
  void probeServerLimitsComeFromTheProperties() {
    runner.withPropertyValues("vega.health.server.port=0", "vega.health.server.address=127.0.0.1",
        "vega.health.server.request-timeout=300ms", "vega.health.server.max-header-size=1KB").run(ctx -> {
          int port = ctx.getBean(VegaHealthLifecycle.class).probePort();
          try (java.net.Socket big = new java.net.Socket("127.0.0.1", port);
              java.net.Socket silent = new java.net.Socket("127.0.0.1", port)) {
            big.setSoTimeout(5_000);
            silent.setSoTimeout(5_000);
            big.getOutputStream().write(("GET /v1/healthz/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(2_000)
                + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(big.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 431 ");
            long t0 = System.nanoTime();
            assertThat(silent.getInputStream().read()).as("closed by the server").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2)); // default is 2 s
          }
        });
  }

  @Test
  void probeServerLimitOutOfRangeStopsStartupNamingTheKey() {
    runner.withPropertyValues("vega.health.server.port=0", "vega.health.server.request-timeout=10ms").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("vega.health.server.request-timeout")
            .hasStackTraceContaining("from 100ms to 60s"));
    runner.withPropertyValues("vega.health.server.port=0", "vega.health.server.max-connections=0").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("vega.health.server.max-connections"));
  }

  @Test
  void probeServerOffWithMinusOne() {
    runner.run(ctx -> assertThat(ctx.getBean(VegaHealthLifecycle.class).probePort()).isEqualTo(-1));
  }

  @Test
  void poolPasswordIsMaskedInEveryResult() {
    runner.withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .withBean("echo", CheckRegistration.class, () -> CheckRegistration.of("echo",
            c -> CheckResult.up("connected with pool-password-never-shown"), CheckPolicy.DEFAULT))
        .run(ctx -> {
          HealthMonitor m = ctx.getBean(HealthMonitor.class);
          long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
          while (m.snapshot().check("echo").lastResult() == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          assertThat(m.snapshot().check("echo").lastResult().message())
              .doesNotContain("pool-password-never-shown");
        });
  }

  @Test
  void theDefaultPoliciesAreTheDocumentedOnes() {
    // docs/spring.md: postgres every 10 s with a 3 s timeout, critical, 2 results to change;
    // jvm-deadlock every 30 s with a 2 s timeout, liveness only.
    runner.withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool).run(ctx -> {
      HealthMonitor m = ctx.getBean(HealthMonitor.class);
      CheckPolicy pg = m.snapshot().check("postgres").registration().policy();
      assertThat(pg.interval()).isEqualTo(Duration.ofSeconds(10));
      assertThat(pg.timeout()).isEqualTo(Duration.ofSeconds(3));
      assertThat(pg.failureThreshold()).isEqualTo(2);
      assertThat(pg.successThreshold()).isEqualTo(2);
      assertThat(pg.critical()).isTrue();
      CheckPolicy jvm = m.snapshot().check("jvm-deadlock").registration().policy();
      assertThat(jvm.interval()).isEqualTo(Duration.ofSeconds(30));
      assertThat(jvm.timeout()).isEqualTo(Duration.ofSeconds(2));
      assertThat(jvm.feeds(HealthProbe.LIVENESS)).isTrue();
      assertThat(jvm.feeds(HealthProbe.READINESS)).isFalse();
    });
  }

  @Test
  void anApplicationsOwnHealthMonitorIsTheOneServedAndStarted() {
    HealthMonitor own = HealthMonitor.builder().service(ServiceInfo.of("vega-own"))
        .register("own", c -> CheckResult.up("ok"), CheckPolicy.DEFAULT).build();
    runner.withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .withBean(HealthMonitor.class, () -> own)
        .run(ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(HealthMonitor.class);
          assertThat(ctx.getBean(HealthMonitor.class)).isSameAs(own);
          assertThat(checkNames(own)).containsExactly("own"); // nothing of ours added to it
          assertThat(own.alive()).as("started with the context").isTrue();
        });
    assertThat(own.alive()).as("stopped with the context").isFalse();
  }

  @Test
  void twoDataSourcesGetNoGuessedPostgresCheckAndBothPasswordsAreMasked() {
    runner.withBean("orders", DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .withBean("reports", DataSource.class, () -> {
          HikariDataSource ds = (HikariDataSource) unreachablePool();
          ds.setPassword("second-pool-password");
          return ds;
        })
        .withBean("echo", CheckRegistration.class, () -> CheckRegistration.of("echo",
            c -> CheckResult.up("pool-password-never-shown and second-pool-password"), CheckPolicy.DEFAULT))
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          HealthMonitor m = ctx.getBean(HealthMonitor.class);
          // Which of the two is the service's database is the application's to say (a check bean).
          assertThat(checkNames(m)).containsExactlyInAnyOrder("echo", "jvm-deadlock");
          long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
          while (m.snapshot().check("echo").lastResult() == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          assertThat(m.snapshot().check("echo").lastResult().message())
              .doesNotContain("pool-password-never-shown", "second-pool-password");
        });
  }

  @Test
  void springReadinessStateFeedsReadinessSoTheProbePortWaitsForTheApplication() {
    runner.withConfiguration(AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class)).run(ctx -> {
      CheckState state = ctx.getBean(HealthMonitor.class).snapshot().check(ReadinessStateCheck.NAME);
      assertThat(state).isNotNull();
      assertThat(state.registration().policy().feeds(HealthProbe.READINESS)).isTrue();
      assertThat(state.registration().policy().feeds(HealthProbe.LIVENESS)).isFalse();
      var check = state.registration().check();
      // No ApplicationReadyEvent yet: Boot says REFUSING_TRAFFIC, so /v1/healthz/ready is 503.
      assertThat(check.check(CheckContext.of(Duration.ofSeconds(1))).status()).isEqualTo(Status.DOWN);
      AvailabilityChangeEvent.publish(ctx, ReadinessState.ACCEPTING_TRAFFIC);
      assertThat(check.check(CheckContext.of(Duration.ofSeconds(1))).status()).isEqualTo(Status.UP);
    });
    runner.run(ctx -> assertThat(ctx.getBean(HealthMonitor.class).snapshot().check(ReadinessStateCheck.NAME))
        .as("without ApplicationAvailability").isNull());
  }

  private static String stackTrace(Throwable e) {
    java.io.StringWriter w = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  @Test
  void roleNamesAreReadLikeTheServicesWriteThem() {
    runner.withPropertyValues("VEGA_ROLE=vega-v16-runner", "VEGA_ENVIRONMENT=test").run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx.getBean(HealthMonitor.class).service().serviceId()).isEqualTo("vega-v16-runner");
    });
    runner.withPropertyValues("vega.health.role=LLM_PROXY", "VEGA_ENVIRONMENT=test")
        .run(ctx -> assertThat(ctx.getBean(HealthMonitor.class).service().serviceId()).isEqualTo("vega-llm-proxy"));
  }
}

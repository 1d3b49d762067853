package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthProbe;
import com.example.vega.health.Status;
import com.example.vega.health.testing.ManualScheduler;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Durations given as environment variables, through the property source the process environment
 * really is ({@code systemEnvironment}, relaxed-bound by Boot): a bare number is seconds, as in
 * core and the agent (issue 22: {@code VEGA_HEALTH_START_SPREAD=60} used to be 60 ms here).
 */
@ExtendWith(OutputCaptureExtension.class)
class DurationsFromEnvironmentTest {

  private static final String ENV = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;

  /** The auto-configuration in a context whose process environment is exactly {@code variables}. */
  private static ApplicationContextRunner withVariables(String... variables) {
    Map<String, Object> env = variables(variables);
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VegaHealthAutoConfiguration.class))
        .withInitializer(ctx -> ctx.getEnvironment().getPropertySources()
            .replace(ENV, new SystemEnvironmentPropertySource(ENV, env)));
  }

  private static Map<String, Object> variables(String... variables) {
    Map<String, Object> env = new HashMap<>();
    env.put("VEGA_HEALTH_SERVER_PORT", "-1");
    for (String v : variables) {
      int eq = v.indexOf('=');
      env.put(v.substring(0, eq), v.substring(eq + 1));
    }
    return env;
  }

  private static CheckPolicy policy(HealthMonitor m, String check) {
    return m.snapshot().check(check).registration().policy();
  }

  @Test
  void bareNumbersInVariablesAreSeconds() {
    withVariables("VEGA_HEALTH_MAX_BACKOFF=300", "VEGA_HEALTH_START_SPREAD=60",
            "VEGA_HEALTH_CHECKS_POSTGRES_INTERVAL=30", "VEGA_HEALTH_CHECKS_POSTGRES_TIMEOUT=4")
        .withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          HealthMonitor m = ctx.getBean(HealthMonitor.class);
          CheckPolicy postgres = policy(m, "postgres");
          assertThat(postgres.interval()).isEqualTo(Duration.ofSeconds(30));
          assertThat(postgres.timeout()).isEqualTo(Duration.ofSeconds(4));
          assertThat(postgres.maxBackoff()).isEqualTo(Duration.ofSeconds(300));
          assertThat(policy(m, "jvm-deadlock").maxBackoff()).isEqualTo(Duration.ofSeconds(300));
        });
  }

  @Test
  void startSpreadVariableSpreadsFirstRunsOverThatManySeconds() {
    ManualScheduler scheduler = new ManualScheduler();
    withVariables("VEGA_HEALTH_START_SPREAD=60", "VEGA_HEALTH_CHECKS_CACHE_INTERVAL=120s")
        .withBean("cacheCheck", CheckRegistration.class,
            () -> CheckRegistration.of("cache", c -> CheckResult.up("ok"), CheckPolicy.DEFAULT))
        .withBean(VegaHealthCustomizer.class, () -> b -> b.scheduler(scheduler)
            .runExecutor(Runnable::run).instanceId("task-env"))
        .run(ctx -> {
          HealthMonitor m = ctx.getBean(HealthMonitor.class);
          assertThat(policy(m, "cache").interval()).isEqualTo(Duration.ofSeconds(120));
          // The first run comes at phase x min(interval, spread): for this task and "cache" after
          // 41 s with a 60 s spread; 60 ms (the bug) put it within the first second.
          int seconds = 0;
          scheduler.runDue();
          while (m.snapshot().check("cache").runs() == 0 && seconds < 120) {
            scheduler.advance(Duration.ofSeconds(1));
            seconds++;
          }
          assertThat(seconds).as("seconds until the first run").isGreaterThan(30).isLessThanOrEqualTo(60);
        });
  }

  @Test
  void startupDeadlineVariableIsSecondsAndZeroReportsATimeoutAtOnce() {
    CheckResult timedOut = CheckResult.down(ErrorKind.TIMEOUT, "no answer within 2s", "check the network");
    for (String deadline : new String[] {"0", "45"}) {
      ManualScheduler scheduler = new ManualScheduler();
      withVariables("VEGA_HEALTH_STARTUP_DEADLINE=" + deadline, "VEGA_HEALTH_START_SPREAD=0")
          .withBean("slowCheck", CheckRegistration.class,
              () -> VegaHealthAutoConfigurationTest.sharedCheck("slow", new AtomicReference<>(timedOut)))
          .withBean(VegaHealthCustomizer.class, () -> b -> b.scheduler(scheduler)
              .runExecutor(Runnable::run).instanceId("task-env"))
          .run(ctx -> {
            assertThat(ctx).hasNotFailed();
            scheduler.runDue();
            CheckState slow = ctx.getBean(HealthMonitor.class).snapshot().check("slow");
            if (deadline.equals("0")) {
              assertThat(slow.status()).isEqualTo(Status.DOWN);
            } else {
              assertThat(slow.status()).isEqualTo(Status.UNKNOWN);
              assertThat(slow.lastResult().message()).contains("for up to 45s more");
            }
          });
    }
  }

  @Test
  void failOpenVariableFalseMakesASharedOutageFailReadiness() {
    for (String failOpen : new String[] {"false", "true"}) {
      ManualScheduler scheduler = new ManualScheduler();
      AtomicReference<CheckResult> db = new AtomicReference<>(CheckResult.up("ok"));
      withVariables("VEGA_HEALTH_READINESS_FAIL_OPEN=" + failOpen, "VEGA_HEALTH_START_SPREAD=0")
          .withBean("dbCheck", CheckRegistration.class, () -> VegaHealthAutoConfigurationTest.sharedCheck("db", db))
          .withBean(VegaHealthCustomizer.class, () -> b -> b.scheduler(scheduler)
              .runExecutor(Runnable::run).instanceId("task-env"))
          .run(ctx -> {
            HealthMonitor m = ctx.getBean(HealthMonitor.class);
            scheduler.runDue();
            assertThat(m.snapshot().readySince()).isNotNull();
            db.set(CheckResult.down(ErrorKind.CONNECTION_REFUSED, "connection refused", "check the database"));
            scheduler.advance(Duration.ofSeconds(10));
            assertThat(m.snapshot().check("db").status()).isEqualTo(Status.DOWN);
            assertThat(m.snapshot().status(HealthProbe.READINESS)).as("fail-open=" + failOpen)
                .isEqualTo(failOpen.equals("false") ? Status.DOWN : Status.UP);
          });
    }
  }

  @Test
  void unitsStillWorkInVariablesAndProperties() {
    withVariables("VEGA_HEALTH_CHECKS_POSTGRES_TIMEOUT=500ms", "VEGA_HEALTH_CHECKS_POSTGRES_INTERVAL=2m")
        .withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .withPropertyValues("vega.health.max-backoff=PT5M", "vega.health.start-spread=10s")
        .run(ctx -> {
          CheckPolicy postgres = policy(ctx.getBean(HealthMonitor.class), "postgres");
          assertThat(postgres.timeout()).isEqualTo(Duration.ofMillis(500));
          assertThat(postgres.interval()).isEqualTo(Duration.ofMinutes(2));
          assertThat(postgres.maxBackoff()).isEqualTo(Duration.ofMinutes(5));
        });
  }

  @Test
  void malformedVariableFailsNamingTheKeyAndWhatIsAccepted() {
    withVariables("VEGA_HEALTH_START_SPREAD=soon").run(ctx -> {
      assertThat(ctx).hasFailed();
      FailureAnalysis analysis = new DurationFailureAnalyzer().analyze(ctx.getStartupFailure());
      assertThat(analysis).as("analysed by ours").isNotNull();
      assertThat(analysis.getDescription())
          .contains("vega.health.start-spread", "'soon'", "VEGA_HEALTH_START_SPREAD");
      assertThat(analysis.getAction())
          .contains("a bare number is seconds", "500ms", "VEGA_HEALTH_START_SPREAD takes whole seconds");
    });
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(VegaHealthAutoConfiguration.class)
  static class App {}

  @Test
  void startupFailureReportShowsTheKeyAndTheAcceptedForms(CapturedOutput output) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().replace(ENV,
        new SystemEnvironmentPropertySource(ENV, variables("VEGA_HEALTH_CHECKS_POSTGRES_TIMEOUT=3 seconds")));
    SpringApplicationBuilder app = new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE).environment(environment);
    try {
      app.run().close();
    } catch (RuntimeException expected) {
      // Boot reports the failure analysis before rethrowing.
    }
    assertThat(output.toString())
        .contains("APPLICATION FAILED TO START", "vega.health.checks.postgres.timeout is not a duration",
            "VEGA_HEALTH_CHECKS_POSTGRES_TIMEOUT", "a bare number is seconds");
  }

  @Test
  void oldMillisecondTimeoutIsRefusedNamingTheCheckNotTakenAsSeconds() {
    withVariables().withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .withPropertyValues("vega.health.checks.postgres.timeout=500") // 500 ms before; 500 s > 10 s interval now
        .run(ctx -> assertThat(ctx).getFailure()
            .hasStackTraceContaining("vega.health.checks.postgres")
            .hasStackTraceContaining("timeout=PT8M20S")
            .hasStackTraceContaining("must not exceed interval")
            .hasStackTraceContaining("without a unit is seconds"));
  }

  @Test
  void oldMillisecondRequestTimeoutIsRefusedNamingTheKey() {
    withVariables("VEGA_HEALTH_SERVER_PORT=0", "VEGA_HEALTH_SERVER_REQUEST_TIMEOUT=200")
        .run(ctx -> assertThat(ctx).getFailure()
            .hasStackTraceContaining("vega.health.server.request-timeout")
            .hasStackTraceContaining("from 100ms to 60s")
            .hasStackTraceContaining("without a unit is seconds"));
  }

  @Test
  void fourDigitVariableIsRefusedNamingTheKeyAndTheUnitsToWrite() {
    withVariables("VEGA_HEALTH_CHECKS_POSTGRES_INTERVAL=15000")
        .withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .run(ctx -> assertThat(ctx).hasFailed().getFailure()
            .hasStackTraceContaining("Property vega.health.checks.postgres.interval with value '15000' is invalid")
            .hasStackTraceContaining("could be read two ways")
            .hasStackTraceContaining("write the unit: 15000ms or 15000s"));
    withVariables("VEGA_HEALTH_SERVER_PORT=0", "VEGA_HEALTH_SERVER_REQUEST_TIMEOUT=2000")
        .run(ctx -> assertThat(ctx).hasFailed().getFailure()
            .hasStackTraceContaining("vega.health.server.request-timeout")
            .hasStackTraceContaining("2000ms or 2000s"));
  }

  @Test
  void fourDigitVariableWithAUnitIsTaken() {
    withVariables("VEGA_HEALTH_CHECKS_POSTGRES_INTERVAL=15000ms", "VEGA_HEALTH_CHECKS_POSTGRES_TIMEOUT=2500ms")
        .withBean(DataSource.class, VegaHealthAutoConfigurationTest::unreachablePool)
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          CheckPolicy postgres = policy(ctx.getBean(HealthMonitor.class), "postgres");
          assertThat(postgres.interval()).isEqualTo(Duration.ofSeconds(15));
          assertThat(postgres.timeout()).isEqualTo(Duration.ofMillis(2500));
        });
  }

  @Test
  void coreFleetVariablesKeepTheirWholeSecondsAtAnySize() {
    // VEGA_HEALTH_MAX_BACKOFF is core's setting, whole seconds only wherever it is read: 1200 has one
    // meaning and no unit can be written there, so the variable is taken as 1200 s, not refused.
    withVariables("VEGA_HEALTH_MAX_BACKOFF=1200", "VEGA_HEALTH_STARTUP_DEADLINE=1000", "VEGA_HEALTH_START_SPREAD=1000")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(policy(ctx.getBean(HealthMonitor.class), "jvm-deadlock").maxBackoff())
              .isEqualTo(Duration.ofSeconds(1200));
        });
    // The same number as the Spring property (or its relaxed variable) is refused.
    withVariables().withPropertyValues("vega.health.max-backoff=1200")
        .run(ctx -> assertThat(ctx).hasFailed().getFailure()
            .hasStackTraceContaining("vega.health.max-backoff").hasStackTraceContaining("1200ms or 1200s"));
  }

  @Test
  void startupFailureReportForAFourDigitVariableNamesTheKeyAndTheVariable(CapturedOutput output) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().replace(ENV,
        new SystemEnvironmentPropertySource(ENV, variables("VEGA_HEALTH_CHECKS_POSTGRES_INTERVAL=2000")));
    SpringApplicationBuilder app = new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE).environment(environment);
    try {
      app.run().close();
    } catch (RuntimeException expected) {
      // Boot reports the failure analysis before rethrowing.
    }
    assertThat(output.toString())
        .contains("APPLICATION FAILED TO START", "vega.health.checks.postgres.interval", "VEGA_HEALTH_CHECKS_POSTGRES_INTERVAL",
            "2000ms or 2000s");
  }

  @Test
  void unitInStartSpreadVariableIsRefusedAsByTheAgent() {
    // VEGA_HEALTH_START_SPREAD is core's setting: whole seconds wherever it is read.
    withVariables("VEGA_HEALTH_START_SPREAD=60s").run(ctx -> assertThat(ctx).getFailure()
        .hasStackTraceContaining("VEGA_HEALTH_START_SPREAD is malformed"));
  }
}

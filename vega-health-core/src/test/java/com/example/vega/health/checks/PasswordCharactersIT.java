package com.example.vega.health.checks;

import com.example.vega.health.VegaRole;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.internal.DatabaseUrl;
import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.http.HealthEndpoints;
import com.example.vega.health.testing.ManualScheduler;
import com.example.vega.health.testing.PostgresServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A generated password may hold {@code +}, {@code %}, {@code @} and {@code /}: it must reach the
 * driver exactly as written in {@code VEGA_DATABASE_URL} (real PostgreSQL checks it with SCRAM), and
 * be masked in every output: check results, the /v1/healthz body and the module's log lines.
 */
class PasswordCharactersIT {
  private static final String ROLE = "generated_user";
  private static final String PASSWORD = "p+ss%w@rd/Zq9+x";
  private static PostgresServer pg;

  @BeforeAll
  static void start() {
    pg = PostgresServer.start();
    pg.createLoginRole(ROLE, PASSWORD);
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  /** The libpq form percent-encodes only what a URI needs: {@code %}, {@code @}, {@code /}; a {@code +} is literal. */
  private static String libpqUrl() {
    String encoded = PASSWORD.replace("%", "%25").replace("@", "%40").replace("/", "%2F");
    return "postgresql://" + ROLE + ":" + encoded + "@127.0.0.1:" + pg.port() + "/" + PostgresServer.DATABASE;
  }

  /** The JDBC form carries the password as a query parameter, form-encoded as pgjdbc decodes it. */
  private static String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + PostgresServer.DATABASE + "?user=" + ROLE
        + "&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8) + "&ApplicationName=a+b";
  }

  private static HikariDataSource pool(DatabaseUrl url) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url.jdbcUrl());
    c.setUsername(url.user());
    c.setPassword(url.password());
    c.setMaximumPoolSize(1);
    c.setInitializationFailTimeout(-1);
    return new HikariDataSource(c);
  }

  @Test
  void bothUrlFormsHandTheDriverThePasswordUnchangedAndThePostgresCheckConnects() throws Exception {
    for (String setting : List.of(libpqUrl(), jdbcUrl())) {
      DatabaseUrl url = DatabaseUrl.parse("VEGA_DATABASE_URL", setting);
      assertThat(url.user()).isEqualTo(ROLE);
      assertThat(url.password()).as(setting.substring(0, 4)).isEqualTo(PASSWORD);
      assertThat(url.jdbcUrl() + url).doesNotContain(PASSWORD).doesNotContain("password");
      try (HikariDataSource ds = pool(url)) {
        CheckResult r = PostgresCheck.builder(ds).build().check(CheckContext.of(Duration.ofSeconds(5)));
        assertThat(r.status()).as(r.message() + " / " + r.hint()).isEqualTo(Status.UP);
      }
    }
    // Other parameters reach the driver unchanged too: a form-encoded '+' is a space for pgjdbc.
    assertThat(DatabaseUrl.parse("VEGA_DATABASE_URL", jdbcUrl()).jdbcUrl()).endsWith("?ApplicationName=a+b");
  }

  @Test
  void thePasswordIsMaskedInResultsInTheHealthzBodyAndInLogLines() throws Exception {
    assertThat(VegaChecks.secretValues(Map.of("VEGA_DATABASE_URL", libpqUrl())::get)).containsExactly(PASSWORD);
    assertThat(VegaChecks.secretValues(Map.of("VEGA_DATABASE_URL", jdbcUrl())::get)).containsExactly(PASSWORD);

    List<String> logs = new ArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLoggerName() != null && r.getLoggerName().startsWith("com.example.vega")) {
          synchronized (logs) {
            logs.add(new java.util.logging.SimpleFormatter().formatMessage(r));
          }
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    ManualScheduler scheduler = new ManualScheduler();
    Map<String, String> settings = Map.of("VEGA_ENVIRONMENT", "test", "VEGA_DATABASE_URL", libpqUrl());
    DatabaseUrl url = DatabaseUrl.parse("VEGA_DATABASE_URL", libpqUrl());
    CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofSeconds(10)).timeout(Duration.ofSeconds(5))
        .failureThreshold(1).successThreshold(1).build();
    try (HikariDataSource ds = pool(url);
        HealthMonitor m = HealthMonitor.builder().startSpread(Duration.ZERO).service(ServiceInfo.of("vega-maintenance"))
            .scheduler(scheduler).runExecutor(Runnable::run)
            .secretValues(VegaChecks.secretValues(settings::get).toArray(String[]::new))
            .registerAll(VegaChecks.forRole(VegaRole.MAINTENANCE, settings::get,
                VegaChecks.Clients.builder().dataSource(ds).build()))
            // What a driver may say when it fails: the password as it received it, decoded.
            .register("echo", ctx -> {
              throw new SQLException("FATAL: password authentication failed (password=" + PASSWORD + ") for "
                  + ROLE + ":" + PASSWORD + "@127.0.0.1");
            }, policy)
            .build().start()) {
      scheduler.runDue();
      CheckState postgres = m.snapshot().check("postgres");
      assertThat(postgres.status()).as(String.valueOf(postgres.lastResult())).isEqualTo(Status.UP);
      CheckState echo = m.snapshot().check("echo");
      assertThat(echo.status()).isEqualTo(Status.DOWN);
      assertThat(echo.lastResult().message()).contains("****");

      StringBuilder everything = new StringBuilder();
      for (CheckState c : m.snapshot().checks()) {
        everything.append(c.lastResult()).append('\n');
      }
      HealthEndpoints endpoints = new HealthEndpoints(m);
      everything.append(new String(endpoints.healthz(true, "application/health+json").body(), StandardCharsets.UTF_8));
      everything.append(new String(endpoints.healthz(true, "text/html").body(), StandardCharsets.UTF_8));
      synchronized (logs) {
        assertThat(logs).as("the monitor logged the status changes").anyMatch(l -> l.contains("echo is DOWN"));
        everything.append(String.join("\n", logs));
      }
      assertThat(everything.toString()).contains("****").doesNotContain(PASSWORD)
          .doesNotContain("p+ss%w").doesNotContain("w@rd/Zq9");
    } finally {
      root.removeHandler(capture);
    }
  }
}

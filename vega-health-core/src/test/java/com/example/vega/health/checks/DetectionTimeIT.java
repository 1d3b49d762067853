package com.example.vega.health.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.testing.PostgresServer;
import com.example.vega.health.testing.TcpFaultProxy;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Time to detect and to recover, per fault, against the policy's bound, with flap damping on
 * (interval 1 s, timeout 1 s, two consecutive results to change). Bound to detect:
 * {@code failureThreshold × interval + timeout}; to recover: {@code successThreshold × interval +
 * timeout}. Real PostgreSQL behind a fault proxy; AWS faults on moto where installed. Writes the
 * table to {@code target/detection-times.txt} (docs/benchmarks.md).
 */
class DetectionTimeIT {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final int THRESHOLD = 2;
  private static final Duration BOUND = INTERVAL.multipliedBy(THRESHOLD).plus(TIMEOUT);
  /** Scheduling on a loaded 2-core box, and the first tick's phase. */
  private static final Duration SLACK = Duration.ofSeconds(2);

  private interface Action {
    void run() throws Exception;
  }

  private record Row(String fault, String check, long detectMs, String kind, long recoverMs) {}

  private static CheckPolicy policy() {
    return CheckPolicy.builder().interval(INTERVAL).timeout(TIMEOUT)
        .failureThreshold(THRESHOLD).successThreshold(THRESHOLD).critical(true).build();
  }

  private static long awaitStatus(HealthMonitor m, String check, Status want, Duration max) throws Exception {
    long start = System.nanoTime();
    long deadline = start + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (m.snapshot().check(check).status() == want) {
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
      }
      Thread.sleep(10);
    }
    return -1;
  }

  private static Row measure(String fault, CheckRegistration reg, Action breakIt, Action fixIt) throws Exception {
    try (HealthMonitor m = HealthMonitor.builder().service(ServiceInfo.of("vega-detect")).register(reg).build().start()) {
      assertThat(awaitStatus(m, reg.name(), Status.UP, Duration.ofSeconds(15))).as(fault + ": UP first").isNotNegative();
      Thread.sleep(300); // not aligned with a tick
      breakIt.run();
      long detect = awaitStatus(m, reg.name(), Status.DOWN, BOUND.plus(SLACK).plusSeconds(5));
      CheckState s = m.snapshot().check(reg.name());
      String kind = s.lastResult() == null ? "?" : s.lastResult().errorKind().name();
      fixIt.run();
      long recover = awaitStatus(m, reg.name(), Status.UP, BOUND.plus(SLACK).plusSeconds(5));
      return new Row(fault, reg.name(), detect, kind, recover);
    }
  }

  @Test
  void everyFaultIsDetectedAndRecoveredWithinThePolicysBound() throws Exception {
    List<Row> rows = new ArrayList<>();
    try (PostgresServer pg = PostgresServer.start(); TcpFaultProxy proxy = new TcpFaultProxy(pg.port())) {
      pg.sql("CREATE TABLE schema_migrations (version text PRIMARY KEY)");
      pg.sql("INSERT INTO schema_migrations VALUES ('004_findings_columns.sql')");
      HikariConfig cfg = new HikariConfig();
      cfg.setJdbcUrl(PostgresServer.jdbcUrl(proxy.port()));
      cfg.setUsername(PostgresServer.USER);
      cfg.setPassword(PostgresServer.PASSWORD);
      cfg.setMaximumPoolSize(2);
      cfg.setInitializationFailTimeout(-1);
      try (HikariDataSource ds = new HikariDataSource(cfg)) {
        CheckRegistration postgres = PostgresCheck.builder(ds)
            .expectedMigrations(List.of("004_findings_columns.sql")).build().registration(policy());
        rows.add(measure("postgres refused", postgres,
            () -> proxy.mode(TcpFaultProxy.Mode.REFUSE), () -> proxy.mode(TcpFaultProxy.Mode.FORWARD)));
        rows.add(measure("postgres frozen", postgres,
            () -> proxy.mode(TcpFaultProxy.Mode.FREEZE), () -> proxy.mode(TcpFaultProxy.Mode.FORWARD)));
        rows.add(measure("migration missing", postgres,
            () -> pg.sql("DELETE FROM schema_migrations"),
            () -> pg.sql("INSERT INTO schema_migrations VALUES ('004_findings_columns.sql')")));
      }
    }
    if (MotoServer.executable().isPresent()) {
      MotoServer.shared().reset();
      AwsClients aws = AwsClients.moto();
      var sqs = aws.sqs();
      String queue = sqs.createQueue(b -> b.queueName("vega-scans")).queueUrl();
      rows.add(measure("sqs queue missing", SqsCheck.builder(sqs, queue).build().registration(policy()),
          () -> sqs.deleteQueue(b -> b.queueUrl(queue)), () -> sqs.createQueue(b -> b.queueName("vega-scans"))));
      var s3 = aws.s3();
      Action createBucket = () -> s3.createBucket(b -> b.bucket("vega-artifacts")
          .createBucketConfiguration(c -> c.locationConstraint(MotoServer.REGION)));
      createBucket.run();
      rows.add(measure("s3 bucket missing", S3Check.builder(s3).artifactsBucket("vega-artifacts").build()
          .registration(policy()), () -> s3.deleteBucket(b -> b.bucket("vega-artifacts")), createBucket));
      var sm = aws.secrets();
      Action createSecret = () -> sm.createSecret(b -> b.name("vega/provider").secretString("x-planted"));
      createSecret.run();
      rows.add(measure("secret missing", SecretsCheck.builder(sm).secret("vega/provider").build().registration(policy()),
          () -> sm.deleteSecret(b -> b.secretId("vega/provider").forceDeleteWithoutRecovery(true)), createSecret));
    } else {
      System.out.println("moto_server is not installed: the AWS rows are skipped");
    }

    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "policy: interval %ds, timeout %ds, %d results to change; bound %d ms (+%d ms slack)%n",
        INTERVAL.toSeconds(), TIMEOUT.toSeconds(), THRESHOLD, BOUND.toMillis(), SLACK.toMillis()));
    table.append("| fault | check | detected after | as | recovered after |\n|---|---|---:|---|---:|\n");
    for (Row r : rows) {
      table.append(String.format(Locale.ROOT, "| %s | %s | %d ms | %s | %d ms |%n",
          r.fault(), r.check(), r.detectMs(), r.kind(), r.recoverMs()));
    }
    System.out.print(table);
    Files.writeString(Path.of("target", "detection-times.txt"), table);
    for (Row r : rows) {
      assertThat(r.detectMs()).as(r.fault() + " detected\n" + table).isBetween(0L, BOUND.plus(SLACK).toMillis());
      assertThat(r.recoverMs()).as(r.fault() + " recovered\n" + table).isBetween(0L, BOUND.plus(SLACK).toMillis());
      // Damping: a change needs two results, so nothing flips faster than one interval.
      assertThat(r.detectMs()).as(r.fault() + " damped\n" + table).isGreaterThanOrEqualTo(INTERVAL.toMillis() - 100);
    }
  }
}

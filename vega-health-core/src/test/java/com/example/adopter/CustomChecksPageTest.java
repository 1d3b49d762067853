package com.example.adopter;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ComponentType;
import com.example.vega.health.DependencyCall;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthProbe;
import com.example.vega.health.Status;
import com.example.vega.health.checks.PostgresCheck;
import com.example.vega.health.testing.ManualScheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The code of docs/custom-checks.md (and docs/outside-vega.md), compiled and run here, in a package of
 * an adopter's (public API only). Every java block of the page must appear in this file as it is written there, so a snippet
 * that no longer compiles, or drifts from what is tested, fails the build.
 */
class CustomChecksPageTest {

  // --- page: the interface
  /** Free space where scans are unpacked: DOWN below 1 GiB, DEGRADED below 5 GiB. */
  static final class WorkspaceDiskCheck implements HealthCheck {
    private static final long GIB = 1L << 30;
    private final Path workspace;
    private final LongSupplier usableBytes;

    WorkspaceDiskCheck(Path workspace, LongSupplier usableBytes) {
      this.workspace = Objects.requireNonNull(workspace, "workspace");
      this.usableBytes = Objects.requireNonNull(usableBytes, "usableBytes");
    }

    @Override
    public CheckResult check(CheckContext context) {
      long free = usableBytes.getAsLong();
      String hint = "free space under " + workspace + ": delete old scan directories, or give the task more "
          + "ephemeral storage (ephemeralStorage in the task definition)";
      CheckResult r;
      if (free < GIB) {
        r = CheckResult.down(ErrorKind.SATURATED, (free >> 20) + " MiB free under " + workspace, hint);
      } else if (free < 5 * GIB) {
        r = CheckResult.degraded(ErrorKind.SATURATED, (free >> 20) + " MiB free under " + workspace, hint);
      } else {
        r = CheckResult.up((free >> 30) + " GiB free under " + workspace);
      }
      return r.with("freeBytes", free, "bytes");
    }
  }
  // --- end

  // --- page: a dependency
  /** The partner API answers its status endpoint: one GET per run, bounded by the run's time left. */
  static final class PartnerApiCheck implements HealthCheck {
    private final HttpClient http;
    private final URI status;

    PartnerApiCheck(HttpClient http, URI status) {
      this.http = Objects.requireNonNull(http, "http");
      this.status = Objects.requireNonNull(status, "status");
    }

    @Override
    public CheckResult check(CheckContext context) throws Exception {
      HttpRequest get = HttpRequest.newBuilder(status).timeout(context.remaining()).GET().build();
      int code = http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (code == 429 || code >= 500) {
        return CheckResult.degraded(code == 429 ? ErrorKind.THROTTLED : ErrorKind.SERVER_ERROR,
            "partner API answered " + code, "the partner's status page; nothing to fix on our side yet");
      }
      return code == 200 ? CheckResult.up("partner API answered 200")
          : CheckResult.down(ErrorKind.OTHER, "partner API answered " + code,
              "check PARTNER_STATUS_URL and the partner credentials in the task definition");
    }

    @Override
    public List<DependencyCall> callsPerRun() {
      return List.of(new DependencyCall("partner", "GET /status", 1));
    }
  }
  // --- end

  static CheckRegistration registrations(Path workspace) {
    // --- page: registration
    CheckPolicy local = CheckPolicy.builder()
        .interval(Duration.ofSeconds(30)).timeout(Duration.ofSeconds(2))
        .failureThreshold(2).successThreshold(2)
        .critical(true)
        .build();
    // The task's own fault: SYSTEM, so it keeps failing readiness after the task has served.
    CheckRegistration disk = new CheckRegistration("scan-disk", ComponentType.SYSTEM, "freeBytes", local,
        new WorkspaceDiskCheck(workspace, () -> workspace.toFile().getUsableSpace()));
    // A dependency every task shares: COMPONENT, not critical, so an outage never takes a task out.
    CheckRegistration partner = CheckRegistration.of("partner-api",
        new PartnerApiCheck(HttpClient.newHttpClient(), URI.create("https://partner.example.com/status")),
        CheckPolicy.builder().interval(Duration.ofSeconds(60)).timeout(Duration.ofSeconds(3)).build());
    // --- end
    // --- page: monitor
    HealthMonitor monitor = HealthMonitor.builder()
        .register(disk)
        .register(partner)
        .build()
        .start();
    // --- end
    monitor.close();
    return partner;
  }

  /** docs/outside-vega.md's migrations tables; compiled here (building a check opens no connection). */
  static List<PostgresCheck> migrationTables(DataSource dataSource) {
    // --- page: outside-vega migrations
    PostgresCheck flyway = PostgresCheck.builder(dataSource)
        .migrationsTable("flyway_schema_history", "script")      // V4__findings_columns.sql
        .expectedMigrations(List.of("V4__findings_columns.sql"))
        .build();
    PostgresCheck liquibase = PostgresCheck.builder(dataSource)
        .migrationsTable("databasechangelog", "id")               // the changeset ids
        .expectedMigrations(List.of("add-findings-columns"))
        .build();
    // --- end
    return List.of(flyway, liquibase);
  }

  @Test
  void theRegistrationsOfThePageBuildAndRegister() throws Exception {
    Path workspace = Files.createTempDirectory("scan-workspace");
    CheckRegistration partner = registrations(workspace);
    assertThat(partner.componentType()).isEqualTo(ComponentType.COMPONENT);
    assertThat(partner.check().callsPerRun()).extracting(DependencyCall::api).containsExactly("partner:GET /status");
  }

  // --- page: test
  @Test
  void aFullDiskIsDownAfterTwoResultsNotOne() {
    ManualScheduler scheduler = new ManualScheduler();
    long[] free = {10L << 30};
    CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofSeconds(30)).timeout(Duration.ofSeconds(2))
        .critical(true).build();
    try (HealthMonitor monitor = HealthMonitor.builder()
        .scheduler(scheduler).runExecutor(Runnable::run)
        .startSpread(Duration.ZERO)
        .register(new CheckRegistration("scan-disk", ComponentType.SYSTEM, "freeBytes", policy,
            new WorkspaceDiskCheck(Path.of("/scans"), () -> free[0])))
        .build().start()) {
      scheduler.runDue();
      assertThat(monitor.snapshot().check("scan-disk").status()).isEqualTo(Status.UP);

      free[0] = 100L << 20; // 100 MiB
      scheduler.advance(Duration.ofSeconds(30)); // no start spread: runs at 0 s, 30 s, 60 s
      assertThat(monitor.snapshot().check("scan-disk").status()).as("one result is not enough").isEqualTo(Status.UP);
      scheduler.advance(Duration.ofSeconds(30));
      assertThat(monitor.snapshot().check("scan-disk").status()).isEqualTo(Status.DOWN);
      assertThat(monitor.snapshot().check("scan-disk").lastResult().hint()).startsWith("free space under /scans");
      // SYSTEM: the task's own fault fails readiness even after the task has served.
      assertThat(monitor.snapshot().status(HealthProbe.READINESS)).isEqualTo(Status.DOWN);
    }
  }
  // --- end

  @Test
  void everyJavaBlockOfThePageIsCodeOfThisTest() throws Exception {
    String page = Files.readString(Path.of("..", "docs", "custom-checks.md"))
        + Files.readString(Path.of("..", "docs", "outside-vega.md"));
    String self = normalize(Files.readString(
        Path.of("src", "test", "java", "com", "example", "adopter", "CustomChecksPageTest.java")));
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(page);
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertThat(blocks).as("java blocks in docs/custom-checks.md and docs/outside-vega.md").hasSizeGreaterThanOrEqualTo(6);
    for (String block : blocks) {
      assertThat(self).as("this test holds the page's block:\n" + block).contains(normalize(block));
    }
  }

  /** Indentation and line breaks do not matter; the code does. */
  private static String normalize(String code) {
    return code.replaceAll("\\s+", " ").trim();
  }
}

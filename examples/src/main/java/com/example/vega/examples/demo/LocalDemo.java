package com.example.vega.examples.demo;

import com.example.vega.examples.maintenance.Migrations;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.checks.DeadlockCheck;
import com.example.vega.health.checks.PostgresCheck;
import com.example.vega.health.http.HealthServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The local demo on embedded defaults: a real PostgreSQL (embedded), the migrations applied, the
 * health monitor checking it in the background, and {@code /v1/healthz} served and printed.
 * Exits 0 when the service is healthy, 1 when not.
 */
public final class LocalDemo {
  private LocalDemo() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    PrintStream out = System.out;
    out.println("Vega Health local demo: starting an embedded PostgreSQL ...");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      HikariConfig cfg = new HikariConfig();
      cfg.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
      cfg.setMaximumPoolSize(4);
      cfg.setPoolName("vega-demo");
      try (HikariDataSource ds = new HikariDataSource(cfg)) {
        out.println("applied migrations: " + Migrations.apply(ds));

        PostgresCheck postgres = PostgresCheck.builder(ds).role("vega-worker").environment("local")
            .expectedMigrations(Migrations.ALL).build();
        CheckPolicy critical = CheckPolicy.builder().interval(Duration.ofSeconds(2))
            .timeout(Duration.ofSeconds(1)).critical(true).build();
        try (HealthMonitor monitor = HealthMonitor.builder()
                .service(new ServiceInfo("vega-worker", "0.1.0", "local", "Vega scan worker (demo)", "local"))
                .register(postgres.registration(critical))
                .register(new DeadlockCheck().registration(DeadlockCheck.defaultPolicy()))
                .build().start();
            HealthServer server = HealthServer.start(monitor, 0)) {
          awaitFirstResults(monitor, Duration.ofSeconds(15));
          String base = "http://127.0.0.1:" + server.port() + "/v1/healthz";
          HttpClient http = HttpClient.newHttpClient();
          out.println();
          for (String path : new String[] {"/live", "/ready", ""}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
            out.println("GET " + base + path + " -> " + r.statusCode() + " "
                + r.headers().firstValue("Content-Type").orElse(""));
            if (path.isEmpty()) {
              out.println(PrettyJson.indent(r.body()));
            }
          }
          out.println();
          for (CheckState c : monitor.snapshot().checks()) {
            out.printf("  %-14s %-8s %s%n", c.name(), c.status(),
                c.lastResult() == null ? "" : c.lastResult().message());
          }
          Status overall = monitor.snapshot().status();
          out.println("\nvega-worker is " + overall + ".");
          System.exit(overall == Status.DOWN ? 1 : 0);
        }
      }
    }
  }

  private static void awaitFirstResults(HealthMonitor monitor, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (monitor.snapshot().checks().stream().allMatch(c -> c.lastResult() != null)) {
        return;
      }
      Thread.sleep(50);
    }
  }
}

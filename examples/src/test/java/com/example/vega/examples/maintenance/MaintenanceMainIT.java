package com.example.vega.examples.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.examples.common.LocalAws;
import com.example.vega.examples.common.ServiceRuntime;
import com.example.vega.examples.demo.TraceCollector;
import com.example.vega.examples.testing.ChildJvm;
import com.example.vega.health.testing.PostgresServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * vega-maintenance as ECS runs it (a JVM of its own): checks first, then each migration as a span;
 * a failing check stops it before it touches the schema, with the hint and exit code 3.
 */
class MaintenanceMainIT {
  static PostgresServer pg;
  static TraceCollector traces;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start();
    traces = new TraceCollector();
  }

  @AfterAll
  static void stop() {
    traces.close();
    pg.close();
  }

  static Map<String, String> env(String databaseUrl) {
    Map<String, String> env = new HashMap<>();
    env.put("VEGA_ENVIRONMENT", "local");
    env.put("VEGA_DATABASE_URL", databaseUrl);
    env.put("VEGA_EXPECTED_MIGRATION", Migrations.ALL.get(Migrations.ALL.size() - 1));
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", traces.endpoint());
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    env.put("OTEL_METRICS_EXPORTER", "none");
    env.put("OTEL_LOGS_EXPORTER", "none");
    env.put("OTEL_BSP_SCHEDULE_DELAY", "50");
    return env;
  }

  @Test
  void freshDatabaseIsCheckedThenMigratedEachMigrationASpanAndASecondRunHasNothingToDo() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + PostgresServer.DATABASE + "?user="
        + PostgresServer.USER + "&password=" + PostgresServer.PASSWORD;

    ChildJvm.Result first = ChildJvm.run(MaintenanceMain.class, env(url), Duration.ofSeconds(60));

    assertThat(first.exit()).as(first.out()).isZero();
    assertThat(first.out()).contains("applied " + String.join(", ", Migrations.ALL))
        .doesNotContain(PostgresServer.PASSWORD);
    List<TraceCollector.Received> spans = traces.spans().stream()
        .filter(s -> s.service().equals("vega-maintenance")).toList();
    TraceCollector.Received root = spans.stream().filter(s -> s.name().equals("vega-maintenance migrate"))
        .findFirst().orElseThrow(() -> new AssertionError("no migrate span in " + spans));
    List<TraceCollector.Received> migrations = spans.stream().filter(s -> s.name().startsWith("migration ")).toList();
    assertThat(migrations).extracting(s -> s.attributes().get("vega.migration"))
        .containsExactlyElementsOf(Migrations.ALL);
    assertThat(migrations).allSatisfy(s -> {
      assertThat(s.traceId()).isEqualTo(root.traceId());
      assertThat(s.parentId()).isEqualTo(root.spanId());
    });

    ChildJvm.Result again = ChildJvm.run(MaintenanceMain.class, env(url), Duration.ofSeconds(60));
    assertThat(again.exit()).as(again.out()).isZero();
    assertThat(again.out()).contains("schema up to date, nothing to apply");
  }

  @Test
  void databaseThatRefusesStopsItBeforeMigratingWithExitThreeAndTheHint() throws Exception {
    int closed = LocalAws.freePort();
    int before = traces.spans().size();

    ChildJvm.Result r = ChildJvm.run(MaintenanceMain.class,
        env("jdbc:postgresql://127.0.0.1:" + closed + "/vega?user=vega"), Duration.ofSeconds(60));

    assertThat(r.exit()).as(r.out()).isEqualTo(ServiceRuntime.NOT_READY);
    assertThat(r.out()).contains("vega-maintenance stops before migrating, exit 3: check postgres DOWN")
        .contains("next: check VEGA_DATABASE_URL and the database security group");
    Set<String> names = traces.spans().subList(before, traces.spans().size()).stream()
        .map(TraceCollector.Received::name).collect(Collectors.toSet());
    assertThat(names).noneMatch(n -> n.startsWith("migration ") || n.equals("vega-maintenance migrate"));
  }
}

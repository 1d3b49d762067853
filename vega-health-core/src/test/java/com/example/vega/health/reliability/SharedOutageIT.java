package com.example.vega.health.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ComponentType;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.checks.PostgresCheck;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.HealthServer;
import com.example.vega.health.testing.PostgresServer;
import com.example.vega.health.testing.TcpFaultProxy;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fleet of tasks sharing one real PostgreSQL, each with its own pool, monitor and probe server,
 * as ECS and the ALB see them: a shared outage must not fail any task's {@code /ready} (ECS would
 * replace them all), a new task with a wrong password must never pass it, and a fault of one task
 * itself must still take that task, and only it, out.
 */
class SharedOutageIT {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static PostgresServer pg;
  private static TcpFaultProxy proxy;
  private static final List<AutoCloseable> closeables = new ArrayList<>();
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = PostgresServer.start();
    proxy = new TcpFaultProxy(pg.port());
  }

  @AfterAll
  static void stop() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    proxy.close();
    pg.close();
  }

  /** One task: its pool, a postgres check, a task-local check it can fail, a probe server. */
  private record Task(HealthMonitor monitor, HealthServer server, AtomicReference<CheckResult> local) {}

  private static Task task(String password) throws Exception {
    HikariConfig c = PostgresServer.pool(proxy.port());
    c.setPassword(password);
    c.setMinimumIdle(0);
    HikariDataSource ds = new HikariDataSource(c);
    closeables.add(ds);
    CheckPolicy critical = CheckPolicy.builder().interval(INTERVAL).timeout(Duration.ofMillis(800))
        .failureThreshold(1).successThreshold(1).critical(true).build();
    AtomicReference<CheckResult> local = new AtomicReference<>(CheckResult.up("serving"));
    HealthMonitor m = HealthMonitor.builder().service(ServiceInfo.of("vega-api")).startSpread(Duration.ZERO)
        .startupDeadline(Duration.ofSeconds(3))
        .register(PostgresCheck.builder(ds).role("vega-api").environment("dev").build().registration(critical))
        .register(new CheckRegistration("app-state", ComponentType.SYSTEM, "state", critical, ctx -> local.get()))
        .secretValues(password)
        .build().start();
    closeables.add(m);
    HealthServer s = HealthServer.start(m, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        DetailAccess.loopback(), HealthServer.Options.defaults());
    closeables.add(s);
    return new Task(m, s, local);
  }

  private static HttpResponse<String> get(Task t, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.server().port() + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int ready(Task t) throws Exception {
    return get(t, "/v1/healthz/ready").statusCode();
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime() < until).as("within 30 s: " + what).isTrue();
      Thread.sleep(50);
    }
  }

  private static Status postgres(Task t) {
    return t.monitor().snapshot().check("postgres").status();
  }

  @Test
  void aSharedOutageKeepsEveryServingTaskReadyWhileAWrongPasswordAndALocalFaultStillFail() throws Exception {
    List<Task> fleet = List.of(task(PostgresServer.PASSWORD), task(PostgresServer.PASSWORD),
        task(PostgresServer.PASSWORD));
    for (Task t : fleet) {
      await("a healthy task becomes ready", () -> t.monitor().snapshot().readySince() != null);
      assertThat(ready(t)).isEqualTo(200);
    }

    // A new task of a bad revision: its password is wrong. It never gets traffic.
    Task misconfigured = task("not-the-password");
    await("the wrong password is found", () -> postgres(misconfigured) == Status.DOWN);
    assertThat(misconfigured.monitor().snapshot().check("postgres").lastResult().errorKind())
        .isEqualTo(ErrorKind.AUTHENTICATION);
    for (int i = 0; i < 10; i++) {
      assertThat(ready(misconfigured)).isEqualTo(503);
      Thread.sleep(100);
    }
    assertThat(misconfigured.monitor().awaitReady()).get()
        .satisfies(f -> assertThat(f.kind()).isEqualTo(ErrorKind.AUTHENTICATION));

    // The database every task shares freezes: each sees it, none leaves the load balancer.
    proxy.mode(TcpFaultProxy.Mode.FREEZE);
    try {
      for (Task t : fleet) {
        await("the frozen database is seen", () -> postgres(t) == Status.DOWN);
      }
      for (int i = 0; i < 10; i++) {
        for (Task t : fleet) {
          assertThat(ready(t)).as("fail open: ECS must not replace a serving task").isEqualTo(200);
          assertThat(get(t, "/v1/healthz/live").statusCode()).isEqualTo(200);
        }
        Thread.sleep(100);
      }
      for (Task t : fleet) {
        HttpResponse<String> detail = get(t, "/v1/healthz");
        assertThat(detail.statusCode()).isEqualTo(503);
        assertThat(detail.body()).contains("\"hint\"").doesNotContain(PostgresServer.PASSWORD);
        assertThat(t.monitor().snapshot().heldOpen()).extracting(s -> s.name()).containsExactly("postgres");
      }
      assertThat(ready(misconfigured)).isEqualTo(503);
    } finally {
      proxy.mode(TcpFaultProxy.Mode.FORWARD);
    }
    for (Task t : fleet) {
      await("the database answers again", () -> postgres(t) == Status.UP);
      assertThat(get(t, "/v1/healthz").statusCode()).isEqualTo(200);
    }

    // A fault of one task itself (here: it refuses traffic) takes that task out, and only it.
    fleet.get(0).local().set(CheckResult.down(ErrorKind.OTHER, "refusing traffic", "the task is stopping"));
    await("the local fault is seen", () -> fleet.get(0).monitor().snapshot().check("app-state").status() == Status.DOWN);
    assertThat(ready(fleet.get(0))).isEqualTo(503);
    assertThat(ready(fleet.get(1))).isEqualTo(200);
    assertThat(ready(fleet.get(2))).isEqualTo(200);
  }
}

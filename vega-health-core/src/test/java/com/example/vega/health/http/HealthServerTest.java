package com.example.vega.health.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthProbe;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.testing.ManualScheduler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The JDK server over real HTTP, with the monitor's time moved by hand. */
class HealthServerTest {
  private static final String TOKEN = "detail-token-0123456789abcdef";
  private final ManualScheduler scheduler = new ManualScheduler();
  private final AtomicReference<CheckResult> db = new AtomicReference<>(CheckResult.up("fine"));
  private final AtomicReference<CheckResult> cache = new AtomicReference<>(CheckResult.up("fine"));
  private final HttpClient http = HttpClient.newHttpClient();
  private HealthMonitor monitor;
  private HealthServer server;

  @BeforeEach
  void start() throws Exception {
    CheckPolicy critical = CheckPolicy.builder().failureThreshold(1).successThreshold(1).critical(true).build();
    CheckPolicy optional = CheckPolicy.builder().failureThreshold(1).successThreshold(1).build();
    CheckPolicy local = CheckPolicy.builder().failureThreshold(1).successThreshold(1).probes(HealthProbe.LIVENESS).build();
    monitor = HealthMonitor.builder().service(ServiceInfo.of("vega-api"))
        .scheduler(scheduler).clock(scheduler.clock()).runExecutor(Runnable::run)
        .register("postgres", ctx -> db.get(), critical)
        .register("cache", ctx -> cache.get(), optional)
        .register("local", ctx -> CheckResult.up("ok"), local)
        .build();
    server = HealthServer.start(monitor, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        DetailAccess.bearerToken(TOKEN));
  }

  @AfterEach
  void stop() {
    server.close();
    monitor.close();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(5));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void probesFailBeforeStartAndPassOnceChecksReport() throws Exception {
    assertThat(get("/v1/healthz/live").statusCode()).isEqualTo(503);
    assertThat(get("/v1/healthz/ready").statusCode()).isEqualTo(503);
    monitor.start();
    scheduler.runDue();
    HttpResponse<String> live = get("/v1/healthz/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEqualTo("{\"status\":\"pass\"}");
    assertThat(live.headers().firstValue("Content-Type")).hasValue("application/health+json");
    assertThat(live.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(get("/v1/healthz/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void criticalDependencyDownFailsReadinessAndDetailButNeverLiveness() throws Exception {
    monitor.start();
    db.set(CheckResult.down(ErrorKind.CONNECTION_REFUSED, "connection refused on db:5432",
        "check VEGA_DATABASE_URL and the database security group"));
    scheduler.runDue();
    assertThat(get("/v1/healthz/live").statusCode()).isEqualTo(200);
    assertThat(get("/v1/healthz/ready").statusCode()).isEqualTo(503);
    HttpResponse<String> detail = get("/v1/healthz", "Authorization", "Bearer " + TOKEN);
    assertThat(detail.statusCode()).isEqualTo(503);
    JsonNode root = new ObjectMapper().readTree(detail.body());
    assertThat(root.get("checks").get("postgres:status").get(0).get("hint").asString())
        .isEqualTo("check VEGA_DATABASE_URL and the database security group");
  }

  @Test
  void unauthorizedCallersGetTheTopLevelStatusOnly() throws Exception {
    monitor.start();
    cache.set(CheckResult.down(ErrorKind.OTHER, "cache gone", "restart it"));
    scheduler.runDue();
    HttpResponse<String> anonymous = get("/v1/healthz");
    assertThat(anonymous.statusCode()).isEqualTo(200);
    assertThat(anonymous.body()).isEqualTo("{\"status\":\"warn\"}");
    HttpResponse<String> wrong = get("/v1/healthz", "Authorization", "Bearer nope-nope-nope-nope-nope");
    assertThat(wrong.body()).isEqualTo("{\"status\":\"warn\"}");
    HttpResponse<String> ok = get("/v1/healthz", "Authorization", "Bearer " + TOKEN);
    assertThat(ok.body()).contains("\"cache:status\"", "cache gone");
    assertThat(ok.headers().firstValue("Cache-Control").orElseThrow()).startsWith("private, max-age=");
  }

  @Test
  void browserGetsAReadableEscapedPage() throws Exception {
    monitor.start();
    db.set(CheckResult.down(ErrorKind.OTHER, "<script>alert(1)</script>", "hint"));
    scheduler.runDue();
    HttpResponse<String> page = get("/v1/healthz", "Authorization", "Bearer " + TOKEN,
        "Accept", "text/html,application/xhtml+xml");
    assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(page.body()).contains("vega-api", "&lt;script&gt;").doesNotContain("<script>alert");
  }

  @Test
  void otherMethodsAndPathsAreRefused() throws Exception {
    HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/healthz"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build();
    assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    assertThat(get("/v1/healthz/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void portInUseIsNamedInTheError() throws Exception {
    assertThatThrownBy(() -> HealthServer.start(monitor,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), DetailAccess.never()))
        .hasMessageContaining("cannot listen on").hasMessageContaining(Integer.toString(server.port()));
  }
}

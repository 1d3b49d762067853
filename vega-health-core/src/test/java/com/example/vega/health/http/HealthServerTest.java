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
import java.net.Socket;
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

/**
 * The probe server over real HTTP on loopback, with the monitor's time moved by hand: what it
 * answers, and HTTP/1.1 as it should be (keep-alive, pipelining, HEAD, 405, 404, close, HTTP/1.0)
 * seen byte for byte through {@link RawHttp}.
 */
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
    monitor = HealthMonitor.builder().startSpread(Duration.ZERO).service(ServiceInfo.of("vega-api"))
        .scheduler(scheduler).runExecutor(Runnable::run)
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
  void keepAliveServesManyRequestsOnOneConnection() throws Exception {
    monitor.start();
    scheduler.runDue();
    try (Socket s = RawHttp.connect(server.port(), 5_000)) {
      for (int i = 0; i < 50; i++) {
        RawHttp.send(s, RawHttp.get(i % 2 == 0 ? "/v1/healthz/live" : "/v1/healthz/ready"));
        RawHttp.Response r = RawHttp.read(s.getInputStream(), false);
        assertThat(r.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(r.header("Connection")).isNull();
        assertThat(r.text()).isEqualTo("{\"status\":\"pass\"}");
      }
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    monitor.start();
    db.set(CheckResult.down(ErrorKind.OTHER, "down", "fix it"));
    scheduler.runDue();
    try (Socket s = RawHttp.connect(server.port(), 5_000)) {
      RawHttp.send(s, RawHttp.get("/v1/healthz/live") + RawHttp.get("/v1/healthz/ready")
          + RawHttp.get("/nope") + RawHttp.request("HEAD", "/v1/healthz/live") + RawHttp.get("/v1/healthz/live"));
      assertThat(RawHttp.read(s.getInputStream(), false).status()).isEqualTo(200);
      assertThat(RawHttp.read(s.getInputStream(), false).status()).isEqualTo(503);
      assertThat(RawHttp.read(s.getInputStream(), false).status()).isEqualTo(404);
      RawHttp.Response head = RawHttp.read(s.getInputStream(), true);
      assertThat(head.status()).isEqualTo(200);
      RawHttp.Response last = RawHttp.read(s.getInputStream(), false);
      assertThat(last.text()).isEqualTo("{\"status\":\"pass\"}"); // HEAD sent no body in between
    }
  }

  @Test
  void headAnswersTheHeadersOfGetWithoutABody() throws Exception {
    monitor.start();
    scheduler.runDue();
    RawHttp.Response get = RawHttp.exchange(server.port(), RawHttp.get("/v1/healthz"));
    try (Socket s = RawHttp.connect(server.port(), 5_000)) {
      RawHttp.send(s, RawHttp.request("HEAD", "/v1/healthz") + RawHttp.get("/v1/healthz/live"));
      RawHttp.Response head = RawHttp.read(s.getInputStream(), true);
      assertThat(head.status()).isEqualTo(get.status());
      assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(get.body().length));
      assertThat(head.header("Content-Type")).isEqualTo(get.header("Content-Type"));
      assertThat(head.header("Vary")).isEqualTo("Accept, Authorization");
      // The next answer starts right where HEAD's headers ended: no body was sent.
      assertThat(RawHttp.read(s.getInputStream(), false).statusLine()).isEqualTo("HTTP/1.1 200 OK");
    }
  }

  @Test
  void otherMethodsGet405WithAllowAndUnknownPaths404() throws Exception {
    try (Socket s = RawHttp.connect(server.port(), 5_000)) {
      RawHttp.send(s, RawHttp.request("DELETE", "/v1/healthz/live") + RawHttp.get("/v1/healthz/other")
          + RawHttp.request("OPTIONS", "/v1/healthz") + RawHttp.get("/"));
      RawHttp.Response delete = RawHttp.read(s.getInputStream(), false);
      assertThat(delete.status()).isEqualTo(405);
      assertThat(delete.header("Allow")).isEqualTo("GET, HEAD");
      assertThat(RawHttp.read(s.getInputStream(), false).status()).isEqualTo(404);
      RawHttp.Response options = RawHttp.read(s.getInputStream(), false);
      assertThat(options.status()).isEqualTo(405);
      assertThat(options.header("Allow")).isEqualTo("GET, HEAD");
      assertThat(RawHttp.read(s.getInputStream(), false).status()).isEqualTo(404);
    }
  }

  @Test
  void aRequestWithABodyIsAnsweredAndClosedWithoutReadingIt() throws Exception {
    try (Socket s = RawHttp.connect(server.port(), 5_000)) {
      RawHttp.send(s, "POST /v1/healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
      RawHttp.Response r = RawHttp.read(s.getInputStream(), false);
      assertThat(r.status()).isEqualTo(405);
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(RawHttp.closedByServer(s)).isTrue();
    }
  }

  @Test
  void connectionCloseIsHonouredAfterTheAnswer() throws Exception {
    try (Socket s = RawHttp.connect(server.port(), 5_000)) {
      RawHttp.send(s, RawHttp.get("/v1/healthz/live", "Connection: close") + RawHttp.get("/v1/healthz/live"));
      RawHttp.Response r = RawHttp.read(s.getInputStream(), false);
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(RawHttp.closedByServer(s)).as("closed, the pipelined second request unanswered").isTrue();
    }
  }

  @Test
  void http10ClientsAreClosedUnlessTheyAskForKeepAlive() throws Exception {
    try (Socket s = RawHttp.connect(server.port(), 5_000)) {
      RawHttp.send(s, "GET /v1/healthz/live HTTP/1.0\r\n\r\n");
      RawHttp.Response r = RawHttp.read(s.getInputStream(), false);
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.text()).isEqualTo("{\"status\":\"fail\"}");
      assertThat(RawHttp.closedByServer(s)).isTrue();
    }
    try (Socket s = RawHttp.connect(server.port(), 5_000)) {
      for (int i = 0; i < 3; i++) {
        RawHttp.send(s, "GET /v1/healthz/live HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        RawHttp.Response r = RawHttp.read(s.getInputStream(), false);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Connection")).isEqualToIgnoringCase("keep-alive");
      }
    }
  }

  @Test
  void detailVariesByAcceptAndAuthorizationAndProbesAreNotCached() throws Exception {
    RawHttp.Response healthz = RawHttp.exchange(server.port(), RawHttp.get("/v1/healthz"));
    assertThat(healthz.header("Vary")).isEqualTo("Accept, Authorization");
    assertThat(healthz.header("X-Content-Type-Options")).isEqualTo("nosniff");
    RawHttp.Response live = RawHttp.exchange(server.port(), RawHttp.get("/v1/healthz/live"));
    assertThat(live.header("Cache-Control")).isEqualTo("no-store");
    assertThat(live.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(live.header("Vary")).isNull();
  }

  @Test
  void behindTheAlbAVpcNetworkOpensDetailOnlyToTheCallerItsForwardedForNames() throws Exception {
    monitor.start();
    scheduler.runDue();
    // Loopback stands for the VPC here: 127.0.0.0/8 is listed for detail, and the ALB is 127.0.0.1.
    try (HealthServer unnamed = HealthServer.start(monitor, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        DetailAccess.fromNetworks("127.0.0.0/8"));
        HealthServer behind = HealthServer.start(monitor, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            DetailAccess.fromNetworks("127.0.0.0/8").behind(TrustedProxies.of("127.0.0.1/32")))) {
      String pass = "{\"status\":\"pass\"}";
      // Without the ALB named: a forwarded request never gets detail by network.
      assertThat(RawHttp.exchange(unnamed.port(), RawHttp.get("/v1/healthz")).text()).contains("\"checks\"");
      assertThat(RawHttp.exchange(unnamed.port(), RawHttp.get("/v1/healthz",
          "X-Forwarded-For: 203.0.113.9")).text()).isEqualTo(pass);
      // Named: the forwarded caller is judged.
      assertThat(RawHttp.exchange(behind.port(), RawHttp.get("/v1/healthz",
          "X-Forwarded-For: 127.0.0.2")).text()).contains("\"checks\"");
      assertThat(RawHttp.exchange(behind.port(), RawHttp.get("/v1/healthz",
          "X-Forwarded-For: 203.0.113.9")).text()).isEqualTo(pass);
      assertThat(RawHttp.exchange(behind.port(), RawHttp.get("/v1/healthz")).text()).isEqualTo(pass);
      // A client's spoofed line, then the one the ALB appended: both are read, right to left.
      assertThat(RawHttp.exchange(behind.port(), RawHttp.get("/v1/healthz",
          "X-Forwarded-For: 127.0.0.2", "X-Forwarded-For: 203.0.113.9")).text()).isEqualTo(pass);
      for (String garbage : new String[] {"garbage", "127.0.0.2:80", "127.0.0.2,,", "127.0.0.2 127.0.0.3"}) {
        RawHttp.Response r = RawHttp.exchange(behind.port(), RawHttp.get("/v1/healthz", "X-Forwarded-For: " + garbage));
        assertThat(r.status()).as(garbage).isEqualTo(200);
        assertThat(r.text()).as(garbage).isEqualTo(pass);
      }
    }
  }

  @Test
  void anAccessRuleThatThrowsServesTheStatusOnlyNeverDetail() throws Exception {
    monitor.start();
    scheduler.runDue();
    // Detail would be served if the failure were taken as "yes": the same server with a rule
    // that says yes shows the checks, so the assertion below can tell the two apart.
    try (HealthServer open = HealthServer.start(monitor, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        DetailAccess.always());
        HealthServer broken = HealthServer.start(monitor, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            (remote, header) -> {
              throw new IllegalStateException("rule broken");
            })) {
      assertThat(RawHttp.exchange(open.port(), RawHttp.get("/v1/healthz")).text()).contains("\"checks\"");
      for (String accept : new String[] {"application/json", "text/html"}) {
        RawHttp.Response r = RawHttp.exchange(broken.port(), RawHttp.get("/v1/healthz", "Accept: " + accept,
            "Authorization: Bearer " + TOKEN));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("{\"status\":\"pass\"}");
        assertThat(r.header("Content-Type")).isEqualTo("application/health+json");
      }
    }
  }

  @Test
  void malformedAndOversizedRequestsAreRejectedAndClosed() throws Exception {
    try (HealthServer small = HealthServer.start(monitor, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        DetailAccess.never(), HealthServer.Options.defaults().withMaxRequestLineBytes(256).withMaxHeaderBytes(1024))) {
      String longLine = RawHttp.get("/v1/healthz/live?" + "a".repeat(300));
      String bigHeader = RawHttp.get("/v1/healthz/live", "X-Big: " + "b".repeat(2000));
      String garbage = "\u0001\u0002 not http at all \r\n\r\n";
      int[] expected = {414, 431, 400};
      String[] requests = {longLine, bigHeader, garbage};
      for (int i = 0; i < requests.length; i++) {
        try (Socket s = RawHttp.connect(small.port(), 5_000)) {
          RawHttp.send(s, requests[i]);
          RawHttp.Response r = RawHttp.read(s.getInputStream(), false);
          assertThat(r.status()).isEqualTo(expected[i]);
          assertThat(r.header("Connection")).isEqualTo("close");
          assertThat(RawHttp.closedByServer(s)).isTrue();
        }
      }
      assertThat(RawHttp.exchange(small.port(), RawHttp.get("/v1/healthz/live")).status()).isEqualTo(503);
    }
  }

  @Test
  void aConnectionWithoutACompleteRequestIsClosedAfterTheRequestTimeout() throws Exception {
    try (HealthServer quick = HealthServer.start(monitor, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        DetailAccess.never(), HealthServer.Options.defaults().withRequestTimeout(Duration.ofMillis(300)));
        Socket silent = RawHttp.connect(quick.port(), 10_000);
        Socket unfinished = RawHttp.connect(quick.port(), 10_000);
        Socket idle = RawHttp.connect(quick.port(), 10_000)) {
      RawHttp.send(unfinished, "GET /v1/healthz/live HTTP/1.1\r\nHost: x\r\n");
      RawHttp.send(idle, RawHttp.get("/v1/healthz/live"));
      assertThat(RawHttp.read(idle.getInputStream(), false).status()).isEqualTo(503);
      // Each read returns at end of stream once the server closes; the 10 s read timeout would
      // make closedByServer false if the server never did.
      assertThat(RawHttp.closedByServer(silent)).isTrue();
      assertThat(RawHttp.closedByServer(unfinished)).isTrue();
      assertThat(RawHttp.closedByServer(idle)).as("idle after its answer").isTrue();
    }
  }

  @Test
  void theRequestTimeoutSettingDecidesWhenASilentConnectionIsClosed() throws Exception {
    // Ordering, not latency: the connection to the 60 s server opens first, yet the 300 ms server
    // closes its own before it. Were the setting ignored, both would use one default and the older
    // connection would go first.
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (HealthServer patient = HealthServer.start(monitor, loopback, DetailAccess.never(),
            HealthServer.Options.defaults().withRequestTimeout(Duration.ofSeconds(60)));
        HealthServer quick = HealthServer.start(monitor, loopback, DetailAccess.never(),
            HealthServer.Options.defaults().withRequestTimeout(Duration.ofMillis(300)));
        Socket older = RawHttp.connect(patient.port(), 10_000)) {
      Thread.sleep(200);
      try (Socket newer = RawHttp.connect(quick.port(), 30_000)) {
        assertThat(RawHttp.closedByServer(newer)).as("closed by the 300 ms server").isTrue();
        older.setSoTimeout(100);
        assertThat(RawHttp.closedByServer(older)).as("the 60 s server's older connection, still open").isFalse();
      }
    }
  }

  @Test
  void aSlowlorisTricklingFasterThanTheTimeoutIsClosedByTheRequestDeadline() throws Exception {
    // A header byte every 50 ms, for up to 30 s, against a 1 s request timeout: a timeout that
    // restarted at every byte would never fire; the deadline on the whole request does, while the
    // client is still trickling.
    try (HealthServer quick = HealthServer.start(monitor, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        DetailAccess.never(), HealthServer.Options.defaults().withRequestTimeout(Duration.ofSeconds(1)));
        Socket slow = RawHttp.connect(quick.port(), 1)) {
      byte[] header = "GET /v1/healthz/live HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      slow.getOutputStream().write(header);
      long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      boolean closed = false;
      int trickled = 0;
      while (!closed && System.nanoTime() < giveUp) {
        try {
          slow.getOutputStream().write('a');
          slow.getOutputStream().flush();
          trickled++;
          closed = RawHttp.closedByServer(slow); // 1 ms read timeout: false while open
        } catch (java.io.IOException reset) {
          closed = true;
        }
        Thread.sleep(50);
      }
      assertThat(closed).as("closed while trickling (%d bytes sent)", trickled).isTrue();
    }
  }

  @Test
  void atTheCapANewConnectionClosesTheOldest() throws Exception {
    try (HealthServer capped = HealthServer.start(monitor, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        DetailAccess.never(), HealthServer.Options.defaults().withMaxConnections(3));
        Socket first = RawHttp.connect(capped.port(), 1_000);
        Socket second = RawHttp.connect(capped.port(), 1_000);
        Socket third = RawHttp.connect(capped.port(), 1_000)) {
      RawHttp.send(second, "GET /v1/healthz/live HTTP/1.1\r\n"); // unfinished
      RawHttp.send(third, RawHttp.get("/v1/healthz/live"));
      assertThat(RawHttp.read(third.getInputStream(), false).status()).isEqualTo(503); // idle now
      // A fourth: the probe gets in, the oldest (silent) connection goes.
      try (Socket fourth = RawHttp.connect(capped.port(), 1_000)) {
        RawHttp.send(fourth, RawHttp.get("/v1/healthz/live"));
        assertThat(RawHttp.read(fourth.getInputStream(), false).status()).isEqualTo(503);
        assertThat(RawHttp.closedByServer(first)).as("the oldest").isTrue();
        // A fifth closes the next oldest, the unfinished one; the idle keep-alive stays served.
        try (Socket fifth = RawHttp.connect(capped.port(), 1_000)) {
          RawHttp.send(fifth, RawHttp.get("/v1/healthz/live"));
          assertThat(RawHttp.read(fifth.getInputStream(), false).status()).isEqualTo(503);
          assertThat(RawHttp.closedByServer(second)).isTrue();
        }
      }
      RawHttp.send(third, RawHttp.get("/v1/healthz/live"));
      assertThat(RawHttp.read(third.getInputStream(), false).status()).isEqualTo(503);
    }
  }

  @Test
  void portInUseIsNamedInTheError() throws Exception {
    assertThatThrownBy(() -> HealthServer.start(monitor,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), DetailAccess.never()))
        .hasMessageContaining("cannot listen on").hasMessageContaining(Integer.toString(server.port()));
  }
}

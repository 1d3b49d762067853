package com.example.vega.health.checks;

import com.example.vega.health.VegaRole;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.HealthServer;
import com.example.vega.health.metrics.HealthMetrics;
import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.testing.PostgresServer;
import com.example.vega.health.trace.ClientSpans;
import com.example.vega.health.trace.HttpCarrier;
import com.example.vega.health.trace.ScanContext;
import com.example.vega.health.trace.ScanTracing;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Plants known secret values — the database password, the scan-scoped proxy token, a Secrets
 * Manager value — where drivers, servers and callers would echo them, and scans every response,
 * log record, metric name and tag, and exported span for them. None may appear.
 */
class SecretsNeverLeakIT {
  private static final String PROXY_TOKEN =
      "eyJhbGciOiJIUzI1NiJ9.eyJzY2FuIjoicyIsImV4cCI6MX0.planted-proxy-token-signature";
  private static final String SECRET_VALUE = "planted-provider-api-key-7d1c";

  @Test
  void plantedSecretsAppearInNoResponseLogMetricOrSpan() throws Exception {
    List<String> logs = new ArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        // The module's own lines, at every level. (A JDBC driver at FINE logs its own connection
        // URL, password included: that is the driver's logging, configured by the application.)
        if (r.getLoggerName() == null || !r.getLoggerName().startsWith("com.example.vega")) {
          return;
        }
        Object[] p = r.getParameters();
        String msg = r.getMessage();
        if (p != null && msg != null) {
          msg = java.text.MessageFormat.format(msg.replace("'", "''"), p);
        }
        synchronized (logs) {
          logs.add(msg + " " + (r.getThrown() == null ? "" : r.getThrown()));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger root = Logger.getLogger("");
    Level before = root.getLevel();
    root.addHandler(capture);
    root.setLevel(Level.ALL);

    // A hostile proxy: it echoes whatever Authorization it got, in its body and a header.
    HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    proxy.createContext("/", ex -> {
      String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
      byte[] body = ("rejected " + auth).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("X-Echo", auth);
      ex.sendResponseHeaders(401, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    proxy.start();

    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    List<String> seen = new ArrayList<>();
    try (PostgresServer pg = PostgresServer.start()) {
      HikariConfig cfg = new HikariConfig();
      // The password in the URL too, and a wrong one in the pool: the driver's errors will talk.
      cfg.setJdbcUrl(pg.jdbcUrl() + "?password=" + PostgresServer.PASSWORD);
      cfg.setUsername(PostgresServer.USER);
      cfg.setPassword(PostgresServer.PASSWORD + "-wrong");
      cfg.setInitializationFailTimeout(-1);
      try (HikariDataSource ds = new HikariDataSource(cfg)) {
        CheckPolicy fast = CheckPolicy.builder().interval(Duration.ofMillis(300)).timeout(Duration.ofMillis(300))
            .failureThreshold(1).successThreshold(1).critical(true).build();
        Map<String, String> settings = new HashMap<>();
        settings.put("VEGA_DATABASE_URL", "postgresql://vega:" + PostgresServer.PASSWORD + "@127.0.0.1:" + pg.port() + "/vega");
        settings.put("VEGA_LLM_PROXY_TOKEN", PROXY_TOKEN);
        HealthMonitor.Builder b = HealthMonitor.builder().service(ServiceInfo.of("vega-v16-runner"))
            .register(PostgresCheck.builder(ds).build().registration(fast))
            .register(LlmProxyCheck.builder(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + proxy.getAddress().getPort()), () -> PROXY_TOKEN)
                .build().registration(fast))
            .register(ConfigCheck.of(VegaRole.RUNNER, settings::get).registration(fast));
        secretsLane = MotoServer.installed();
        if (secretsLane) {
          MotoServer.shared().reset();
          var sm = AwsClients.moto().secrets();
          sm.createSecret(r -> r.name("vega/provider").secretString(SECRET_VALUE));
          b.register(SecretsCheck.builder(sm).secret("vega/provider").verifyDecrypt(true).build().registration(fast));
        }
        // No secretValues(...) here on purpose: the checks themselves must not leak.
        try (HealthMonitor monitor = b.build().start()) {
          SimpleMeterRegistry meters = new SimpleMeterRegistry();
          new HealthMetrics(monitor, "runner").bindTo(meters);
          try (HealthServer server = HealthServer.start(monitor,
              new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), DetailAccess.loopback())) {
            Thread.sleep(2_000); // several runs of every check
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("/v1/healthz", "/v1/healthz/ready", "/v1/healthz/live")) {
              for (String accept : List.of("application/health+json", "text/html")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + path)).header("Accept", accept).build(),
                    HttpResponse.BodyHandlers.ofString());
                seen.add(r.body() + r.headers().map());
              }
            }
            assertThat(seen.get(0)).contains("postgres", "llm-proxy"); // detail was rendered
            for (Meter m : meters.getMeters()) {
              seen.add(m.getId().toString());
            }
          }
          monitor.snapshot().checks().forEach(c -> seen.add(String.valueOf(c.lastResult())));
        }
      }
    } finally {
      proxy.stop(0);
      root.removeHandler(capture);
      root.setLevel(before);
    }

    // Spans: a call to the proxy with the token in the URL and in the error, and baggage attempts.
    ScanTracing tracing = ScanTracing.create(otel);
    ClientSpans client = ClientSpans.create(tracing);
    Context scan = tracing.startScan("scan-1", Context.root());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScanContext.withBaggage(scan, "token", PROXY_TOKEN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(PROXY_TOKEN);
    // Smuggled past our API with the plain OpenTelemetry one: the carrier must still strip it.
    Context withToken = scan.with(io.opentelemetry.api.baggage.Baggage.fromContext(scan).toBuilder()
        .put("session_token", PROXY_TOKEN).put("note", "Bearer " + PROXY_TOKEN).build());
    Span call = client.startHttp(withToken,
        "GET", URI.create("http://user:" + PROXY_TOKEN + "@proxy.internal/v1/complete?token=" + PROXY_TOKEN));
    ClientSpans.fail(call, new IllegalStateException("rejected Bearer " + PROXY_TOKEN));
    call.end();
    Map<String, String> headers = new HashMap<>();
    HttpCarrier.inject(withToken, headers::put);
    seen.add(headers.toString());
    Span.fromContext(scan).end();
    spans.getFinishedSpanItems().forEach(s -> seen.add(s.toString()));
    synchronized (logs) {
      seen.addAll(logs);
    }

    assertThat(seen).isNotEmpty();
    assertThat(logs).as("the module logged status changes").isNotEmpty();
    assertThat(String.join("\n", seen))
        .doesNotContain(PostgresServer.PASSWORD)
        .doesNotContain(PROXY_TOKEN)
        .doesNotContain("planted-proxy-token-signature")
        .doesNotContain(SECRET_VALUE);
    if (!secretsLane) {
      MotoServer.skippedParts("the Secrets Manager check (with its secret value) was");
    }
  }

  private boolean secretsLane;
}

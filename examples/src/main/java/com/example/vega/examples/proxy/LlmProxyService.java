package com.example.vega.examples.proxy;

import com.example.vega.examples.common.Aws;
import com.example.vega.examples.common.ScanToken;
import com.example.vega.examples.common.ServiceRuntime;
import com.example.vega.health.checks.VegaChecks;
import com.example.vega.health.checks.VegaRole;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.HealthServer;
import com.example.vega.health.trace.ClientSpans;
import com.example.vega.health.trace.HttpCarrier;
import com.example.vega.health.trace.ScanContext;
import com.example.vega.health.trace.Trust;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * vega-llm-proxy: holds the provider API key (Secrets Manager, or {@code VEGA_PROVIDER_API_KEY}
 * in local mode) and forwards the runners' calls, each authorised by its scan-scoped token.
 */
public final class LlmProxyService implements AutoCloseable {
  private final ServiceRuntime runtime;
  private final HttpServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ClientSpans spans;
  private final byte[] signingKey;
  private final URI provider;
  private final String providerKey;
  private final SecretsManagerClient secrets;

  public LlmProxyService(Map<String, String> environment) throws IOException {
    runtime = new ServiceRuntime(VegaRole.LLM_PROXY, environment);
    spans = ClientSpans.create(runtime.tracing());
    signingKey = runtime.env().require("VEGA_LLM_PROXY_SIGNING_KEY").getBytes(StandardCharsets.UTF_8);
    provider = URI.create(runtime.env().require("VEGA_PROVIDER_BASE_URL"));
    secrets = environment.containsKey("VEGA_PROVIDER_SECRET_ID") ? new Aws(environment).secrets() : null;
    providerKey = secrets != null
        ? secrets.getSecretValue(b -> b.secretId(environment.get("VEGA_PROVIDER_SECRET_ID"))).secretString()
        : runtime.env().require("VEGA_PROVIDER_API_KEY");
    VegaChecks.Clients.Builder clients = VegaChecks.Clients.builder();
    if (secrets != null) {
      clients.secrets(secrets);
    }
    runtime.startHealth(clients.build());
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        runtime.env().port("VEGA_PROXY_PORT", 0)), 64);
    server.createContext("/v1/complete", this::complete);
    server.createContext("/v1/health", this::tokenCheck);
    server.createContext("/v1/healthz", HealthServer.handler(runtime.monitor(), DetailAccess.loopback()));
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public ServiceRuntime runtime() {
    return runtime;
  }

  private String scanOf(HttpExchange ex) {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !auth.startsWith("Bearer ")) {
      return null;
    }
    return ScanToken.verify(auth.substring(7).trim(), Instant.now(), signingKey);
  }

  /** {@code GET /v1/health}: 200 when the caller's scan token is accepted (the runner's check). */
  private void tokenCheck(HttpExchange ex) throws IOException {
    try (ex) {
      send(ex, scanOf(ex) == null ? 401 : 200, scanOf(ex) == null ? "invalid_token" : "ok");
    }
  }

  private void complete(HttpExchange ex) throws IOException {
    try (ex) {
      // Runners are inside our boundary: continue their trace.
      Context parent = HttpCarrier.extract(ex.getRequestHeaders(), Trust.TRUSTED);
      String scanId = scanOf(ex);
      Span server = runtime.tracing().tracer().spanBuilder("POST /v1/complete").setParent(parent)
          .setSpanKind(SpanKind.SERVER).startSpan();
      try (Scope s = server.makeCurrent()) {
        if (scanId == null) {
          server.setAttribute(ClientSpans.HTTP_RESPONSE_STATUS_CODE, 401L);
          send(ex, 401, "invalid_token");
          return;
        }
        byte[] body = ex.getRequestBody().readNBytes(1 << 20);
        URI uri = provider.resolve("/v1/chat");
        Span call = spans.startHttp(Context.current(), "POST", uri);
        try (Scope c = call.makeCurrent()) {
          HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + providerKey)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
          HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
          call.setAttribute(ClientSpans.HTTP_RESPONSE_STATUS_CODE, (long) r.statusCode());
          send(ex, r.statusCode() == 200 ? 200 : 502, r.statusCode() == 200 ? r.body()
              : "provider answered " + r.statusCode() + ": check the provider API key in Secrets Manager");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          send(ex, 503, "interrupted");
        } catch (IOException e) {
          ClientSpans.fail(call, e);
          send(ex, 502, "provider unreachable");
        } finally {
          call.end();
        }
        ScanContext.scanId(Context.current()).ifPresent(id -> server.setAttribute(ScanContext.SCAN_ID_ATTRIBUTE, id));
      } finally {
        server.end();
      }
    }
  }

  private static void send(HttpExchange ex, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    runtime.close();
    if (secrets != null) {
      secrets.close();
    }
  }
}

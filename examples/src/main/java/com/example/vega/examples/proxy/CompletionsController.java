package com.example.vega.examples.proxy;

import com.example.vega.examples.common.Env;
import com.example.vega.examples.common.ScanToken;
import com.example.vega.health.trace.ClientSpans;
import com.example.vega.health.trace.ScanTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/complete} forwards a runner's call to the provider with the provider key;
 * {@code GET /v1/health} answers 200 when the caller's scan token is accepted (the runner's
 * llm-proxy check calls it).
 */
@RestController
class CompletionsController {
  /** The provider API key: held here only, never logged or returned. */
  record ProviderKey(String value) {
    @Override
    public String toString() {
      return "ProviderKey[****]";
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ClientSpans spans;
  private final byte[] signingKey;
  private final URI provider;
  private final ProviderKey key;

  CompletionsController(Env env, ScanTracing tracing, ProviderKey key) {
    this.spans = ClientSpans.builder(tracing).environment(env.map()).build();
    this.signingKey = env.require("VEGA_LLM_PROXY_SIGNING_KEY").getBytes(StandardCharsets.UTF_8);
    this.provider = URI.create(env.require("VEGA_PROVIDER_BASE_URL"));
    this.key = key;
  }

  private @Nullable String scanOf(@Nullable String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return null;
    }
    return ScanToken.verify(authorization.substring(7).trim(), Instant.now(), signingKey);
  }

  @GetMapping("/v1/health")
  ResponseEntity<String> token(@RequestHeader(name = "Authorization", required = false) @Nullable String authorization) {
    return scanOf(authorization) == null ? ResponseEntity.status(401).body("invalid_token") : ResponseEntity.ok("ok");
  }

  @PostMapping("/v1/complete")
  ResponseEntity<String> complete(@RequestHeader(name = "Authorization", required = false) @Nullable String authorization,
      @RequestBody(required = false) byte[] body) {
    if (scanOf(authorization) == null) {
      return ResponseEntity.status(401).body("invalid_token");
    }
    URI uri = provider.resolve("/v1/chat");
    Span call = spans.startHttp(Context.current(), "POST", uri);
    try (Scope s = call.makeCurrent()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + key.value())
          .POST(HttpRequest.BodyPublishers.ofByteArray(body == null ? new byte[0] : body)).build(),
          HttpResponse.BodyHandlers.ofString());
      ClientSpans.httpResponse(call, r.statusCode());
      return r.statusCode() == 200 ? ResponseEntity.ok(r.body())
          : ResponseEntity.status(502).body("provider answered " + r.statusCode()
              + ": check the provider API key in Secrets Manager");
    } catch (IOException e) {
      ClientSpans.fail(call, e);
      return ResponseEntity.status(502).body("provider unreachable");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ResponseEntity.status(503).body("interrupted");
    } finally {
      call.end();
    }
  }
}

package com.example.vega.examples.proxy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** A stand-in for the LLM provider: checks the API key, answers findings as "severity|title|path" lines. */
public final class FakeProvider implements AutoCloseable {
  private final HttpServer server;
  private final String apiKey;

  public FakeProvider(String apiKey) throws IOException {
    this.apiKey = apiKey;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    byte[] expected = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
    server.createContext("/v1/chat", ex -> {
      try (ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        boolean ok = auth != null && MessageDigest.isEqual(expected, auth.getBytes(StandardCharsets.UTF_8));
        String source = new String(ex.getRequestBody().readNBytes(1 << 20), StandardCharsets.UTF_8);
        StringBuilder findings = new StringBuilder();
        if (source.contains("password")) {
          findings.append("high|Hard-coded credential|src/app.py\n");
        }
        if (source.contains("execute(")) {
          findings.append("medium|SQL built from request input|src/db.py\n");
        }
        byte[] body = (ok ? findings.toString() : "invalid api key").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(ok ? 200 : 401, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        }
      }
    });
    server.start();
  }

  public String apiKey() {
    return apiKey;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package com.example.vega.health.bench.probe;

import com.example.vega.health.HealthMonitor;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.HealthEndpoints;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The peer: the probe server as it was before issue 12 (main at ba27eb8), the JDK's
 * {@code com.sun.net.httpserver} with two executor threads, {@code sun.net.httpserver.nodelay}
 * set when it is the first to ask, started from a daemon thread. Same routes and headers, over the
 * same {@link HealthEndpoints}. Kept here only to be measured against.
 */
final class JdkProbeServer implements AutoCloseable {
  static {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private JdkProbeServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static JdkProbeServer start(HealthMonitor monitor, InetSocketAddress address, DetailAccess access)
      throws IOException, InterruptedException {
    HttpServer server = HttpServer.create(address, 64);
    HealthEndpoints endpoints = new HealthEndpoints(monitor);
    server.createContext(HealthEndpoints.BASE_PATH, ex -> handle(ex, endpoints, access));
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "vega-health-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    Thread starter = new Thread(server::start, "vega-health-http-start");
    starter.setDaemon(true);
    starter.start();
    starter.join();
    return new JdkProbeServer(server, executor);
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void handle(HttpExchange ex, HealthEndpoints endpoints, DetailAccess access) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      boolean head = "HEAD".equals(method);
      if (!head && !"GET".equals(method)) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        ex.sendResponseHeaders(405, -1);
        return;
      }
      HealthEndpoints.Response r;
      switch (ex.getRequestURI().getPath()) {
        case "/v1/healthz", "/v1/healthz/" -> {
          boolean detail;
          try {
            detail = access.allows(ex.getRemoteAddress().getAddress(), ex.getRequestHeaders()::getFirst);
          } catch (RuntimeException e) {
            detail = false;
          }
          r = endpoints.healthz(detail, ex.getRequestHeaders().getFirst("Accept"));
          ex.getResponseHeaders().set("Vary", "Accept, Authorization");
        }
        case "/v1/healthz/live" -> r = endpoints.live();
        case "/v1/healthz/ready" -> r = endpoints.ready();
        default -> {
          ex.sendResponseHeaders(404, -1);
          return;
        }
      }
      ex.getResponseHeaders().set("Content-Type", r.contentType());
      ex.getResponseHeaders().set("Cache-Control", r.cacheControl());
      ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      if (head) {
        ex.sendResponseHeaders(r.status(), -1);
        return;
      }
      ex.sendResponseHeaders(r.status(), r.body().length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(r.body());
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

package com.example.vega.health.http;

import com.example.vega.health.HealthMonitor;
import com.example.vega.health.internal.DaemonThreads;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP server for {@code /v1/healthz}, {@code /live} and {@code /ready}, on its own port
 * and its own two threads, so the probes answer even when the application's request threads are
 * all busy. For JVMs without a web framework (the agent uses it); binds to loopback by default.
 */
public final class HealthServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HealthServer.class.getName());
  private static final String NODELAY = "sun.net.httpserver.nodelay";

  static {
    // The JDK server sends the headers and the body as two segments; with Nagle's algorithm on,
    // the body waits for the client's delayed ACK (40 ms on Linux). Measured: 44 ms per probe and
    // 360 requests/s instead of well under a millisecond. The JDK reads this property once, when
    // its first HttpServer starts; an explicit setting by the application wins.
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
  }
  private final HttpServer server;
  private final ExecutorService executor;

  private HealthServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving.
   *
   * @param address where to listen; port 0 picks a free one
   * @throws IOException when the port cannot be bound (the message names the address)
   */
  public static HealthServer start(HealthMonitor monitor, InetSocketAddress address, DetailAccess access)
      throws IOException {
    Objects.requireNonNull(monitor, "monitor");
    Objects.requireNonNull(access, "access");
    HttpServer server;
    try {
      server = HttpServer.create(address, 64);
    } catch (IOException e) {
      throw new IOException("cannot listen on " + address + " for /v1/healthz: " + e.getMessage(), e);
    }
    server.createContext(HealthEndpoints.BASE_PATH, handler(monitor, access));
    ExecutorService executor = Executors.newFixedThreadPool(2, DaemonThreads.named("vega-health-http"));
    server.setExecutor(executor);
    startAsDaemon(server, executor);
    LOG.log(System.Logger.Level.INFO, "vega-health: serving {0} on {1}", HealthEndpoints.BASE_PATH,
        server.getAddress());
    return new HealthServer(server, executor);
  }

  /**
   * The JDK server's dispatcher thread takes its daemon flag from the thread that starts the
   * server; started from {@code main} it would keep the JVM alive after the application's own
   * threads ended. Started from a short-lived daemon thread, the health server never does.
   */
  private static void startAsDaemon(HttpServer server, ExecutorService executor) throws IOException {
    if (Thread.currentThread().isDaemon()) {
      server.start();
      return;
    }
    java.util.concurrent.atomic.AtomicReference<RuntimeException> failed = new java.util.concurrent.atomic.AtomicReference<>();
    Thread starter = new Thread(() -> {
      try {
        server.start();
      } catch (RuntimeException e) {
        failed.set(e);
      }
    }, "vega-health-http-start");
    starter.setDaemon(true);
    starter.start();
    try {
      starter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.stop(0);
      executor.shutdownNow();
      throw new IOException("interrupted while starting the health server on " + server.getAddress(), e);
    }
    if (failed.get() != null) {
      executor.shutdownNow();
      throw new IOException("cannot start the health server on " + server.getAddress() + ": "
          + failed.get().getMessage(), failed.get());
    }
  }

  /** Loopback, the given port. */
  public static HealthServer start(HealthMonitor monitor, int port) throws IOException {
    return start(monitor, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), DetailAccess.loopback());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * The same endpoints as a handler, for an application that runs its own JDK {@link HttpServer}
   * and wants {@code /v1/healthz} on its own port too: {@code server.createContext("/v1/healthz", handler)}.
   */
  public static com.sun.net.httpserver.HttpHandler handler(HealthMonitor monitor, DetailAccess access) {
    HealthEndpoints endpoints = new HealthEndpoints(monitor);
    return ex -> handle(ex, endpoints, access);
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
      String path = ex.getRequestURI().getPath();
      HealthEndpoints.Response r;
      switch (path) {
        case "/v1/healthz", "/v1/healthz/" -> {
          boolean detail;
          try {
            detail = access.allows(ex.getRemoteAddress().getAddress(), ex.getRequestHeaders()::getFirst);
          } catch (RuntimeException e) {
            detail = false; // a broken access rule must not open or break the endpoint
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

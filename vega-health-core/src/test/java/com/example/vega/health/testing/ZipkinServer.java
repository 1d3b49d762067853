package com.example.vega.health.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A real Zipkin server (the {@code io.zipkin:zipkin-server} exec jar the build copies from Maven
 * Central; system property {@code zipkin.jar}) as a child JVM: in-memory storage, HTTP on one free
 * loopback port. Services export to {@link #spansEndpoint()} with OpenTelemetry's Zipkin
 * exporter; tests read traces back through Zipkin's own query API.
 */
public final class ZipkinServer implements AutoCloseable {
  /** One span as Zipkin stores it (Zipkin lower-cases span and service names). */
  public record StoredSpan(String service, String traceId, String id, String parentId, String name,
      String kind, Map<String, String> tags) {
    public String label() {
      return service + " / " + name;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ChildProcess process;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ZipkinServer(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts Zipkin and waits (at most 90 s) until its /health answers; its log goes to {@code log}. */
  public static ZipkinServer start(Path log) throws IOException, InterruptedException {
    String jar = System.getProperty("zipkin.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("zipkin.jar (" + jar + ") is missing: the build copies io.zipkin:zipkin-server"
          + " (exec) to target/zipkin in pre-integration-test; run this test through Maven (failsafe)");
    }
    int port = MotoServer.freePort();
    List<String> cmd = TestJvm.command();
    cmd.addAll(List.of("-Xmx256m", "-jar", jar, "--armeria.ports[0].port=" + port,
        "--armeria.ports[0].ip=127.0.0.1", "--armeria.ports[0].protocols[0]=http"));
    ZipkinServer z = new ZipkinServer(ChildProcess.builder("zipkin", cmd).env("STORAGE_TYPE", "mem").log(log).start(), port);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (!z.process.isAlive()) {
        throw new IllegalStateException("zipkin exited: " + Files.readString(log));
      }
      try {
        if (z.get("/health").statusCode() == 200) {
          return z;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    z.close();
    throw new IllegalStateException("zipkin did not answer /health within 90 s: " + Files.readString(log));
  }

  /** What to give the services as {@code OTEL_EXPORTER_ZIPKIN_ENDPOINT}. */
  public String spansEndpoint() {
    return base() + "/api/v2/spans";
  }

  public String base() {
    return "http://127.0.0.1:" + port;
  }

  /** Trace ids of the traces with a span tagged {@code key=value}. */
  public List<String> traceIds(String key, String value) throws IOException, InterruptedException {
    HttpResponse<String> r = get("/api/v2/traces?limit=20&annotationQuery="
        + URLEncoder.encode(key + "=" + value, StandardCharsets.UTF_8));
    if (r.statusCode() != 200) {
      throw new IOException("zipkin /api/v2/traces answered " + r.statusCode() + ": " + r.body());
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode trace : JSON.readTree(r.body())) {
      if (trace.size() > 0) {
        ids.add(trace.get(0).path("traceId").asString());
      }
    }
    return ids;
  }

  /** Every span of one trace, as stored. */
  public List<StoredSpan> trace(String traceId) throws IOException, InterruptedException {
    HttpResponse<String> r = get("/api/v2/trace/" + traceId);
    if (r.statusCode() != 200) {
      throw new IOException("zipkin /api/v2/trace/" + traceId + " answered " + r.statusCode());
    }
    List<StoredSpan> out = new ArrayList<>();
    for (JsonNode s : JSON.readTree(r.body())) {
      Map<String, String> tags = new LinkedHashMap<>();
      s.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asString()));
      out.add(new StoredSpan(s.path("localEndpoint").path("serviceName").asString(""),
          s.path("traceId").asString(), s.path("id").asString(), s.path("parentId").asString(""),
          s.path("name").asString(""), s.path("kind").asString("INTERNAL"), tags));
    }
    return out;
  }

  /** One edge of Zipkin's service map ({@code /api/v2/dependencies}). */
  public record Link(String parent, String child, long callCount, long errorCount) {
    @Override
    public String toString() {
      return parent + " -> " + child + " (" + callCount + " calls, " + errorCount + " errors)";
    }
  }

  /** The service map Zipkin computes from every span stored in the last hour. */
  public List<Link> dependencies() throws IOException, InterruptedException {
    HttpResponse<String> r = get("/api/v2/dependencies?lookback=3600000&endTs=" + (System.currentTimeMillis() + 60_000));
    if (r.statusCode() != 200) {
      throw new IOException("zipkin /api/v2/dependencies answered " + r.statusCode() + ": " + r.body());
    }
    List<Link> out = new ArrayList<>();
    for (JsonNode l : JSON.readTree(r.body())) {
      out.add(new Link(l.path("parent").asString(), l.path("child").asString(),
          l.path("callCount").asLong(), l.path("errorCount").asLong()));
    }
    return out;
  }

  /** The remote services Zipkin lists for {@code service} (from its spans' remote endpoints). */
  public List<String> remoteServices(String service) throws IOException, InterruptedException {
    HttpResponse<String> r = get("/api/v2/remoteServices?serviceName=" + URLEncoder.encode(service, StandardCharsets.UTF_8));
    if (r.statusCode() != 200) {
      throw new IOException("zipkin /api/v2/remoteServices answered " + r.statusCode() + ": " + r.body());
    }
    List<String> out = new ArrayList<>();
    JSON.readTree(r.body()).forEach(n -> out.add(n.asString()));
    return out;
  }

  /** The span names Zipkin has stored for {@code service} (lower case, as Zipkin keeps them). */
  public List<String> spanNames(String service) throws IOException, InterruptedException {
    HttpResponse<String> r = get("/api/v2/spans?serviceName=" + URLEncoder.encode(service, StandardCharsets.UTF_8));
    if (r.statusCode() != 200) {
      throw new IOException("zipkin /api/v2/spans answered " + r.statusCode() + ": " + r.body());
    }
    List<String> out = new ArrayList<>();
    JSON.readTree(r.body()).forEach(n -> out.add(n.asString()));
    return out;
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Stops Zipkin (asked, then forced) and anything it started. */
  @Override
  public void close() {
    process.close();
  }
}

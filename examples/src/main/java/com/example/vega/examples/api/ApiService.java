package com.example.vega.examples.api;

import com.example.vega.examples.common.Aws;
import com.example.vega.examples.common.Database;
import com.example.vega.examples.common.ServiceRuntime;
import com.example.vega.health.checks.VegaChecks;
import com.example.vega.health.checks.VegaRole;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.HealthServer;
import com.example.vega.health.trace.ClientSpans;
import com.example.vega.health.trace.HttpCarrier;
import com.example.vega.health.trace.SqsCarrier;
import com.example.vega.health.trace.Trust;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * vega-api: {@code POST /v1/scans} stores the source in S3, records the scan as queued in
 * Postgres and sends it to the worker over SQS; {@code GET /v1/scans/{id}} reports its status.
 * The scan's trace starts here (an inbound traceparent from the internet is not trusted).
 */
public final class ApiService implements AutoCloseable {
  private static final Pattern SCAN_PATH = Pattern.compile("/v1/scans/([a-z0-9-]{1,64})");
  private static final int MAX_SOURCE = 1 << 20;
  private final ServiceRuntime runtime;
  private final HikariDataSource db;
  private final SqsClient sqs;
  private final S3Client s3;
  private final SqsCarrier sqsCarrier;
  private final ClientSpans spans;
  private final String queueUrl;
  private final String sourceBucket;
  private final HttpServer server;
  private final SecureRandom random = new SecureRandom();

  public ApiService(Map<String, String> environment) throws IOException {
    runtime = new ServiceRuntime(VegaRole.API, environment);
    Aws aws = new Aws(environment);
    db = Database.pool(runtime.env().require("VEGA_DATABASE_URL"), "vega-api", 4);
    sqs = aws.sqs();
    s3 = aws.s3();
    sqsCarrier = SqsCarrier.create(runtime.tracing());
    spans = ClientSpans.create(runtime.tracing());
    queueUrl = runtime.env().require("VEGA_SQS_QUEUE_URL");
    sourceBucket = runtime.env().require("VEGA_S3_SOURCE_BUCKET");
    runtime.startHealth(VegaChecks.Clients.builder().dataSource(db).sqs(sqs).s3(s3).build());
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        runtime.env().port("VEGA_API_PORT", 0)), 64);
    server.createContext("/v1/scans", this::scans);
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

  private void scans(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if ("POST".equals(ex.getRequestMethod()) && path.equals("/v1/scans")) {
        byte[] source = ex.getRequestBody().readNBytes(MAX_SOURCE + 1);
        if (source.length > MAX_SOURCE) {
          send(ex, 413, "{\"error\":\"source larger than 1 MiB\"}");
          return;
        }
        send(ex, 202, "{\"id\":\"" + create(ex, source) + "\",\"status\":\"queued\"}");
        return;
      }
      Matcher m = SCAN_PATH.matcher(path);
      if ("GET".equals(ex.getRequestMethod()) && m.matches()) {
        String body = status(m.group(1));
        send(ex, body == null ? 404 : 200, body == null ? "{\"error\":\"no such scan\"}" : body);
        return;
      }
      send(ex, 404, "{\"error\":\"not found\"}");
    } catch (Exception e) {
      send(ex, 500, "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
    }
  }

  private String create(HttpExchange ex, byte[] source) throws Exception {
    String scanId = "scan-" + HexFormat.of().formatHex(bytes(8));
    Context inbound = HttpCarrier.extract(ex.getRequestHeaders(), Trust.UNTRUSTED);
    Context scan = runtime.tracing().startScan(scanId, "POST /v1/scans", SpanKind.SERVER, inbound);
    try (Scope ignored = scan.makeCurrent()) {
      String key = "scans/" + scanId + "/source.txt";
      Span put = spans.startS3(Context.current(), "PutObject", sourceBucket, key);
      try {
        s3.putObject(b -> b.bucket(sourceBucket).key(key), RequestBody.fromBytes(source));
      } catch (RuntimeException e) {
        ClientSpans.fail(put, e);
        throw e;
      } finally {
        put.end();
      }
      Span insert = spans.startDb(Context.current(), "INSERT", "scans");
      try (Connection c = db.getConnection();
          PreparedStatement ps = c.prepareStatement(
              "INSERT INTO scans(id, status, source_key) VALUES (?, 'queued', ?)")) {
        ps.setString(1, scanId);
        ps.setString(2, key);
        ps.executeUpdate();
      } catch (Exception e) {
        ClientSpans.fail(insert, e);
        throw e;
      } finally {
        insert.end();
      }
      Span send = sqsCarrier.startSend(Context.current(), queueUrl);
      try (Scope s = send.makeCurrent()) {
        SendMessageRequest req = SendMessageRequest.builder().queueUrl(queueUrl).messageBody(scanId).build();
        String id = sqs.sendMessage(sqsCarrier.inject(Context.current(), req)).messageId();
        send.setAttribute(SqsCarrier.MESSAGE_ID, id);
      } catch (RuntimeException e) {
        ClientSpans.fail(send, e);
        throw e;
      } finally {
        send.end();
      }
    } finally {
      Span.fromContext(scan).end();
    }
    return scanId;
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private String status(String scanId) throws Exception {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT s.status, coalesce(s.failure_reason, ''), (SELECT count(*) FROM findings f WHERE f.scan_id = s.id) "
                + "FROM scans s WHERE s.id = ?")) {
      ps.setString(1, scanId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return "{\"id\":\"" + scanId + "\",\"status\":\"" + rs.getString(1) + "\",\"findings\":" + rs.getLong(3)
            + ",\"failureReason\":\"" + rs.getString(2).replaceAll("[\"\\\\\\p{Cntrl}]", " ") + "\"}";
      }
    }
  }

  private static void send(HttpExchange ex, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    runtime.close();
    db.close();
    sqs.close();
    s3.close();
  }
}

package com.example.vega.examples.api;

import com.example.vega.examples.common.Env;
import com.example.vega.health.trace.ClientSpans;
import com.example.vega.health.trace.ScanTracing;
import com.example.vega.health.trace.SqsCarrier;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * {@code POST /v1/scans} stores the source in S3, records the scan as queued in Postgres and
 * sends it to the worker over SQS; {@code GET /v1/scans/{id}} reports its status and
 * {@code GET /v1/scans/{id}/report} returns the runner's {@code v16-report.json} from the artifacts bucket.
 */
@RestController
class ScansController {
  private static final int MAX_SOURCE = 1 << 20;

  /** The API's settings; {@code artifactsBucket} null when VEGA_S3_ARTIFACTS_BUCKET is not set (no reports). */
  record Settings(String queueUrl, String sourceBucket, ClientSpans.Database database, @Nullable String artifactsBucket) {}

  private final DataSource db;
  private final SqsClient sqs;
  private final S3Client s3;
  private final ScanTracing tracing;
  private final SqsCarrier sqsCarrier;
  private final ClientSpans spans;
  private final Settings settings;
  private final SecureRandom random = new SecureRandom();

  ScansController(DataSource db, SqsClient sqs, S3Client s3, ScanTracing tracing, Settings settings, Env env) {
    this.db = db;
    this.sqs = sqs;
    this.s3 = s3;
    this.tracing = tracing;
    this.sqsCarrier = SqsCarrier.create(tracing);
    this.spans = ClientSpans.builder(tracing).environment(env.map()).build();
    this.settings = settings;
  }

  @PostMapping("/v1/scans")
  ResponseEntity<Map<String, Object>> create(@RequestBody byte[] source) throws Exception {
    if (source.length > MAX_SOURCE) {
      return ResponseEntity.status(413).body(Map.of("error", "source larger than 1 MiB"));
    }
    byte[] id = new byte[8];
    random.nextBytes(id);
    String scanId = "scan-" + HexFormat.of().formatHex(id);
    // The request filter already made the SERVER span (a fresh trace: callers from the internet are
    // not trusted); the scan starts under it and puts vega.scan.id in baggage.
    Context scan = tracing.startScan(scanId, "create scan", SpanKind.INTERNAL, Context.current());
    try (Scope ignored = scan.makeCurrent()) {
      String key = "scans/" + scanId + "/source.txt";
      Span put = spans.startS3(Context.current(), s3.serviceClientConfiguration().region().id(), "PutObject",
          settings.sourceBucket(), key);
      try {
        var stored = s3.putObject(b -> b.bucket(settings.sourceBucket()).key(key),
            software.amazon.awssdk.core.sync.RequestBody.fromBytes(source));
        ClientSpans.awsResponse(put, stored.responseMetadata().requestId(), stored.responseMetadata().extendedRequestId());
      } catch (RuntimeException e) {
        ClientSpans.fail(put, e);
        throw e;
      } finally {
        put.end();
      }
      // The span records the statement with its literal ('queued') replaced by ?, as the others.
      String insertSql = "INSERT INTO scans(id, status, source_key) VALUES (?, 'queued', ?)";
      Span insert = spans.startDb(Context.current(), settings.database(), insertSql);
      try (Connection c = db.getConnection();
          PreparedStatement ps = c.prepareStatement(insertSql)) {
        ps.setString(1, scanId);
        ps.setString(2, key);
        ps.executeUpdate();
      } catch (Exception e) {
        ClientSpans.fail(insert, e);
        throw e;
      } finally {
        insert.end();
      }
      Span send = sqsCarrier.startSend(Context.current(), settings.queueUrl());
      try (Scope s = send.makeCurrent()) {
        SendMessageRequest req = SendMessageRequest.builder().queueUrl(settings.queueUrl()).messageBody(scanId).build();
        SqsCarrier.sent(send, sqs.sendMessage(sqsCarrier.inject(Context.current(), req)));
      } catch (RuntimeException e) {
        ClientSpans.fail(send, e);
        throw e;
      } finally {
        send.end();
      }
    } finally {
      Span.fromContext(scan).end();
    }
    return ResponseEntity.accepted().body(Map.of("id", scanId, "status", "queued"));
  }

  @GetMapping("/v1/scans/{id}")
  ResponseEntity<Map<String, Object>> status(@PathVariable("id") String scanId) throws Exception {
    if (!scanId.matches("[a-z0-9-]{1,64}")) {
      return ResponseEntity.badRequest().body(Map.of("error", "malformed scan id"));
    }
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT s.status, coalesce(s.failure_reason, ''), (SELECT count(*) FROM findings f WHERE f.scan_id = s.id) "
                + "FROM scans s WHERE s.id = ?")) {
      ps.setString(1, scanId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return ResponseEntity.status(404).body(Map.of("error", "no such scan"));
        }
        return ResponseEntity.ok(Map.of("id", scanId, "status", rs.getString(1), "findings", rs.getLong(3),
            "failureReason", rs.getString(2)));
      }
    }
  }

  @GetMapping("/v1/scans/{id}/report")
  ResponseEntity<?> report(@PathVariable("id") String scanId) {
    if (!scanId.matches("[a-z0-9-]{1,64}")) {
      return ResponseEntity.badRequest().body(Map.of("error", "malformed scan id"));
    }
    String bucket = settings.artifactsBucket();
    if (bucket == null) {
      return ResponseEntity.status(404).body(Map.of("error", "no artifacts bucket: VEGA_S3_ARTIFACTS_BUCKET is not set"));
    }
    try {
      byte[] report = s3.getObjectAsBytes(b -> b.bucket(bucket).key("scans/" + scanId + "/v16-report.json")).asByteArray();
      return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(report);
    } catch (NoSuchKeyException e) {
      return ResponseEntity.status(404).body(Map.of("error", "no report for the scan (yet)"));
    }
  }
}

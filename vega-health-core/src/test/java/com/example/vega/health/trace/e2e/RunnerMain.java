package com.example.vega.health.trace.e2e;

import com.example.vega.health.trace.ClientSpans;
import com.example.vega.health.trace.EcsCarrier;
import com.example.vega.health.trace.HttpCarrier;
import com.example.vega.health.trace.ScanContext;
import com.example.vega.health.trace.ScanTracing;
import com.example.vega.health.trace.VegaOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The vega-v16-runner of the end-to-end test, run as its own JVM with the environment an ECS
 * RunTask override gives it: extracts the worker's context once at start, then downloads the
 * source from S3, claims the scan in Postgres, calls the LLM proxy, upserts a finding and writes
 * the report — each a client span under the runner's root span. Its log lines go through
 * {@code java.util.logging} with {@link com.example.vega.health.trace.TraceLogFormatter} as
 * JSON (the IT sets {@code java.util.logging.config.file}).
 */
public final class RunnerMain {
  static final String ROOT_SPAN = "vega.runner.scan";
  private static final System.Logger LOG = System.getLogger(RunnerMain.class.getName());

  private RunnerMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    // Once, at start: the worker's RunTask span is our parent.
    Context parent = EcsCarrier.extract(env);
    OpenTelemetrySdk sdk = VegaOpenTelemetry.builder("vega-v16-runner").shutdownHook(false).build();
    try {
      run(sdk, parent, env);
    } finally {
      sdk.shutdown().join(20, TimeUnit.SECONDS);
    }
  }

  private static void run(OpenTelemetrySdk sdk, Context parent, Map<String, String> env) throws Exception {
    ScanTracing tracing = ScanTracing.create(sdk);
    // peer.service of the proxy, the AWS endpoint and the database names (database/dup) from OTEL_*.
    ClientSpans clients = ClientSpans.builder(tracing).environment(env).build();
    ClientSpans.Database database = ClientSpans.Database.postgres(env.get("VEGA_DATABASE_URL"));
    String region = env.get("AWS_REGION");
    String scanId = env.get("VEGA_SCAN_ID");
    // The scan id is also a plain setting of the task, so it survives when BAGGAGE did not fit.
    Context scan = ScanContext.scanId(parent).isPresent() ? parent : ScanContext.withScanId(parent, scanId);
    // SERVER: the task's entry continues the worker's RunTask call, so backends draw worker -> runner.
    Span root = tracing.tracer().spanBuilder(ROOT_SPAN).setSpanKind(SpanKind.SERVER).setParent(scan).startSpan();
    Context ctx = scan.with(root);
    try (Scope ignored = ctx.makeCurrent();
        S3Client s3 = S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .forcePathStyle(true)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .build();
        Connection db = DriverManager.getConnection(env.get("VEGA_DATABASE_URL"))) {
      String sourceBucket = env.get("VEGA_S3_SOURCE_BUCKET");
      String sourceKey = "scans/" + scanId + "/source.zip";
      Span get = clients.startS3(ctx, region, "GetObject", sourceBucket, sourceKey);
      byte[] source;
      try (Scope s = get.makeCurrent()) {
        var object = s3.getObjectAsBytes(b -> b.bucket(sourceBucket).key(sourceKey));
        ClientSpans.awsResponse(get, object.response().responseMetadata().requestId(),
            object.response().responseMetadata().extendedRequestId());
        source = object.asByteArray();
      } finally {
        get.end();
      }

      String claimSql = "UPDATE scans SET status = 'running' WHERE id = ? AND status = 'queued'";
      Span claim = clients.startDb(ctx, database, claimSql);
      try (Scope s = claim.makeCurrent();
          PreparedStatement ps = db.prepareStatement(claimSql)) {
        ps.setString(1, scanId);
        if (ps.executeUpdate() != 1) {
          throw new IllegalStateException("scan " + scanId + " was not queued");
        }
      } finally {
        claim.end();
      }
      // A log line inside the scan's trace: its trace_id is the one the backend shows (ScanTraceIT).
      LOG.log(System.Logger.Level.INFO, "scan {0} claimed", scanId);

      URI llm = URI.create(env.get("VEGA_LLM_PROXY_BASE_URL") + "/v1/complete");
      Span call = clients.startHttp(ctx, "POST", llm);
      String answer;
      try (Scope s = call.makeCurrent()) {
        HttpRequest.Builder req = HttpRequest.newBuilder(llm)
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + env.get("VEGA_LLM_PROXY_TOKEN"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"bytes\":" + source.length + "}"));
        HttpCarrier.inject(Context.current(), req::setHeader);
        HttpResponse<String> resp = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
        ClientSpans.httpResponse(call, resp.statusCode());
        answer = resp.body();
      } finally {
        call.end();
      }

      Span upsert = clients.startDb(ctx, database, "INSERT", "findings");
      try (Scope s = upsert.makeCurrent();
          PreparedStatement ps = db.prepareStatement(
              "INSERT INTO findings (scan_id, rule, severity) VALUES (?, ?, ?) "
                  + "ON CONFLICT (scan_id, rule) DO UPDATE SET severity = EXCLUDED.severity")) {
        ps.setString(1, scanId);
        ps.setString(2, "llm-finding");
        ps.setString(3, answer.contains("high") ? "high" : "low");
        ps.executeUpdate();
      } finally {
        upsert.end();
      }

      String artifacts = env.get("VEGA_S3_ARTIFACTS_BUCKET");
      String reportKey = "scans/" + scanId + "/v16-report.json";
      Span put = clients.startS3(ctx, region, "PutObject", artifacts, reportKey);
      try (Scope s = put.makeCurrent()) {
        var written = s3.putObject(b -> b.bucket(artifacts).key(reportKey), RequestBody.fromString("{\"findings\":1}"));
        ClientSpans.awsResponse(put, written.responseMetadata().requestId(), written.responseMetadata().extendedRequestId());
      } finally {
        put.end();
      }
    } catch (Exception e) {
      ClientSpans.fail(root, e);
      throw e;
    } finally {
      root.end();
    }
  }
}

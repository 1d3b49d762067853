package com.example.vega.examples.runner;

import com.example.vega.examples.common.Aws;
import com.example.vega.examples.common.Database;
import com.example.vega.examples.common.ServiceRuntime;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.checks.VegaChecks;
import com.example.vega.health.VegaRole;
import com.example.vega.health.trace.ClientSpans;
import com.example.vega.health.trace.EcsCarrier;
import com.example.vega.health.token.ScanTokenHandoff;
import com.example.vega.health.token.TokenReference;
import com.example.vega.health.trace.HttpCarrier;
import com.zaxxer.hikari.HikariDataSource;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * vega-v16-runner: one scan per process (an ECS RunTask task, or a local child process). Downloads
 * the source from S3, asks the LLM through the proxy with its scan-scoped token, upserts findings
 * in Postgres, and writes {@code v16-events.jsonl} and {@code v16-report.json} to the artifacts
 * bucket. Its trace continues the worker's, from TRACEPARENT/TRACESTATE/BAGGAGE read once here.
 * It embeds the module's core: its checks run once before the scan, and a failing one stops it
 * with the check's hint and exit code 3; its proxy token is read from the reference the worker
 * passes ({@link ScanTokenHandoff}), never from the RunTask request.
 */
public final class RunnerMain {
  private static final System.Logger LOG = System.getLogger(RunnerMain.class.getName());

  private RunnerMain() {}

  public static void main(String[] args) {
    ServiceRuntime.exitWith(RunnerMain::run);
  }

  /**
   * The runner's whole life in this environment: 0 when the scan is done, 1 when it failed,
   * 2 when a setting is wrong, {@link ServiceRuntime#NOT_READY} when a dependency failed its check
   * at start (the check's hint is logged; the scan row says failed with it).
   */
  static int run(Map<String, String> environment) {
    Map<String, String> env;
    try {
      env = redeemToken(environment); // the token, read once from where the worker put it
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "vega-v16-runner stops before the scan, exit " + ServiceRuntime.NOT_READY
          + ": " + e.getMessage());
      return ServiceRuntime.NOT_READY;
    }
    try (ServiceRuntime runtime = new ServiceRuntime(VegaRole.RUNNER, env)) {
      return run(runtime, env);
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.ERROR, "vega-v16-runner cannot start: " + e.getMessage());
      return 2;
    }
  }

  /**
   * The settings with the scan token in place of VEGA_LLM_PROXY_TOKEN_REF, redeemed through core's
   * hand-off before the checks are built, so the llm-proxy check validates the same token.
   */
  static Map<String, String> redeemToken(Map<String, String> environment) {
    String ref = environment.get(ScanTokenHandoff.REFERENCE);
    if (ref != null && !ref.isBlank() && TokenReference.parse(ref).kind() == TokenReference.Kind.SECRET_ARN) {
      try (SecretsManagerClient secrets = new Aws(environment).secrets()) { // the runner task role
        return ScanTokenHandoff.resolved(environment, secrets);
      }
    }
    return ScanTokenHandoff.resolved(environment);
  }

  private record Finding(String severity, String title, String path) {}

  private static int run(ServiceRuntime runtime, Map<String, String> env) {
    String scanId = runtime.env().require("VEGA_SCAN_ID");
    Context parent = EcsCarrier.extract(env); // once, at start
    // SERVER: the task's entry span continues the worker's launch (ECS RunTask), so trace backends
    // draw the worker -> runner edge from it (Zipkin, X-Ray segments, Tempo's service graph).
    Context scan = runtime.tracing().startScan(scanId, "vega-v16-runner scan", SpanKind.SERVER, parent);
    ClientSpans spans = ClientSpans.builder(runtime.tracing()).environment(env).build();
    ClientSpans.Database database = Database.target(runtime.env().require("VEGA_DATABASE_URL"));
    Aws aws = new Aws(env);
    try (Scope ignored = scan.makeCurrent();
        HikariDataSource db = Database.pool(runtime.env().require("VEGA_DATABASE_URL"), "vega-runner", 2);
        S3Client s3 = aws.s3()) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      runtime.startHealth(VegaChecks.Clients.builder().dataSource(db).aws(s3).http(http).build());
      // Checked once: ECS never replaces a RunTask task, so a runner that cannot work stops here;
      // a cold first call that timed out is retried until the startup deadline, not a reason to stop.
      HealthMonitor.StartupFailure notReady = runtime.awaitReady(r -> false).orElse(null);
      if (notReady != null) {
        String reason = "not ready: " + notReady.check() + " " + notReady.status() + ": " + notReady.message()
            + "; next: " + notReady.hint();
        LOG.log(System.Logger.Level.ERROR, "vega-v16-runner stops before the scan, exit " + ServiceRuntime.NOT_READY
            + ": " + reason);
        ClientSpans.fail(Span.current(), new IllegalStateException(reason));
        markFailed(db, scanId, reason);
        return ServiceRuntime.NOT_READY;
      }
      try {
        update(db, spans, database, "UPDATE scans SET status = 'running', updated_at = now() WHERE id = ?", scanId);
        LOG.log(System.Logger.Level.INFO, "scan " + scanId + " running");
        String sourceBucket = runtime.env().require("VEGA_S3_SOURCE_BUCKET");
        String artifacts = runtime.env().require("VEGA_S3_ARTIFACTS_BUCKET");
        String key = "scans/" + scanId + "/source.txt";
        Span get = spans.startS3(Context.current(), aws.region(), "GetObject", sourceBucket, key);
        String source;
        try {
          var object = s3.getObjectAsBytes(b -> b.bucket(sourceBucket).key(key));
          ClientSpans.awsResponse(get, object.response().responseMetadata().requestId(),
              object.response().responseMetadata().extendedRequestId());
          source = object.asUtf8String();
        } catch (RuntimeException e) {
          ClientSpans.fail(get, e);
          throw new IllegalStateException("cannot download the source from s3://" + sourceBucket
              + ": check bucket permissions and VEGA_S3_SOURCE_BUCKET", e);
        } finally {
          get.end();
        }
        List<Finding> findings = askTheModel(runtime, spans, http, source);
        upsert(db, spans, database, scanId, findings);
        writeArtifacts(s3, spans, aws.region(), artifacts, scanId, findings);
        update(db, spans, database, "UPDATE scans SET status = 'done', updated_at = now() WHERE id = ?", scanId);
        LOG.log(System.Logger.Level.INFO, scanId + " done with " + findings.size() + " findings");
        return 0;
      } catch (RuntimeException e) {
        ClientSpans.fail(Span.current(), e);
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        LOG.log(System.Logger.Level.ERROR, scanId + " failed: " + reason);
        markFailed(db, scanId, reason);
        return 1;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (Exception e) {
      LOG.log(System.Logger.Level.ERROR, scanId + " failed: " + e);
      return 1;
    } finally {
      Span.fromContext(scan).end();
    }
  }

  private static void markFailed(HikariDataSource db, String scanId, String reason) {
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
        "UPDATE scans SET status = 'failed', failure_reason = ?, updated_at = now() WHERE id = ?")) {
      ps.setString(1, reason.length() > 500 ? reason.substring(0, 500) : reason);
      ps.setString(2, scanId);
      ps.executeUpdate();
    } catch (Exception ignoredToo) {
      // the database is what failed; the log says so
    }
  }

  private static List<Finding> askTheModel(ServiceRuntime runtime, ClientSpans spans, HttpClient http, String source) {
    URI uri = URI.create(runtime.env().require("VEGA_LLM_PROXY_BASE_URL") + "/v1/complete");
    Span call = spans.startHttp(Context.current(), "POST", uri);
    try (Scope s = call.makeCurrent()) {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + runtime.env().require("VEGA_LLM_PROXY_TOKEN"))
          .POST(HttpRequest.BodyPublishers.ofString(source));
      HttpCarrier.inject(Context.current(), b::header);
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      ClientSpans.httpResponse(call, r.statusCode());
      if (r.statusCode() == 401 || r.statusCode() == 403) {
        throw new IllegalStateException("the LLM proxy rejected the scan token (" + r.statusCode()
            + "): check that the runner has a valid scan-scoped proxy token");
      }
      if (r.statusCode() != 200) {
        throw new IllegalStateException("the LLM proxy answered " + r.statusCode()
            + ": check the vega-llm-proxy logs for provider authentication errors");
      }
      List<Finding> out = new ArrayList<>();
      for (String line : r.body().split("\n")) {
        String[] f = line.split("\\|", 3);
        if (f.length == 3) {
          out.add(new Finding(f[0].trim(), f[1].trim(), f[2].trim()));
        }
      }
      return out;
    } catch (java.io.IOException e) {
      ClientSpans.fail(call, e);
      throw new IllegalStateException("the LLM proxy is unreachable at VEGA_LLM_PROXY_BASE_URL: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      call.end();
    }
  }

  private static void upsert(HikariDataSource db, ClientSpans spans, ClientSpans.Database database, String scanId,
      List<Finding> findings) {
    String sql = "INSERT INTO findings(id, scan_id, title, severity, path) VALUES (?, ?, ?, ?, ?) "
        + "ON CONFLICT (id) DO UPDATE SET title = excluded.title, severity = excluded.severity";
    write(db, spans.startDb(Context.current(), database, sql), sql, ps -> {
          int i = 0;
          for (Finding f : findings) {
            ps.setString(1, scanId + "-" + (++i));
            ps.setString(2, scanId);
            ps.setString(3, f.title());
            ps.setString(4, f.severity());
            ps.setString(5, f.path());
            ps.addBatch();
          }
          ps.executeBatch();
        }, "finding_upsert", "is migration 004_findings_columns.sql applied?");
  }

  private static void writeArtifacts(S3Client s3, ClientSpans spans, String region, String bucket, String scanId,
      List<Finding> findings) {
    StringBuilder events = new StringBuilder();
    int i = 0;
    for (Finding f : findings) {
      events.append("{\"type\":\"finding_updated\",\"finding\":\"").append(scanId).append('-').append(++i)
          .append("\",\"severity\":\"").append(f.severity().replaceAll("[^a-z]", "")).append("\"}\n");
    }
    events.append("{\"type\":\"scan_done\",\"scan\":\"").append(scanId).append("\"}\n");
    put(s3, spans, region, bucket, "scans/" + scanId + "/v16-events.jsonl", events.toString());
    put(s3, spans, region, bucket, "scans/" + scanId + "/v16-report.json",
        "{\"scan\":\"" + scanId + "\",\"findings\":" + findings.size() + "}");
  }

  private static void put(S3Client s3, ClientSpans spans, String region, String bucket, String key, String body) {
    Span span = spans.startS3(Context.current(), region, "PutObject", bucket, key);
    try {
      var written = s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromString(body));
      ClientSpans.awsResponse(span, written.responseMetadata().requestId(), written.responseMetadata().extendedRequestId());
    } catch (RuntimeException e) {
      ClientSpans.fail(span, e);
      throw new IllegalStateException("cannot write " + key + " to s3://" + bucket
          + ": check VEGA_S3_ARTIFACTS_BUCKET and s3:PutObject on the runner task role", e);
    } finally {
      span.end();
    }
  }

  private static void update(HikariDataSource db, ClientSpans spans, ClientSpans.Database database, String sql,
      String scanId) {
    // The statement itself names operation and table; its literals ('running', 'done') become ?.
    write(db, spans.startDb(Context.current(), database, sql), sql, ps -> {
      ps.setString(1, scanId);
      ps.executeUpdate();
    }, "Postgres write", "check the database security group and credentials");
  }

  /** What one statement does with its parameters, on a connection of its own. */
  private interface SqlWork {
    void run(PreparedStatement ps) throws SQLException;
  }

  /**
   * One write under its CLIENT {@code span}, which it ends; a failure marks the span and stops the
   * scan with {@code what} failed and the {@code hint} of what to check.
   */
  private static void write(HikariDataSource db, Span span, String sql, SqlWork work, String what,
      String hint) {
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      work.run(ps);
    } catch (Exception e) {
      ClientSpans.fail(span, e);
      throw new IllegalStateException(what + " failed: " + e.getMessage() + " (" + hint + ")", e);
    } finally {
      span.end();
    }
  }
}

package com.example.vega.examples.worker;

import com.example.vega.examples.common.Aws;
import com.example.vega.examples.common.Database;
import com.example.vega.examples.common.ScanToken;
import com.example.vega.examples.common.ServiceRuntime;
import com.example.vega.health.checks.VegaChecks;
import com.example.vega.health.VegaRole;
import com.example.vega.health.token.ScanTokenHandoff;
import com.example.vega.health.trace.ClientSpans;
import com.example.vega.health.trace.EcsCarrier;
import com.example.vega.health.trace.SqsCarrier;
import com.zaxxer.hikari.HikariDataSource;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * vega-worker: takes scan messages off SQS, claims the scan row in Postgres, and launches the
 * runner (ECS RunTask when {@code VEGA_SCAN_WORKER_EXECUTION_MODE=ecs}, a local process otherwise)
 * with the trace context and a reference to its scan-scoped proxy token (never the token itself:
 * {@link ScanTokenHandoff}).
 */
public final class WorkerService implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(WorkerService.class.getName());
  private final ServiceRuntime runtime;
  private final HikariDataSource db;
  private final SqsClient sqs;
  private final EcsClient ecs;
  private final SqsCarrier sqsCarrier;
  private final ClientSpans spans;
  private final ClientSpans.Database database;
  private final RunnerLauncher launcher;
  private final @Nullable SecretsManagerClient secrets;
  private final ScanTokenHandoff tokens;
  private final String queueUrl;
  private final byte[] signingKey;
  private final Duration tokenTtl;
  private final Thread loop;
  private volatile boolean running = true;

  public WorkerService(Map<String, String> environment, Map<String, String> runnerEnvironment, Path logDir)
      throws Exception {
    runtime = new ServiceRuntime(VegaRole.WORKER, environment);
    Aws aws = new Aws(environment);
    db = Database.pool(runtime.env().require("VEGA_DATABASE_URL"), "vega-worker", 4);
    sqs = aws.sqs();
    ecs = aws.ecs();
    sqsCarrier = SqsCarrier.create(runtime.tracing());
    spans = ClientSpans.builder(runtime.tracing()).environment(environment).build();
    queueUrl = runtime.env().require("VEGA_SQS_QUEUE_URL");
    signingKey = runtime.env().require("VEGA_LLM_PROXY_SIGNING_KEY").getBytes(StandardCharsets.UTF_8);
    tokenTtl = Duration.parse(runtime.env().get("VEGA_SCAN_TOKEN_TTL", "PT30M"));
    EcsCarrier ecsCarrier = EcsCarrier.create(runtime.tracing());
    database = Database.target(runtime.env().require("VEGA_DATABASE_URL"));
    boolean inEcs = "ecs".equals(runtime.env().get("VEGA_SCAN_WORKER_EXECUTION_MODE", "local"));
    // The token never goes into the RunTask request (DescribeTasks shows it): see ScanTokenHandoff.
    String prefix = inEcs ? runtime.env().require(ScanTokenHandoff.SECRET_PREFIX)
        : runtime.env().get(ScanTokenHandoff.SECRET_PREFIX);
    if (prefix == null) {
      secrets = null;
      tokens = ScanTokenHandoff.files();
    } else {
      SecretsManagerClient sm = aws.secrets();
      secrets = sm;
      tokens = ScanTokenHandoff.secrets(sm, prefix);
    }
    launcher = inEcs
        ? new EcsRunnerLauncher(ecs, ecsCarrier, spans, aws.region(), runtime.env().require("VEGA_ECS_CLUSTER"),
            runtime.env().require("VEGA_RUNNER_TASK_DEFINITION"), list("VEGA_RUNNER_SUBNETS"),
            list("VEGA_RUNNER_SECURITY_GROUPS"))
        : new LocalRunnerLauncher(runnerEnvironment, logDir);
    runtime.startHealth(VegaChecks.Clients.builder().dataSource(db).aws(sqs, ecs).build());
    loop = new Thread(this::poll, "vega-worker-poll");
    loop.setDaemon(true);
    loop.start();
  }

  private List<String> list(String setting) {
    String v = runtime.env().get(setting, "");
    return v.isEmpty() ? List.of() : List.of(v.split("\\s*,\\s*"));
  }

  public ServiceRuntime runtime() {
    return runtime;
  }

  public RunnerLauncher launcher() {
    return launcher;
  }

  private void poll() {
    // Scans are taken off the queue once the worker's dependencies have answered (or could not
    // by the startup deadline: the worker then polls anyway, and /v1/healthz says what is wrong).
    try {
      runtime.awaitReady(r -> false).ifPresent(f -> LOG.log(System.Logger.Level.ERROR,
          "vega-worker is not ready, polling anyway: " + f.line()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (IllegalStateException e) {
      return; // closed while starting
    }
    ReceiveMessageRequest receive = SqsCarrier.withTraceAttributes(ReceiveMessageRequest.builder()
        .queueUrl(queueUrl).maxNumberOfMessages(5).waitTimeSeconds(1).build());
    while (running) {
      try {
        for (Message m : receive(receive)) {
          handle(m);
        }
      } catch (RuntimeException e) {
        if (running) {
          LOG.log(System.Logger.Level.WARNING, "receive failed: " + e.getMessage());
          sleep();
        }
      }
    }
  }

  /**
   * One ReceiveMessage. A receive that returned messages gets a "receive" span of its own (not
   * of any scan; linked to each message's producer); an empty long poll gets none.
   */
  private List<Message> receive(ReceiveMessageRequest request) {
    java.time.Instant start = java.time.Instant.now();
    List<Message> messages = sqs.receiveMessage(request).messages();
    if (!messages.isEmpty()) {
      Span span = sqsCarrier.startReceive(Context.root(), queueUrl, start);
      SqsCarrier.received(span, messages);
      span.end();
    }
    return messages;
  }

  private void handle(Message m) {
    String scanId = m.body().trim();
    Context process = sqsCarrier.startProcess(m, queueUrl);
    try (Scope ignored = process.makeCurrent()) {
      if (!scanId.matches("[a-z0-9-]{1,64}")) {
        throw new IllegalArgumentException("message body is not a scan id");
      }
      if (claim(scanId)) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("VEGA_SCAN_ID", scanId);
        String token;
        try {
          token = tokens.put(scanId, ScanToken.mint(scanId, Instant.now().plus(tokenTtl), signingKey));
        } catch (RuntimeException e) {
          fail(scanId, "cannot hand the scan token over (" + e.getClass().getSimpleName() + "): check"
              + " secretsmanager:CreateSecret on " + ScanTokenHandoff.SECRET_PREFIX + "* for the worker task role");
          throw e;
        }
        overrides.put(ScanTokenHandoff.REFERENCE, token);
        String task;
        try {
          task = launcher.launch(Context.current(), overrides);
        } catch (Exception e) {
          tokens.discard(token);
          fail(scanId, "runner launch failed: " + e.getMessage());
          throw new IllegalStateException(e);
        }
        LOG.log(System.Logger.Level.INFO, "scan " + scanId + " launched as " + task);
        update("UPDATE scans SET runner_task = ?, updated_at = now() WHERE id = ?", task, scanId);
      }
      Span delete = sqsCarrier.startDelete(Context.current(), queueUrl);
      try {
        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
      } catch (RuntimeException e) {
        ClientSpans.fail(delete, e);
        throw e;
      } finally {
        delete.end();
      }
    } catch (RuntimeException e) {
      ClientSpans.fail(Span.fromContext(process), e);
      LOG.log(System.Logger.Level.WARNING, "scan " + scanId + ": " + e.getMessage());
    } finally {
      Span.fromContext(process).end();
    }
  }

  private boolean claim(String scanId) {
    String sql = "UPDATE scans SET status = 'claimed', updated_at = now() WHERE id = ? AND status = 'queued'";
    Span span = spans.startDb(Context.current(), database, sql);
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, scanId);
      return ps.executeUpdate() == 1;
    } catch (Exception e) {
      ClientSpans.fail(span, e);
      throw new IllegalStateException("claim failed: " + e.getMessage(), e);
    } finally {
      span.end();
    }
  }

  private void fail(String scanId, String reason) {
    update("UPDATE scans SET status = 'failed', failure_reason = ?, updated_at = now() WHERE id = ?", reason, scanId);
  }

  private void update(String sql, String a, String b) {
    Span span = spans.startDb(Context.current(), database, sql);
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, a);
      ps.setString(2, b);
      ps.executeUpdate();
    } catch (Exception e) {
      ClientSpans.fail(span, e);
      LOG.log(System.Logger.Level.WARNING, "update failed: " + e.getMessage());
    } finally {
      span.end();
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws Exception {
    running = false;
    loop.join(3000);
    launcher.close();
    tokens.close();
    runtime.close();
    db.close();
    sqs.close();
    ecs.close();
    if (secrets != null) {
      secrets.close();
    }
  }
}

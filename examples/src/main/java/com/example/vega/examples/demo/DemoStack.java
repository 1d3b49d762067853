package com.example.vega.examples.demo;

import com.example.vega.examples.api.ApiApplication;
import com.example.vega.examples.boot.VegaBootService;
import com.example.vega.examples.common.Aws;
import com.example.vega.examples.common.LocalAws;
import com.example.vega.examples.common.VegaProfile;
import com.example.vega.examples.maintenance.MaintenanceMain;
import com.example.vega.examples.maintenance.Migrations;
import com.example.vega.examples.proxy.FakeProvider;
import com.example.vega.examples.proxy.ProxyApplication;
import com.example.vega.examples.worker.WorkerService;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.token.ScanTokenHandoff;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;

/**
 * Every Vega service of the local demo, started together on embedded PostgreSQL and either
 * embedded SQS/S3 or an AWS endpoint (moto, or AWS itself), and stopped together: vega-maintenance
 * (checks, then migrations), vega-llm-proxy and vega-api (Spring Boot), vega-worker (local
 * execution mode: each runner a child process). With an AWS endpoint, the provider key and the scan
 * tokens go through Secrets Manager, as in production; on embedded defaults (no Secrets Manager) the
 * provider key is a setting and the tokens owner-only files. Closing it stops its parts in the
 * reverse order of their start.
 *
 * @param settings the settings every service shares ({@code VEGA_*}, {@code AWS_*}, {@code OTEL_*})
 * @param postgres the embedded PostgreSQL
 * @param localAws embedded SQS and S3, or null when the stack runs on an AWS endpoint
 * @param traces the demo's own trace collector
 * @param provider the stand-in LLM provider
 * @param proxy vega-llm-proxy
 * @param worker vega-worker
 * @param api vega-api
 */
public record DemoStack(Map<String, String> settings, EmbeddedPostgres postgres, @Nullable LocalAws localAws,
    TraceCollector traces, FakeProvider provider, VegaBootService proxy, WorkerService worker, VegaBootService api)
    implements AutoCloseable {
  /** The provider key's secret when Secrets Manager is there. */
  public static final String PROVIDER_SECRET = "vega/local/provider-api-key";

  /**
   * What the stack runs on.
   *
   * @param aws {@code AWS_*} of an endpoint to use (with {@code AWS_ENDPOINT_URL} for an emulator);
   *     empty for embedded SQS and S3
   * @param otel {@code OTEL_*} of a backend to send to; empty for the demo's own collector
   * @param zipkin a Zipkin server to send the spans to as well, or null
   * @param worker settings of the worker beyond the shared ones (e.g. a token lifetime)
   * @param api settings of vega-api beyond the shared ones (e.g. Cognito, for the smoke test's sign-in)
   */
  public record Options(Map<String, String> aws, Map<String, String> otel, @Nullable String zipkin,
      Map<String, String> worker, Map<String, String> api) {
    /** No settings of vega-api's own. */
    public Options(Map<String, String> aws, Map<String, String> otel, @Nullable String zipkin,
        Map<String, String> worker) {
      this(aws, otel, zipkin, worker, Map.of());
    }
  }

  /** What is read of a service: its monitor and the port of its health endpoints. */
  public record Svc(HealthMonitor monitor, int healthPort) {}

  public DemoStack {
    settings = Collections.unmodifiableMap(new HashMap<>(settings));
  }

  /** Starts everything; {@code step} hears each stage. Throws when a service cannot start. */
  public static DemoStack start(Options o, Path logs, Consumer<String> step) throws Exception {
    step.accept("starting PostgreSQL (embedded)");
    // PostgreSQL starts in its own processes: the JVM starts the AWS emulators meanwhile.
    CompletableFuture<EmbeddedPostgres> starting = CompletableFuture.supplyAsync(DemoStack::startPostgres);
    List<AutoCloseable> open = new ArrayList<>(); // what to stop should a later part fail to start
    open.add(() -> starting.thenAccept(DemoStack::closeQuietly));
    LocalAws localAws = null;
    try {
      Map<String, String> base = new HashMap<>(o.aws());
      boolean external = !o.aws().isEmpty();
      if (external) {
        step.accept("using AWS at " + o.aws().getOrDefault("AWS_ENDPOINT_URL", "the SDK's default endpoints"));
      } else {
        step.accept("starting SQS (ElasticMQ) and S3 (s3proxy), embedded");
        LocalAws aws = LocalAws.start();
        localAws = aws;
        open.add(aws);
        base.put("AWS_REGION", "us-east-1");
        base.put("AWS_ACCESS_KEY_ID", LocalAws.ACCESS_KEY);
        base.put("AWS_SECRET_ACCESS_KEY", LocalAws.SECRET_KEY);
        base.put("AWS_ENDPOINT_URL_SQS", aws.sqsEndpoint().toString());
        base.put("AWS_ENDPOINT_URL_S3", aws.s3Endpoint().toString());
      }
      EmbeddedPostgres pg = join(starting);
      open.set(0, () -> closeQuietly(pg));
      String dbUrl = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres";
      TraceCollector traces = new TraceCollector();
      open.add(traces);
      FakeProvider provider = new FakeProvider("provider-key-" + Long.toHexString(System.nanoTime()));
      open.add(provider);

      Aws aws = new Aws(base);
      String queueUrl;
      try (var sqs = aws.sqs(); var s3 = aws.s3()) {
        queueUrl = sqs.createQueue(b -> b.queueName("vega-scans")).queueUrl();
        for (String bucket : List.of("vega-source", "vega-artifacts")) {
          try {
            s3.createBucket(b -> b.bucket(bucket));
          } catch (BucketAlreadyOwnedByYouException e) {
            // reused emulator
          }
        }
      }
      if (external) {
        try (var secrets = aws.secrets()) {
          try {
            secrets.createSecret(b -> b.name(PROVIDER_SECRET).secretString(provider.apiKey()));
          } catch (ResourceExistsException e) {
            secrets.putSecretValue(b -> b.secretId(PROVIDER_SECRET).secretString(provider.apiKey()));
          }
        }
      }
      String signingKey = "signing-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
      base.putAll(VegaProfile.environment()); // Vega's house rules: hints, migration 004's columns
      base.put("VEGA_ENVIRONMENT", "local");
      base.put("VEGA_DATABASE_URL", dbUrl);
      base.put("VEGA_EXPECTED_MIGRATION", Migrations.ALL.get(Migrations.ALL.size() - 1));
      base.put("VEGA_SQS_QUEUE_URL", queueUrl);
      base.put("VEGA_S3_SOURCE_BUCKET", "vega-source");
      base.put("VEGA_S3_ARTIFACTS_BUCKET", "vega-artifacts");
      base.put("VEGA_FILE_STORAGE_BACKEND", "s3");
      base.put("VEGA_SCAN_WORKER_EXECUTION_MODE", "local");
      base.put("VEGA_AUTH_PROVIDER", "local");
      base.put("VEGA_HEALTH_INTERVAL", "PT1S"); // the demo wants answers in seconds
      if (!o.otel().isEmpty()) {
        // Any OTLP backend: spans, meters (vega.health.*) and log records go there, as OTEL_* says.
        base.putAll(o.otel());
        step.accept("sending spans, meters and log records to " + o.otel().get("OTEL_EXPORTER_OTLP_ENDPOINT")
            + " (OTEL_EXPORTER_OTLP_ENDPOINT)");
      } else {
        base.put("OTEL_EXPORTER_OTLP_ENDPOINT", traces.endpoint());
        base.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        base.put("OTEL_METRICS_EXPORTER", "none");
        base.put("OTEL_LOGS_EXPORTER", "none");
      }
      if (o.zipkin() != null) {
        base.put("OTEL_TRACES_EXPORTER", "otlp,zipkin");
        base.put("OTEL_EXPORTER_ZIPKIN_ENDPOINT", o.zipkin() + "/api/v2/spans");
        step.accept("sending spans to Zipkin at " + o.zipkin() + " too");
      }
      base.put("OTEL_BSP_SCHEDULE_DELAY", "100");

      step.accept("vega-maintenance: checks, then migrations (each a span)");
      int migrated = MaintenanceMain.run(new HashMap<>(base));
      if (migrated != 0) {
        throw new IllegalStateException("vega-maintenance exited " + migrated + " (its log above says why)");
      }

      step.accept("starting vega-llm-proxy (Spring Boot)");
      Map<String, String> proxyEnv = new HashMap<>(base);
      proxyEnv.put("VEGA_LLM_PROXY_SIGNING_KEY", signingKey);
      proxyEnv.put("VEGA_PROVIDER_BASE_URL", provider.baseUrl());
      // peer.service of the calls to the provider (the OpenTelemetry agent's own setting): the
      // service map names the provider instead of leaving the call without a remote service.
      proxyEnv.put("OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING",
          java.net.URI.create(provider.baseUrl()).getAuthority() + "=llm-provider");
      proxyEnv.put(external ? "VEGA_PROVIDER_SECRET_ID" : "VEGA_PROVIDER_API_KEY",
          external ? PROVIDER_SECRET : provider.apiKey());
      Map<String, String> proxyProps = fast("config", "secrets");
      proxyProps.putAll(Map.of("vega.health.role", "llm-proxy", "spring.application.name", "vega-llm-proxy",
          // Runners are inside our boundary: continue their traces (the VPC's CIDR in AWS).
          "vega.tracing.trusted-networks", "127.0.0.0/8"));
      VegaBootService proxy = VegaBootService.start(ProxyApplication.class, proxyEnv, proxyProps, LocalAws.freePort());
      open.add(proxy);

      Map<String, String> runnerEnv = new HashMap<>(base);
      runnerEnv.put("VEGA_LLM_PROXY_BASE_URL", "http://127.0.0.1:" + proxy.port());
      runnerEnv.put("OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING", "127.0.0.1:" + proxy.port() + "=vega-llm-proxy");
      step.accept("starting vega-worker (local execution mode: the runner is a child process)");
      Map<String, String> workerEnv = new HashMap<>(base);
      workerEnv.put("VEGA_LLM_PROXY_SIGNING_KEY", signingKey);
      if (external) {
        workerEnv.put(ScanTokenHandoff.SECRET_PREFIX, "vega/local/scan-tokens/");
      }
      workerEnv.putAll(o.worker());
      WorkerService worker = new WorkerService(workerEnv, runnerEnv, logs);
      open.add(worker);
      step.accept("starting vega-api (Spring Boot)");
      Map<String, String> apiProps = fast("postgres", "sqs", "s3", "config");
      apiProps.putAll(Map.of("vega.health.role", "api", "spring.application.name", "vega-api"));
      Map<String, String> apiEnv = new HashMap<>(base);
      apiEnv.putAll(o.api());
      VegaBootService api = VegaBootService.start(ApiApplication.class, apiEnv, apiProps,
          LocalAws.freePort());
      open.add(api);
      DemoStack stack = new DemoStack(base, pg, localAws, traces, provider, proxy, worker, api);
      stack.awaitFirstResults();
      return stack;
    } catch (Exception | Error e) {
      closeAll(open);
      throw e;
    }
  }

  private static EmbeddedPostgres startPostgres() {
    try {
      return EmbeddedPostgres.builder().start();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("PostgreSQL did not start", e);
    }
  }

  /** The started PostgreSQL, or what stopped it from starting. */
  private static EmbeddedPostgres join(CompletableFuture<EmbeddedPostgres> starting) throws Exception {
    try {
      return starting.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (Exception ignored) {
      // already stopped by a fault
    }
  }

  /** The demo wants answers in seconds: every named check runs each second, no damping. */
  private static Map<String, String> fast(String... checks) {
    Map<String, String> p = new HashMap<>();
    for (String c : checks) {
      p.put("vega.health.checks." + c + ".interval", "1s");
      p.put("vega.health.checks." + c + ".timeout", "1s");
      p.put("vega.health.checks." + c + ".failure-threshold", "1");
      p.put("vega.health.checks." + c + ".success-threshold", "1");
    }
    return p;
  }

  private void awaitFirstResults() throws InterruptedException {
    Collection<Svc> services = services().values();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline && services.stream().anyMatch(s ->
        s.monitor().snapshot().checks().stream().anyMatch(c -> c.lastResult() == null))) {
      Thread.sleep(50);
    }
  }

  /** vega-api, vega-worker and vega-llm-proxy, in that order. */
  public Map<String, Svc> services() {
    Map<String, Svc> s = new LinkedHashMap<>();
    s.put("vega-api", new Svc(api.monitor(), api.probePort()));
    s.put("vega-worker", new Svc(worker.runtime().monitor(), worker.runtime().healthPort()));
    s.put("vega-llm-proxy", new Svc(proxy.monitor(), proxy.probePort()));
    return Collections.unmodifiableMap(s);
  }

  @Override
  public void close() {
    List<AutoCloseable> open = new ArrayList<>();
    open.add(() -> closeQuietly(postgres));
    if (localAws != null) {
      open.add(localAws);
    }
    open.addAll(List.of(traces, provider, proxy, worker, api));
    closeAll(open);
  }

  /** Closes in reverse order of starting: the services before what they use. */
  private static void closeAll(List<AutoCloseable> open) {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception ignored) {
        // shutting down
      }
    }
  }
}

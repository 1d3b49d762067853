package com.example.vega.health.trace.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.testing.ChildProcess;
import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.trace.TraceLogFormatter;
import com.example.vega.health.testing.PostgresServer;
import com.example.vega.health.testing.TestJvm;
import com.example.vega.health.testing.ZipkinServer;
import com.example.vega.health.testing.ZipkinServer.StoredSpan;
import com.example.vega.health.trace.ClientSpans;
import com.example.vega.health.trace.EcsCarrier;
import com.example.vega.health.trace.HttpCarrier;
import com.example.vega.health.trace.ScanContext;
import com.example.vega.health.trace.ScanTracing;
import com.example.vega.health.trace.ServerSpans;
import com.example.vega.health.trace.SqsCarrier;
import com.example.vega.health.trace.Trust;
import com.example.vega.health.trace.VegaOpenTelemetry;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.TaskOverride;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import tools.jackson.databind.ObjectMapper;

/**
 * One scan, end to end: api -> SQS (moto) -> worker -> runner (its own JVM, started with the
 * environment the ECS carrier put in the RunTask override) -> LLM proxy over HTTP, Postgres (real)
 * and S3 (moto). Every service exports with OpenTelemetry's Zipkin exporter to a real Zipkin
 * server (one child JVM for the class); the test reads the scan's trace back through Zipkin's
 * query API and checks its shape, and joins the runner's JSON log line to it by trace id.
 */
class ScanTraceIT {
  private static final String RUNNER_CONTAINER = "vega-v16-runner";
  private static final String SOURCE_BUCKET = "vega-source";
  private static final String ARTIFACTS_BUCKET = "vega-artifacts";
  private static final String PROXY_TOKEN = "vega-proxy-token-" + UUID.randomUUID();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Under target/, not a temp dir: Zipkin's and the runner's logs outlive a failed run. */
  private static final Path dir = Path.of("target", "scan-trace-it");
  private static ZipkinServer zipkin;
  private static PostgresServer postgres;

  private MotoServer moto;
  private SqsClient sqsClient;
  private S3Client s3Client;
  private String queueUrl;
  private HttpServer proxy;
  private HttpServer provider;
  private software.amazon.awssdk.services.secretsmanager.SecretsManagerClient secretsClient;
  private final List<String> proxyAuthorizations = new CopyOnWriteArrayList<>();
  private final List<OpenTelemetrySdk> sdks = new ArrayList<>();

  @BeforeAll
  static void startZipkinAndPostgres() throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("logging.properties"), String.join("\n",
        "handlers=java.util.logging.ConsoleHandler",
        "java.util.logging.ConsoleHandler.formatter=" + TraceLogFormatter.class.getName(),
        TraceLogFormatter.class.getName() + ".format=json", ""));
    zipkin = ZipkinServer.start(dir.resolve("zipkin.log"));
    postgres = PostgresServer.start();
    postgres.sql("CREATE TABLE scans (id text PRIMARY KEY, status text NOT NULL)");
    postgres.sql("CREATE TABLE findings (scan_id text, rule text, severity text, PRIMARY KEY (scan_id, rule))");
  }

  @AfterAll
  static void stop() {
    if (zipkin != null) {
      zipkin.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @BeforeEach
  void awsAndProxy() throws IOException {
    moto = MotoServer.shared();
    moto.reset();
    var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    sqsClient = SqsClient.builder().region(Region.of(MotoServer.REGION)).credentialsProvider(creds)
        .endpointOverride(moto.endpoint()).httpClient(UrlConnectionHttpClient.create()).build();
    s3Client = S3Client.builder().region(Region.of(MotoServer.REGION)).credentialsProvider(creds)
        .endpointOverride(moto.endpoint()).forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .httpClient(UrlConnectionHttpClient.create()).build();
    queueUrl = sqsClient.createQueue(b -> b.queueName("vega-scans")).queueUrl();
    for (String bucket : List.of(SOURCE_BUCKET, ARTIFACTS_BUCKET)) {
      s3Client.createBucket(b -> b.bucket(bucket)
          .createBucketConfiguration(c -> c.locationConstraint(MotoServer.REGION)));
    }
    secretsClient = software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder()
        .region(Region.of(MotoServer.REGION)).credentialsProvider(creds)
        .endpointOverride(moto.endpoint()).httpClient(UrlConnectionHttpClient.create()).build();
    startProvider();
    startProxy(sdk("vega-llm-proxy"));
  }

  @AfterEach
  void close() {
    if (proxy != null) {
      proxy.stop(0);
    }
    if (provider != null) {
      provider.stop(0);
    }
    secretsClient.close();
    sdks.forEach(OpenTelemetrySdk::close);
    sqsClient.close();
    s3Client.close();
  }

  @Test
  void oneScanIsOneTraceInZipkinAcrossApiSqsWorkerRunnerProxyPostgresAndS3() throws Exception {
    String scanId = UUID.randomUUID().toString();

    Map<String, String> runnerEnv = apiAndWorker(scanId);
    runRunner(scanId, runnerEnv);

    List<StoredSpan> spans = awaitSpans(scanId, TraceShape.SCAN.size());
    TraceShape.check(spans, scanId); // one trace id, every parent present, vega.scan.id on every span
    assertThat(spans.stream().map(StoredSpan::service).distinct()).hasSizeGreaterThanOrEqualTo(4);
    // Bounded span-name cardinality: no name carries an id of the scan, the trace or a message.
    assertThat(spans).allSatisfy(s -> assertThat(s.name()).doesNotContain(scanId)
        .doesNotContainPattern("[0-9a-f]{16}").hasSizeLessThanOrEqualTo(40));
    assertThat(proxyAuthorizations).containsExactly("Bearer " + PROXY_TOKEN);
    assertThat(spans.toString()).doesNotContain(PROXY_TOKEN).doesNotContain(PostgresServer.PASSWORD);
    assertThat(runnerEnv).containsKeys("TRACEPARENT", "BAGGAGE");

    // The service map Zipkin draws from these spans: service -> service through SERVER spans
    // continuing a client (RunTask, the proxy call), every dependency as a remote service
    // (peer.service on the CLIENT and PRODUCER spans, as Zipkin's exporter maps it), and the
    // queue's consumer through its broker (the worker's CONSUMER receive span, given its
    // peer.service as remote endpoint by VegaOpenTelemetry's Zipkin encoder).
    assertThat(zipkin.dependencies()).extracting(l -> l.parent() + " -> " + l.child()).contains(
        "vega-api -> sqs", "sqs -> vega-worker", "vega-api -> s3", "vega-api -> postgresql",
        "vega-worker -> vega-v16-runner", "vega-worker -> sqs", "vega-worker -> secretsmanager",
        "vega-v16-runner -> vega-llm-proxy", "vega-v16-runner -> s3", "vega-v16-runner -> postgresql",
        "vega-llm-proxy -> llm-provider");
    assertThat(zipkin.remoteServices("vega-api")).containsExactlyInAnyOrder("postgresql", "s3", "sqs");
    assertThat(zipkin.remoteServices("vega-worker")).containsExactlyInAnyOrder("sqs", "secretsmanager", "ecs");
    assertThat(zipkin.remoteServices("vega-v16-runner")).containsExactlyInAnyOrder("postgresql", "s3", "vega-llm-proxy");
    assertThat(zipkin.remoteServices("vega-llm-proxy")).containsExactly("llm-provider");
    assertThat(spans).filteredOn(s -> s.kind().equals("CLIENT") || s.kind().equals("PRODUCER"))
        .allSatisfy(s -> assertThat(s.tags()).containsKeys("server.address", "server.port", "peer.service"));
    // The runner runs with OTEL_SEMCONV_STABILITY_OPT_IN=database/dup: old and new names, literals gone.
    StoredSpan claim = spans.stream().filter(s -> s.service().equals("vega-v16-runner") && s.name().equals("update scans"))
        .findFirst().orElseThrow();
    assertThat(claim.tags()).containsEntry("db.system.name", "postgresql").containsEntry("db.system", "postgresql")
        .containsEntry("db.query.summary", "UPDATE scans").containsEntry("db.operation", "UPDATE")
        .containsEntry("db.query.text", "UPDATE scans SET status = ? WHERE id = ? AND status = ?")
        .containsEntry("db.statement", "UPDATE scans SET status = ? WHERE id = ? AND status = ?")
        .containsKeys("db.namespace", "db.name", "net.peer.name", "net.peer.port");

    // The runner's log line written inside the scan's trace carries that trace's id and the scan id.
    String traceId = spans.get(0).traceId();
    List<tools.jackson.databind.JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("runner-" + scanId + ".log"))) {
      if (line.startsWith("{")) {
        lines.add(JSON.readTree(line));
      }
    }
    assertThat(lines).as("runner log").anySatisfy(l -> {
      assertThat(l.path("message").asString()).isEqualTo("scan " + scanId + " claimed");
      assertThat(l.path("trace_id").asString()).isEqualTo(traceId);
      assertThat(l.path("span_id").asString()).matches("[0-9a-f]{16}");
      assertThat(l.path("vega.scan.id").asString()).isEqualTo(scanId);
    });
  }

  @Test
  void checkerDetectsASecondTraceWhenTheRunTaskCarrierIsBroken() throws Exception {
    String scanId = UUID.randomUUID().toString();

    Map<String, String> runnerEnv = new HashMap<>(apiAndWorker(scanId));
    runnerEnv.remove("TRACEPARENT"); // a worker that forgot the carrier
    runRunner(scanId, runnerEnv);

    List<StoredSpan> spans = awaitSpans(scanId, TraceShape.SCAN.size());
    assertThatThrownBy(() -> TraceShape.check(spans, scanId))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("spans 2 traces")
        .hasMessageContaining(TraceShape.RUNNER_ROOT + " should be a child of " + TraceShape.RUN_TASK
            + " but its parent is none (a new trace)");
  }

  /** The api creates the scan and queues it; the worker takes it and builds the RunTask request. */
  private Map<String, String> apiAndWorker(String scanId) throws Exception {
    OpenTelemetrySdk apiSdk = sdk("vega-api");
    ScanTracing api = ScanTracing.create(apiSdk);
    ClientSpans apiClients = ClientSpans.builder(api).awsEndpoint(moto.endpoint()).build();
    ClientSpans.Database database = ClientSpans.Database.postgres(postgres.jdbcUrl());

    // A caller on the internet sends its own traceparent: the api must not continue it.
    Map<String, List<String>> clientHeaders = Map.of(
        "Traceparent", List.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        "Baggage", List.of("vega.scan.id=planted"));
    Context scan = api.startScan(scanId, "POST /v1/scans", SpanKind.SERVER,
        HttpCarrier.extract(clientHeaders, Trust.UNTRUSTED));
    try (Scope s = scan.makeCurrent()) {
      String key = "scans/" + scanId + "/source.zip";
      Span put = apiClients.startS3(Context.current(), MotoServer.REGION, "PutObject", SOURCE_BUCKET, key);
      try (Scope p = put.makeCurrent()) {
        var stored = s3Client.putObject(b -> b.bucket(SOURCE_BUCKET).key(key), RequestBody.fromString("source of " + scanId));
        ClientSpans.awsResponse(put, stored.responseMetadata().requestId(), stored.responseMetadata().extendedRequestId());
      } finally {
        put.end();
      }
      Span insert = apiClients.startDb(Context.current(), database, "INSERT", "scans");
      try (Scope i = insert.makeCurrent();
          Connection c = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
          PreparedStatement ps = c.prepareStatement("INSERT INTO scans (id, status) VALUES (?, 'queued')")) {
        ps.setString(1, scanId);
        ps.executeUpdate();
      } finally {
        insert.end();
      }
      SqsCarrier apiSqs = SqsCarrier.create(api);
      Span send = apiSqs.startSend(Context.current(), queueUrl);
      try (Scope q = send.makeCurrent()) {
        SendMessageRequest req = SendMessageRequest.builder().queueUrl(queueUrl)
            .messageBody("{\"scanId\":\"" + scanId + "\"}").build();
        SqsCarrier.sent(send, sqsClient.sendMessage(apiSqs.inject(Context.current(), req)));
      } finally {
        send.end();
      }
    } finally {
      Span.fromContext(scan).end();
    }

    OpenTelemetrySdk workerSdk = sdk("vega-worker");
    ScanTracing worker = ScanTracing.create(workerSdk);
    SqsCarrier workerSqs = SqsCarrier.create(worker);
    ClientSpans workerClients = ClientSpans.builder(worker).awsEndpoint(moto.endpoint()).build();
    Span receive = workerSqs.startReceive(Context.root(), queueUrl);
    List<Message> messages;
    try {
      messages = sqsClient.receiveMessage(SqsCarrier.withTraceAttributes(
          ReceiveMessageRequest.builder().queueUrl(queueUrl).waitTimeSeconds(1).maxNumberOfMessages(1).build()))
          .messages();
      SqsCarrier.received(receive, messages);
    } finally {
      receive.end();
    }
    assertThat(messages).hasSize(1);
    Message m = messages.get(0);
    Context process = workerSqs.startProcess(m, queueUrl);
    Map<String, String> env;
    try (Scope s = process.makeCurrent()) {
      // The scan token's hand-off secret (ScanTokenHandoff), traced here; the example worker makes no span for it.
      Span createSecret = workerClients.startAws(Context.current(), MotoServer.REGION, "SecretsManager", "CreateSecret");
      try (Scope c = createSecret.makeCurrent()) {
        secretsClient.createSecret(b -> b.name("vega/scan-token/" + scanId).secretString(UUID.randomUUID().toString()));
      } finally {
        createSecret.end();
      }
      Span runTask = workerClients.startAws(Context.current(), MotoServer.REGION, "ECS", "RunTask");
      try (Scope r = runTask.makeCurrent()) {
        RunTaskRequest request = EcsCarrier.create(worker).inject(Context.current(), RunTaskRequest.builder()
            .cluster("vega").taskDefinition("vega-v16-runner")
            .overrides(TaskOverride.builder().containerOverrides(ContainerOverride.builder()
                .name(RUNNER_CONTAINER).environment(e -> e.name("VEGA_SCAN_ID").value(scanId)).build()).build())
            .build(), RUNNER_CONTAINER);
        // Exactly what ECS would put in the runner container's environment.
        env = new HashMap<>();
        for (ContainerOverride c : request.overrides().containerOverrides()) {
          if (RUNNER_CONTAINER.equals(c.name())) {
            c.environment().forEach(kv -> env.put(kv.name(), kv.value()));
          }
        }
      } finally {
        runTask.end();
      }
      Span delete = workerSqs.startDelete(Context.current(), queueUrl);
      try (Scope d = delete.makeCurrent()) {
        sqsClient.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
      } finally {
        delete.end();
      }
    } finally {
      Span.fromContext(process).end();
    }
    return env;
  }

  private void runRunner(String scanId, Map<String, String> overrideEnv) throws Exception {
    Map<String, String> env = new HashMap<>(otelEnv());
    // The task definition's own settings ...
    env.put("VEGA_DATABASE_URL", postgres.jdbcUrl() + "?user=" + PostgresServer.USER + "&password=" + PostgresServer.PASSWORD);
    env.put("VEGA_S3_SOURCE_BUCKET", SOURCE_BUCKET);
    env.put("VEGA_S3_ARTIFACTS_BUCKET", ARTIFACTS_BUCKET);
    env.put("VEGA_LLM_PROXY_BASE_URL", "http://127.0.0.1:" + proxy.getAddress().getPort());
    env.put("VEGA_LLM_PROXY_TOKEN", PROXY_TOKEN);
    env.put("AWS_REGION", MotoServer.REGION);
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
    env.put("OTEL_SERVICE_NAME", "vega-v16-runner");
    env.put("OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING", "127.0.0.1:" + proxy.getAddress().getPort() + "=vega-llm-proxy");
    env.put("OTEL_SEMCONV_STABILITY_OPT_IN", "database/dup");
    // ... and the RunTask override on top, as ECS merges them.
    env.putAll(overrideEnv);
    Path log = dir.resolve("runner-" + scanId + ".log");
    // At the bound the runner JVM is killed (with anything it started) and the test fails with its log.
    ChildProcess.Result r = java(RunnerMain.class, env, log,
        "-Djava.util.logging.config.file=" + dir.resolve("logging.properties").toAbsolutePath()).run();
    assertThat(r.exit()).as("runner exit, log:\n%s", r.out()).isZero();
  }

  /** The LLM provider: not ours, so not traced; the proxy's client span names it. */
  private void startProvider() throws IOException {
    provider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    provider.createContext("/v1/messages", exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] body = "{\"severity\":\"high\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    provider.start();
  }

  private void startProxy(OpenTelemetrySdk proxySdk) throws IOException {
    ScanTracing proxyTracing = ScanTracing.create(proxySdk);
    ServerSpans servers = ServerSpans.create(proxyTracing);
    URI providerUri = URI.create("http://127.0.0.1:" + provider.getAddress().getPort() + "/v1/messages");
    ClientSpans proxyClients = ClientSpans.builder(proxyTracing)
        .peerService("127.0.0.1:" + provider.getAddress().getPort(), "llm-provider").build();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    proxy.createContext("/v1/complete", exchange -> {
      Context ctx = servers.start(exchange.getRequestHeaders()::getFirst, Trust.TRUSTED, new ServerSpans.Request(
          exchange.getRequestMethod(), "http", exchange.getRequestURI().getPath(), "/v1/complete",
          "127.0.0.1", exchange.getLocalAddress().getPort(),
          exchange.getRemoteAddress().getAddress().getHostAddress(),
          exchange.getRequestHeaders().getFirst("User-Agent")));
      try (Scope s = ctx.makeCurrent()) {
        proxyAuthorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        exchange.getRequestBody().readAllBytes();
        Span forward = proxyClients.startHttp(Context.current(), "POST", providerUri);
        byte[] body;
        try {
          var answer = http.send(java.net.http.HttpRequest.newBuilder(providerUri)
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
              java.net.http.HttpResponse.BodyHandlers.ofByteArray());
          ClientSpans.httpResponse(forward, answer.statusCode());
          body = answer.body();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        } finally {
          forward.end();
        }
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      } finally {
        exchange.close();
        ServerSpans.end(Span.fromContext(ctx), 200, null);
      }
    });
    proxy.start();
  }

  private OpenTelemetrySdk sdk(String service) {
    OpenTelemetrySdk sdk = VegaOpenTelemetry.builder(service).environment(otelEnv()).shutdownHook(false).build();
    sdks.add(sdk);
    return sdk;
  }

  private static Map<String, String> otelEnv() {
    return Map.of(
        "OTEL_TRACES_EXPORTER", "zipkin",
        "OTEL_EXPORTER_ZIPKIN_ENDPOINT", zipkin.spansEndpoint(),
        "OTEL_TRACES_SAMPLER", "always_on",
        "OTEL_BSP_SCHEDULE_DELAY", "100",
        "OTEL_METRICS_EXPORTER", "none",
        "OTEL_LOGS_EXPORTER", "none");
  }

  /** Flushes the in-process services, then asks Zipkin for the scan's traces until complete. */
  private List<StoredSpan> awaitSpans(String scanId, int expected) throws Exception {
    for (OpenTelemetrySdk sdk : sdks) {
      sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    List<StoredSpan> scan;
    do {
      scan = TraceShape.ofScan(stored(scanId), scanId);
      if (scan.size() >= expected) {
        Thread.sleep(500); // let stragglers land so "unexpected span" checks see them too
        return TraceShape.ofScan(stored(scanId), scanId);
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    return scan;
  }

  /** Every span of every trace Zipkin finds by the scan's id. */
  private static List<StoredSpan> stored(String scanId) throws Exception {
    List<StoredSpan> spans = new ArrayList<>();
    for (String traceId : zipkin.traceIds(ScanContext.SCAN_ID, scanId)) {
      spans.addAll(zipkin.trace(traceId));
    }
    return spans;
  }

  private static ChildProcess.Builder java(Class<?> main, Map<String, String> env, Path log, String... jvmArgs) {
    List<String> cmd = TestJvm.command();
    cmd.add("-Xmx256m");
    cmd.addAll(List.of(jvmArgs));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    // Only what the task would get: nothing leaks in from the test JVM's environment (PATH aside).
    return ChildProcess.builder(main.getSimpleName(), cmd).cleanEnvironment().env(env).log(log)
        .timeout(Duration.ofMinutes(2));
  }
}

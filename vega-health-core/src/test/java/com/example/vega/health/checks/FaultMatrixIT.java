package com.example.vega.health.checks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.StatusListener;
import com.example.vega.health.Caller;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.HealthServer;
import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.testing.PostgresServer;
import com.example.vega.health.testing.TcpFaultProxy;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The fault matrix: every dependency × {refused, hung, slow, 5xx, throttled, access denied,
 * missing}, on real servers where one runs here (PostgreSQL, moto) behind a {@link TcpFaultProxy},
 * and WireMock only for the answers an emulator cannot give (5xx, throttling, denials, and the LLM
 * proxy and Cognito, which have no emulator). One monitor holds every check, as in a service; the
 * dependencies are broken in parallel lanes, one fault at a time per dependency, while clients poll
 * the health endpoints throughout.
 *
 * <p>Each cell asserts: the status and error kind the design asks for (throttling and 5xx are
 * DEGRADED, the rest DOWN), the runbook's next step in the hint, the same status and hint served
 * by {@code /v1/healthz}, detection and recovery within the policy's bound, and that every request
 * to the endpoints was answered ({@code /live} with 200 throughout: a dependency outage must not
 * restart the task). Cells that cannot exist are listed with the reason. Writes the table to
 * {@code target/fault-matrix.md} (docs/benchmarks.md §6).
 */
class FaultMatrixIT {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final int THRESHOLD = 2;
  /** A change needs {@code THRESHOLD} results; the first may start up to one interval after the fault. */
  private static final Duration BOUND = INTERVAL.multipliedBy(THRESHOLD).plus(TIMEOUT);
  /**
   * Throttling and 5xx back off: the first such result comes within an interval, the second after
   * two more ({@code interval * 2^1}).
   */
  private static final Duration BACKOFF_DETECT = INTERVAL.multipliedBy(1 + 2).plus(TIMEOUT);
  /**
   * Once mended, a backing-off check runs again at most its longest backoff after the last such
   * result, then needs one more result, an interval later, to turn UP.
   */
  private static final Duration BACKOFF_RECOVER =
      policy().maxBackoff().plus(INTERVAL.multipliedBy(THRESHOLD - 1)).plus(TIMEOUT);
  /** Scheduling on a loaded 2-core machine with seven dependencies failing at once. */
  private static final Duration SLACK = Duration.ofSeconds(2);
  /** Slow answers: three times the check's timeout per chunk. */
  private static final Duration SLOW = TIMEOUT.multipliedBy(3);

  private static final String POOL = "us-west-1_AbC123";

  enum Fault {
    REFUSED("refused"), HUNG("hung"), SLOW("slow"), SERVER_ERROR("5xx"), THROTTLED("throttled"),
    DENIED("access denied"), MISSING("missing");

    final String label;

    Fault(String label) {
      this.label = label;
    }
  }

  private interface Action {
    void run() throws Exception;
  }

  /** What a cell must report: status, one of the error kinds, and a phrase of the runbook step. */
  private record Expect(Status status, Set<ErrorKind> kinds, String hint) {
    static Expect down(String hint, ErrorKind... kinds) {
      return new Expect(Status.DOWN, Set.of(kinds), hint);
    }

    static Expect degraded(String hint, ErrorKind... kinds) {
      return new Expect(Status.DEGRADED, Set.of(kinds), hint);
    }
  }

  private record Cell(Expect expect, Action breakIt, Action fixIt) {}

  /** One dependency: its check, and how to break and mend it for each fault (null: cannot exist). */
  private static final class Lane {
    final CheckRegistration registration;
    final Map<Fault, Cell> cells = new EnumMap<>(Fault.class);
    final Map<Fault, String> notApplicable = new EnumMap<>(Fault.class);

    Lane(CheckRegistration registration) {
      this.registration = registration;
    }

    Lane cell(Fault f, Expect e, Action breakIt, Action fixIt) {
      cells.put(f, new Cell(e, breakIt, fixIt));
      return this;
    }

    Lane na(Fault f, String reason) {
      notApplicable.put(f, reason);
      return this;
    }

    String name() {
      return registration.name();
    }
  }

  private record Row(String check, Fault fault, @Nullable Expect expect, long detectMs, long recoverMs,
      @Nullable CheckResult seen, @Nullable String servedStatus, @Nullable String servedHint, String note,
      List<ErrorKind> path) {}

  private final List<AutoCloseable> resources = Collections.synchronizedList(new ArrayList<>());
  /** Every result's kind per check since its current fault began: how the detection went. */
  private final Map<String, List<ErrorKind>> heard = new ConcurrentHashMap<>();
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static CheckPolicy policy() {
    return CheckPolicy.builder().interval(INTERVAL).timeout(TIMEOUT)
        .failureThreshold(THRESHOLD).successThreshold(THRESHOLD).critical(true).build();
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    resources.add(c);
    return c;
  }

  private WireMockServer wireMock() {
    WireMockServer wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    resources.add(wm::stop);
    return wm;
  }

  /** The three faults a TCP proxy produces, the same for every dependency reached over TCP. */
  private static Lane network(Lane lane, TcpFaultProxy proxy, Expect refused, Expect hung, Expect slow) {
    return lane
        .cell(Fault.REFUSED, refused, () -> proxy.mode(TcpFaultProxy.Mode.REFUSE), () -> proxy.mode(TcpFaultProxy.Mode.FORWARD))
        .cell(Fault.HUNG, hung, () -> proxy.mode(TcpFaultProxy.Mode.FREEZE), () -> proxy.mode(TcpFaultProxy.Mode.FORWARD))
        .cell(Fault.SLOW, slow, () -> proxy.mode(TcpFaultProxy.Mode.SLOW), () -> proxy.mode(TcpFaultProxy.Mode.FORWARD));
  }

  /** The TCP faults of an AWS API, worded by the shared mapping. */
  private static Lane awsNetwork(Lane lane, TcpFaultProxy proxy, String service) {
    String reach = "allows outbound HTTPS to the " + service + " endpoint";
    // A timeout does not say where the call was stuck: its hint names no security group.
    String noAnswer = service + " did not answer in time (the connection and the answer are not told apart)";
    return network(lane, proxy, Expect.down(reach, ErrorKind.CONNECTION_REFUSED),
        Expect.down(noAnswer, ErrorKind.TIMEOUT), Expect.down(noAnswer, ErrorKind.TIMEOUT));
  }

  /**
   * The answers only a stub gives: the proxy is pointed at WireMock answering {@code response} to
   * everything, then back at the emulator.
   */
  private static Action answer(TcpFaultProxy proxy, WireMockServer stub, ResponseDefinitionBuilder response) {
    return () -> {
      stub.resetAll();
      stub.stubFor(any(anyUrl()).willReturn(response));
      proxy.target(stub.port());
    };
  }

  /** An error in the AWS JSON protocols (Secrets Manager, ECS, SQS with its query-compatible header). */
  private static ResponseDefinitionBuilder jsonError(int status, String code, String contentType) {
    return aResponse().withStatus(status).withHeader("Content-Type", contentType)
        .withHeader("x-amzn-query-error", code + ";Sender")
        .withBody("{\"__type\":\"" + code + "\",\"message\":\"planted error " + code + "\"}");
  }

  private static ResponseDefinitionBuilder xmlError(int status, String code) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/xml")
        .withBody("<Error><Code>" + code + "</Code><Message>planted</Message></Error>");
  }

  /** 5xx, throttling and denial of an AWS API, on the shared mapping's wording. */
  private static Lane awsAnswers(Lane lane, TcpFaultProxy proxy, int emulatorPort, WireMockServer stub, String service,
      String action, ResponseDefinitionBuilder serverError, ResponseDefinitionBuilder throttled,
      ResponseDefinitionBuilder denied) {
    Action back = () -> proxy.target(emulatorPort);
    return lane
        .cell(Fault.SERVER_ERROR, Expect.degraded("a transient " + service + " error", ErrorKind.SERVER_ERROR),
            answer(proxy, stub, serverError), back)
        .cell(Fault.THROTTLED, Expect.degraded(service + " is throttling this account", ErrorKind.THROTTLED),
            answer(proxy, stub, throttled), back)
        .cell(Fault.DENIED, Expect.down("may not call " + action, ErrorKind.ACCESS_DENIED),
            answer(proxy, stub, denied), back);
  }

  private Lane postgres(PostgresServer pg) throws Exception {
    TcpFaultProxy proxy = closeLater(new TcpFaultProxy(pg.port()).slowBy(SLOW));
    pg.vegaSchema(PostgresServer.MIGRATIONS.size());
    HikariConfig cfg = PostgresServer.pool(proxy.port());
    HikariDataSource ds = closeLater(new HikariDataSource(cfg));
    Lane lane = new Lane(PostgresCheck.builder(ds).role("worker").environment("dev")
        .expectedMigrations(List.of("004_findings_columns.sql")).build().registration(policy()));
    String frozen = "check the RDS instance status";
    network(lane, proxy, Expect.down("check VEGA_DATABASE_URL and the database security group", ErrorKind.CONNECTION_REFUSED),
        Expect.down(frozen, ErrorKind.TIMEOUT, ErrorKind.CONNECT_TIMEOUT),
        Expect.down(frozen, ErrorKind.TIMEOUT, ErrorKind.CONNECT_TIMEOUT));
    // The server's own refusals need new connections: close the pool's, as a restart or failover does.
    Action dropConnections = () -> pg.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
        + PostgresServer.USER + "'");
    lane.na(Fault.SERVER_ERROR, "no HTTP: a server-side failure is a refused or dropped connection (the rows above); "
        + "startup/shutdown (57P03) is mapped by PostgresCheck");
    lane.cell(Fault.THROTTLED, Expect.down("check pool sizes against max_connections", ErrorKind.SATURATED),
        () -> {
          pg.admin("ALTER ROLE " + PostgresServer.USER + " CONNECTION LIMIT 0");
          dropConnections.run();
        },
        () -> pg.admin("ALTER ROLE " + PostgresServer.USER + " CONNECTION LIMIT -1"));
    lane.cell(Fault.DENIED, Expect.down("check the database credentials in Secrets Manager", ErrorKind.AUTHENTICATION),
        () -> {
          pg.admin("ALTER ROLE " + PostgresServer.USER + " PASSWORD 'rotated-elsewhere'");
          dropConnections.run();
        },
        () -> pg.admin("ALTER ROLE " + PostgresServer.USER + " PASSWORD '" + PostgresServer.PASSWORD + "'"));
    lane.cell(Fault.MISSING, Expect.down("apply the pending migrations", ErrorKind.MIGRATION_MISSING),
        () -> pg.sql("DELETE FROM schema_migrations WHERE version = '004_findings_columns.sql'"),
        () -> pg.sql("INSERT INTO schema_migrations VALUES ('004_findings_columns.sql')"));
    return lane;
  }

  private Lane sqs(int motoPort) throws Exception {
    TcpFaultProxy proxy = closeLater(new TcpFaultProxy(motoPort).slowBy(SLOW));
    WireMockServer stub = wireMock();
    var client = AwsClients.at(URI.create("http://127.0.0.1:" + proxy.port())).sqs();
    String queue = client.createQueue(b -> b.queueName("vega-matrix-scans")).queueUrl();
    Lane lane = new Lane(SqsCheck.builder(client, queue).caller(AwsClients.caller("worker")).build().registration(policy()));
    awsNetwork(lane, proxy, "SQS");
    String json = "application/x-amz-json-1.0";
    awsAnswers(lane, proxy, motoPort, stub, "SQS", "sqs:GetQueueAttributes",
        jsonError(500, "InternalError", json), jsonError(400, "RequestThrottled", json),
        jsonError(403, "AccessDenied", json));
    return lane.cell(Fault.MISSING, Expect.down("check VEGA_SQS_QUEUE_URL", ErrorKind.NOT_FOUND),
        () -> client.deleteQueue(b -> b.queueUrl(queue)),
        () -> client.createQueue(b -> b.queueName("vega-matrix-scans")));
  }

  private Lane s3(int motoPort) throws Exception {
    TcpFaultProxy proxy = closeLater(new TcpFaultProxy(motoPort).slowBy(SLOW));
    WireMockServer stub = wireMock();
    var client = AwsClients.at(URI.create("http://127.0.0.1:" + proxy.port())).s3();
    Action create = () -> client.createBucket(b -> b.bucket("vega-matrix-artifacts")
        .createBucketConfiguration(c -> c.locationConstraint(MotoServer.REGION)));
    create.run();
    Lane lane = new Lane(S3Check.builder(client).caller(AwsClients.caller("runner")).region(MotoServer.REGION)
        .artifactsBucket("vega-matrix-artifacts").build().registration(policy()));
    awsNetwork(lane, proxy, "S3");
    awsAnswers(lane, proxy, motoPort, stub, "S3", "s3:ListBucket",
        xmlError(500, "InternalError"), xmlError(503, "SlowDown"), xmlError(403, "AccessDenied"));
    return lane.cell(Fault.MISSING, Expect.down("check VEGA_S3_ARTIFACTS_BUCKET", ErrorKind.NOT_FOUND),
        () -> client.deleteBucket(b -> b.bucket("vega-matrix-artifacts")), create);
  }

  private Lane secrets(int motoPort) throws Exception {
    TcpFaultProxy proxy = closeLater(new TcpFaultProxy(motoPort).slowBy(SLOW));
    WireMockServer stub = wireMock();
    var client = AwsClients.at(URI.create("http://127.0.0.1:" + proxy.port())).secrets();
    Action create = () -> client.createSecret(b -> b.name("vega/matrix-provider").secretString("x-planted-value"));
    create.run();
    Lane lane = new Lane(SecretsCheck.builder(client).caller(AwsClients.caller("llm-proxy"))
        .secret("vega/matrix-provider").build().registration(policy()));
    awsNetwork(lane, proxy, "Secrets Manager");
    String json = "application/x-amz-json-1.1";
    awsAnswers(lane, proxy, motoPort, stub, "Secrets Manager", "secretsmanager:DescribeSecret",
        jsonError(500, "InternalServiceError", json), jsonError(400, "ThrottlingException", json),
        jsonError(400, "AccessDeniedException", json));
    return lane.cell(Fault.MISSING, Expect.down("check Secrets Manager", ErrorKind.NOT_FOUND),
        () -> client.deleteSecret(b -> b.secretId("vega/matrix-provider").forceDeleteWithoutRecovery(true)), create);
  }

  /** IAM answers the worker role's simulations: {@code runTask} for ecs:RunTask, the rest allowed. */
  private static void simulation(WireMockServer iam, String runTask) {
    iam.resetAll();
    EcsRunTaskCheckTest.simulation(iam, "ecs:RunTask", runTask, "ecs:RunTask");
    EcsRunTaskCheckTest.simulation(iam, "ecs:StopTask", "allowed", "ecs:StopTask", "ecs:DescribeTasks");
    EcsRunTaskCheckTest.simulation(iam, "iam:PassRole", "allowed", "iam:PassRole");
  }

  private Lane ecs(int motoPort) throws Exception {
    TcpFaultProxy proxy = closeLater(new TcpFaultProxy(motoPort).slowBy(SLOW));
    WireMockServer stub = wireMock();
    // moto does not implement iam:SimulatePrincipalPolicy: WireMock answers it (allowed, then denied).
    WireMockServer iamServer = wireMock();
    simulation(iamServer, "allowed");
    var client = AwsClients.at(URI.create("http://127.0.0.1:" + proxy.port())).ecs();
    Action create = () -> client.createCluster(c -> c.clusterName("vega-matrix"));
    create.run();
    client.registerTaskDefinition(t -> t.family("vega-v16-runner").taskRoleArn(EcsRunTaskCheckTest.RUNNER_ROLE)
        .containerDefinitions(c -> c.name("runner").image("vega/runner:1").memory(512)));
    var iam = AwsClients.at(URI.create(iamServer.baseUrl())).iam();
    Lane lane = new Lane(EcsRunTaskCheck.builder(client, "vega-matrix", "vega-v16-runner").caller(AwsClients.caller("worker")).simulateWith(iam, EcsRunTaskCheckTest.WORKER_ROLE).build().registration(policy()));
    awsNetwork(lane, proxy, "ECS");
    String json = "application/x-amz-json-1.1";
    Action back = () -> proxy.target(motoPort);
    lane.cell(Fault.SERVER_ERROR, Expect.degraded("a transient ECS error", ErrorKind.SERVER_ERROR),
        answer(proxy, stub, jsonError(500, "ServerException", json)), back);
    lane.cell(Fault.THROTTLED, Expect.degraded("ECS is throttling this account", ErrorKind.THROTTLED),
        answer(proxy, stub, jsonError(400, "ThrottlingException", json)), back);
    // The permission the runbook hunts for: the worker's role may not call ecs:RunTask.
    lane.cell(Fault.DENIED, Expect.down("ecs:RunTask", ErrorKind.ACCESS_DENIED),
        () -> simulation(iamServer, "implicitDeny"), () -> simulation(iamServer, "allowed"));
    // A deleted cluster stays visible as INACTIVE for a while, as on AWS; a never-created one is NOT_FOUND.
    return lane.cell(Fault.MISSING, Expect.down("VEGA_ECS_CLUSTER", ErrorKind.NOT_FOUND, ErrorKind.INACTIVE),
        () -> client.deleteCluster(c -> c.cluster("vega-matrix")), create);
  }

  /** An HTTP dependency without an emulator: WireMock is the server, behind the fault proxy. */
  private static Action serve(WireMockServer origin, ResponseDefinitionBuilder response) {
    return () -> {
      origin.resetAll();
      origin.stubFor(any(anyUrl()).willReturn(response));
    };
  }

  private Lane llmProxy() throws Exception {
    WireMockServer origin = wireMock();
    Action healthy = serve(origin, aResponse().withStatus(200).withBody("{\"status\":\"pass\"}"));
    healthy.run();
    TcpFaultProxy proxy = closeLater(new TcpFaultProxy(origin.port()).slowBy(SLOW));
    String token = LlmProxyCheckTest.jwt(Instant.now().plus(Duration.ofHours(2)), "scan-1");
    Lane lane = new Lane(LlmProxyCheck.builder(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + proxy.port()),
        () -> token).caller(new Caller("runner", "dev", "us-west-1", "vega-dev")).build().registration(policy()));
    String running = "check that vega-llm-proxy is running";
    network(lane, proxy, Expect.down(running, ErrorKind.CONNECTION_REFUSED), Expect.down(running, ErrorKind.TIMEOUT),
        Expect.down(running, ErrorKind.TIMEOUT));
    return lane
        .cell(Fault.SERVER_ERROR, Expect.degraded("provider API key", ErrorKind.SERVER_ERROR),
            serve(origin, aResponse().withStatus(502)), healthy)
        .cell(Fault.THROTTLED, Expect.degraded("the check tries again on its next run", ErrorKind.THROTTLED),
            serve(origin, aResponse().withStatus(429).withHeader("Retry-After", "1")), healthy)
        .cell(Fault.DENIED, Expect.down("see why the proxy refused it", ErrorKind.AUTHENTICATION),
            serve(origin, aResponse().withStatus(401)), healthy)
        .cell(Fault.MISSING, Expect.down("check VEGA_LLM_PROXY_BASE_URL", ErrorKind.MISCONFIGURED),
            serve(origin, aResponse().withStatus(404)), healthy);
  }

  private Lane cognito() throws Exception {
    WireMockServer origin = wireMock();
    Action healthy = () -> {
      origin.resetAll();
      origin.stubFor(get(urlPathEqualTo("/" + POOL + "/.well-known/jwks.json"))
          .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(CognitoCheckTest.KEYS)));
    };
    healthy.run();
    TcpFaultProxy proxy = closeLater(new TcpFaultProxy(origin.port()).slowBy(SLOW));
    Map<String, String> settings = Map.of("VEGA_ENVIRONMENT", "dev", "VEGA_AUTH_PROVIDER", "cognito",
        "VEGA_COGNITO_REGION", "us-west-1", "VEGA_COGNITO_USER_POOL_ID", POOL,
        "VEGA_COGNITO_APP_CLIENT_ID", "4l0hk2u2h7qg3c6gkk1dkcbq4j");
    Lane lane = new Lane(CognitoCheck.builder(HttpClient.newHttpClient(), settings::get)
        .issuerBase(URI.create("http://127.0.0.1:" + proxy.port())).build().registration(policy()));
    String reach = "needs outbound HTTPS to cognito-idp.us-west-1.amazonaws.com";
    String noAnswer = "cognito-idp.us-west-1.amazonaws.com did not answer in time (the connection and the answer are not told apart)";
    network(lane, proxy, Expect.down(reach, ErrorKind.CONNECTION_REFUSED), Expect.down(noAnswer, ErrorKind.TIMEOUT),
        Expect.down(noAnswer, ErrorKind.TIMEOUT));
    return lane
        .cell(Fault.SERVER_ERROR, Expect.degraded("a transient Cognito error", ErrorKind.SERVER_ERROR),
            serve(origin, aResponse().withStatus(503)), healthy)
        .cell(Fault.THROTTLED, Expect.degraded("the check tries again on its next run", ErrorKind.THROTTLED),
            serve(origin, aResponse().withStatus(429)), healthy)
        .cell(Fault.DENIED, Expect.down("an egress proxy or firewall", ErrorKind.ACCESS_DENIED),
            serve(origin, aResponse().withStatus(403).withBody("{\"message\":\"Forbidden\"}")), healthy)
        .cell(Fault.MISSING, Expect.down("wrong region or pool", ErrorKind.NOT_FOUND),
            serve(origin, aResponse().withStatus(404).withBody("{\"message\":\"User pool does not exist.\"}")), healthy);
  }

  private static boolean reached(CheckState s, Expect e) {
    return s.status() == e.status() && s.lastResult() != null && e.kinds().contains(s.lastResult().errorKind());
  }

  private static long await(HealthMonitor m, String check, java.util.function.Predicate<CheckState> done, Duration max)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.test(m.snapshot().check(check))) {
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
      }
      Thread.sleep(10);
    }
    return -1;
  }

  /** The entry {@code /v1/healthz} serves for {@code check}: its status and hint. */
  private String[] served(int port, String check) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/healthz"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode checks = json.readTree(r.body()).get("checks");
    for (var e : checks.properties()) {
      JsonNode entry = e.getValue().get(0);
      if (e.getKey().startsWith(check + ":") && entry.has("hint")) {
        return new String[] {entry.get("status").asString(), entry.get("hint").asString()};
      }
    }
    return new String[] {null, null};
  }

  private List<Row> runLane(HealthMonitor m, int port, Lane lane) throws Exception {
    List<Row> rows = new ArrayList<>();
    String name = lane.name();
    Duration max = BACKOFF_RECOVER.plus(SLACK).plusSeconds(5);
    for (Fault f : Fault.values()) {
      if (lane.notApplicable.containsKey(f)) {
        rows.add(new Row(name, f, null, 0, 0, null, null, null, lane.notApplicable.get(f), List.of()));
        continue;
      }
      Cell cell = lane.cells.get(f);
      if (await(m, name, s -> s.status() == Status.UP, Duration.ofSeconds(20)) < 0) {
        rows.add(new Row(name, f, cell.expect(), -1, -1, m.snapshot().check(name).lastResult(), null, null,
            "not UP before the fault", List.of()));
        continue;
      }
      Thread.sleep(300); // not aligned with a tick
      List<ErrorKind> path = Collections.synchronizedList(new ArrayList<>());
      heard.put(name, path);
      cell.breakIt().run();
      long detect = await(m, name, s -> reached(s, cell.expect()), max);
      List<ErrorKind> pathToDetection = List.copyOf(path);
      CheckResult seen = m.snapshot().check(name).lastResult();
      String[] servedEntry = served(port, name);
      for (int i = 0; i < 3 && seen != null && !String.valueOf(seen.hint()).equals(servedEntry[1]); i++) {
        seen = m.snapshot().check(name).lastResult(); // a result landed between the two reads
        servedEntry = served(port, name);
      }
      cell.fixIt().run();
      long recover = await(m, name, s -> s.status() == Status.UP, max);
      rows.add(new Row(name, f, cell.expect(), detect, recover, seen, servedEntry[0], servedEntry[1], "",
          pathToDetection));
    }
    return rows;
  }

  private boolean awsLanes;

  @Test
  void everyDependencyTimesEveryFaultIsReportedWithItsHintWithinTheBoundAndRecovers() throws Exception {
    List<Lane> lanes = new ArrayList<>();
    try (PostgresServer pg = PostgresServer.start()) {
      lanes.add(postgres(pg));
      awsLanes = MotoServer.installed();
      if (awsLanes) {
        MotoServer.shared().reset();
        int moto = MotoServer.shared().endpoint().getPort();
        lanes.add(sqs(moto));
        lanes.add(s3(moto));
        lanes.add(secrets(moto));
        lanes.add(ecs(moto));
      }
      lanes.add(llmProxy());
      lanes.add(cognito());

      HealthMonitor.Builder b = HealthMonitor.builder().service(ServiceInfo.of("vega-matrix"))
          .listener(new StatusListener() {
            @Override
            public void onChange(CheckState previous, CheckState current) {}

            @Override
            public void onResult(CheckState current) {
              List<ErrorKind> path = heard.get(current.name());
              if (path != null && current.lastResult() != null) {
                path.add(current.lastResult().errorKind());
              }
            }
          });
      lanes.forEach(l -> b.register(l.registration));
      try (HealthMonitor monitor = b.build().start();
          HealthServer server = HealthServer.start(monitor, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
              DetailAccess.loopback())) {
        Polling polling = new Polling(server.port());
        List<Row> rows = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(lanes.size());
        try {
          List<Future<List<Row>>> done = new ArrayList<>();
          for (Lane lane : lanes) {
            done.add(pool.submit(() -> runLane(monitor, server.port(), lane)));
          }
          for (Future<List<Row>> f : done) {
            rows.addAll(f.get(5, TimeUnit.MINUTES));
          }
        } finally {
          pool.shutdownNow();
          polling.stop();
        }
        report(rows, polling);
      }
    } finally {
      for (AutoCloseable c : resources) {
        c.close();
      }
    }
    if (!awsLanes) {
      MotoServer.skippedParts("the SQS, S3, Secrets Manager and ECS lanes were");
    }
  }

  /** Clients polling the three endpoints for the whole run; every request must get an answer. */
  private final class Polling {
    final AtomicBoolean running = new AtomicBoolean(true);
    final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> slowest = new ConcurrentHashMap<>();
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    final ExecutorService threads = Executors.newFixedThreadPool(3);

    Polling(int port) {
      for (String path : List.of("/v1/healthz", "/v1/healthz/ready", "/v1/healthz/live")) {
        requests.put(path, new AtomicLong());
        slowest.put(path, new AtomicLong());
        threads.execute(() -> {
          URI uri = URI.create("http://127.0.0.1:" + port + path);
          while (running.get()) {
            long start = System.nanoTime();
            try {
              int code = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                  HttpResponse.BodyHandlers.discarding()).statusCode();
              requests.get(path).incrementAndGet();
              slowest.get(path).accumulateAndGet((System.nanoTime() - start) / 1_000, Math::max);
              boolean ok = path.endsWith("/live") ? code == 200 : code == 200 || code == 503;
              if (!ok) {
                failures.add(path + " answered " + code);
              }
              Thread.sleep(2);
            } catch (InterruptedException e) {
              return;
            } catch (Exception e) {
              failures.add(path + ": " + e);
            }
          }
        });
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      threads.shutdown();
      threads.awaitTermination(10, TimeUnit.SECONDS);
    }

    String summary() {
      StringBuilder s = new StringBuilder();
      for (String path : List.of("/v1/healthz", "/v1/healthz/ready", "/v1/healthz/live")) {
        s.append(String.format(Locale.ROOT, "%s: %d requests, slowest %.1f ms; ", path, requests.get(path).get(),
            slowest.get(path).get() / 1000.0));
      }
      return s.append(failures.size()).append(" without an answer or with a wrong one").toString();
    }
  }

  private static String servedStatus(Status s) {
    return switch (s) {
      case UP -> "pass";
      case DEGRADED -> "warn";
      default -> "fail";
    };
  }

  private void report(List<Row> rows, Polling polling) throws Exception {
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "policy: interval %d ms, timeout %d ms, %d results to change, start spread 5 s (at most the interval), "
            + "backoff up to %d ms; bound %d ms (throttled and 5xx: detected within %d ms, recovered within %d ms; "
            + "+%d ms slack); slow = %d ms per chunk%n%n",
        INTERVAL.toMillis(), TIMEOUT.toMillis(), THRESHOLD, policy().maxBackoff().toMillis(), BOUND.toMillis(),
        BACKOFF_DETECT.toMillis(), BACKOFF_RECOVER.toMillis(), SLACK.toMillis(), SLOW.toMillis()));
    table.append("| check | fault | reported | as | results until detected | detected after | recovered after | hint (the runbook's next step) |\n")
        .append("|---|---|---|---|---|---:|---:|---|\n");
    for (Row r : rows) {
      if (r.expect() == null) {
        table.append(String.format(Locale.ROOT, "| %s | %s | n/a | | | | | %s |%n", r.check(), r.fault().label, r.note()));
        continue;
      }
      CheckResult s = r.seen();
      table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", r.check(), r.fault().label,
          s == null ? "?" : s.status(), s == null ? "?" : s.errorKind(), path(r.path()), ms(r.detectMs()), ms(r.recoverMs()),
          s == null || s.hint() == null ? r.note() : s.hint().replace("|", "\\|")));
    }
    table.append("\nendpoints: ").append(polling.summary()).append('\n');
    System.out.print(table);
    Files.writeString(Path.of("target", "fault-matrix.md"), table);

    for (Row r : rows) {
      if (r.expect() == null) {
        continue;
      }
      boolean backsOff = r.fault() == Fault.THROTTLED || r.fault() == Fault.SERVER_ERROR;
      long bound = (backsOff ? BACKOFF_DETECT : BOUND).plus(SLACK).toMillis();
      long recoverBound = (backsOff ? BACKOFF_RECOVER : BOUND).plus(SLACK).toMillis();
      String cell = r.check() + " × " + r.fault().label + "\n" + table;
      assertThat(r.note()).as(cell).isEmpty();
      assertThat(r.detectMs()).as(cell + "\ndetected as " + r.expect() + ", last result " + r.seen())
          .isBetween(0L, bound);
      // Damping: a change needs two results, so nothing flips faster than one interval.
      assertThat(r.detectMs()).as(cell).isGreaterThanOrEqualTo(INTERVAL.toMillis() - 100);
      assertThat(r.seen().hint()).as(cell).contains(r.expect().hint());
      assertThat(r.servedStatus()).as(cell + " served by /v1/healthz").isEqualTo(servedStatus(r.expect().status()));
      assertThat(r.servedHint()).as(cell + " served by /v1/healthz").isEqualTo(r.seen().hint());
      assertThat(r.recoverMs()).as(cell + " recovered").isBetween(0L, recoverBound);
    }
    assertThat(polling.failures).as(polling.summary()).isEmpty();
    assertThat(polling.requests.get("/v1/healthz/live").get()).as(polling.summary()).isGreaterThan(100);
  }

  /** NONE, TIMEOUT, TIMEOUT → "UP, TIMEOUT ×2". */
  private static String path(List<ErrorKind> kinds) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < kinds.size(); ) {
      int j = i;
      while (j < kinds.size() && kinds.get(j) == kinds.get(i)) {
        j++;
      }
      s.append(s.length() == 0 ? "" : ", ").append(kinds.get(i) == ErrorKind.NONE ? "UP" : kinds.get(i).name())
          .append(j - i > 1 ? " ×" + (j - i) : "");
      i = j;
    }
    return s.toString();
  }

  private static String ms(long v) {
    return v < 0 ? "not within bound" : v + " ms";
  }
}

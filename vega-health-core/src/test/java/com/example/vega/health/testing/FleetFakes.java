package com.example.vega.health.testing;

import com.example.vega.health.VegaSettings;
import com.example.vega.health.checks.VegaChecks;
import com.example.vega.health.VegaRole;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchServiceClientConfiguration;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsResponse;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.EcsServiceClientConfiguration;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.DescribeClustersResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.IamServiceClientConfiguration;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType;
import software.amazon.awssdk.services.iam.model.SimulatePrincipalPolicyRequest;
import software.amazon.awssdk.services.iam.model.SimulatePrincipalPolicyResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerServiceClientConfiguration;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsServiceClientConfiguration;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Counting fakes of everything a role profile's checks call: each AWS SDK client (the clients are
 * interfaces: a {@link Proxy} answers the few operations the checks use, healthy answers), the HTTP
 * endpoints (Cognito's JWKS, the LLM proxy) and the database (a DataSource without a pool: every
 * run's connection is a connection attempt). Every call is counted as {@code service:operation},
 * the names the checks' {@code callsPerRun()} declare. {@link Faults} throttle a share of one API's
 * calls or take the database down.
 */
public final class FleetFakes {
  public static final Region REGION = Region.US_WEST_1;
  private static final String ACCOUNT = "123456789012";

  private FleetFakes() {}

  /** What the fakes get wrong, switched by a test as simulated time goes. */
  public static final class Faults {
    private final SplittableRandom random = new SplittableRandom(15);
    private volatile @Nullable String throttledApi;
    private volatile double throttledShare;
    private volatile boolean databaseDown;

    /** Throttles {@code share} of the calls to {@code api} ({@code service:operation}); null: none. */
    public void throttle(@Nullable String api, double share) {
      this.throttledApi = api;
      this.throttledShare = share;
    }

    public void databaseDown(boolean down) {
      this.databaseDown = down;
    }

    boolean throttles(String api) {
      return api.equals(throttledApi) && random.nextDouble() < throttledShare;
    }
  }

  /** The settings of a production task of {@code role}, every optional dependency configured. */
  public static VegaSettings settings(VegaRole role) {
    Map<String, String> m = new HashMap<>();
    m.put("AWS_REGION", REGION.id());
    m.put("VEGA_ENVIRONMENT", "prod");
    m.put("VEGA_ROLE", role.hintName());
    m.put("VEGA_DATABASE_URL", "jdbc:postgresql://db.internal:5432/vega");
    m.put("VEGA_EXPECTED_MIGRATION", "004_findings_columns.sql");
    // As the Vega services configure it: the columns query is part of what a run costs.
    m.put("VEGA_MIGRATIONS_COLUMNS", "004_findings_columns.sql=findings.severity,"
        + "004_findings_columns.sql=findings.status,004_findings_columns.sql=findings.path");
    m.put("VEGA_AUTH_PROVIDER", "cognito");
    m.put("VEGA_COGNITO_REGION", REGION.id());
    m.put("VEGA_COGNITO_USER_POOL_ID", "us-west-1_AbC123");
    m.put("VEGA_COGNITO_APP_CLIENT_ID", "abc123def456");
    m.put("VEGA_SCAN_WORKER_EXECUTION_MODE", "ecs");
    m.put("VEGA_FILE_STORAGE_BACKEND", "s3");
    m.put("VEGA_S3_SOURCE_BUCKET", "vega-source");
    m.put("VEGA_S3_ARTIFACTS_BUCKET", "vega-artifacts");
    m.put("VEGA_S3_FRONTEND_BUCKET", "vega-frontend");
    m.put("VEGA_SQS_QUEUE_URL", "https://sqs.us-west-1.amazonaws.com/" + ACCOUNT + "/vega-scans");
    m.put("VEGA_ECS_CLUSTER", "vega");
    m.put("VEGA_RUNNER_TASK_DEFINITION", "vega-v16-runner");
    m.put("VEGA_WORKER_TASK_ROLE_ARN", "arn:aws:iam::" + ACCOUNT + ":role/vega-worker");
    m.put("VEGA_RUNNER_TASK_ROLE_ARN", "arn:aws:iam::" + ACCOUNT + ":role/vega-runner");
    m.put("VEGA_LLM_PROXY_BASE_URL", "http://llm-proxy.internal:8080");
    m.put("VEGA_LLM_PROXY_TOKEN", token());
    m.put("VEGA_PROVIDER_SECRET_ID", "vega/provider-key");
    return VegaSettings.of(m);
  }

  /** A well-formed scan token that outlives any simulation. */
  private static String token() {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    return b.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b.encodeToString("{\"sub\":\"scan-1\",\"exp\":4102444800}".getBytes(StandardCharsets.UTF_8)) + ".c2ln";
  }

  /** Every client a role profile can use, each counting into {@code count}. */
  public static VegaChecks.Clients clients(Consumer<String> count, Faults faults) {
    return VegaChecks.Clients.builder()
        .aws(aws(SqsClient.class, "sqs", SqsServiceClientConfiguration.builder().region(REGION).build(), count, faults,
            (op, req) -> GetQueueAttributesResponse.builder().attributes(Map.of(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "3",
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "1",
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, "0")).build()))
        .aws(aws(CloudWatchClient.class, "cloudwatch",
            CloudWatchServiceClientConfiguration.builder().region(REGION).build(), count, faults,
            (op, req) -> GetMetricStatisticsResponse.builder().datapoints(Datapoint.builder()
                .timestamp(((GetMetricStatisticsRequest) req).endTime()).maximum(12.0).build()).build()))
        .aws(aws(S3Client.class, "s3", S3ServiceClientConfiguration.builder().region(REGION).build(), count, faults,
            (op, req) -> switch (op) {
              case "HeadBucket" -> HeadBucketResponse.builder().bucketRegion(REGION.id()).build();
              case "PutObject" -> PutObjectResponse.builder().build();
              case "DeleteObject" -> DeleteObjectResponse.builder().build();
              default -> HeadObjectResponse.builder().build();
            }))
        .aws(aws(SecretsManagerClient.class, "secretsmanager",
            SecretsManagerServiceClientConfiguration.builder().region(REGION).build(), count, faults,
            (op, req) -> DescribeSecretResponse.builder().name("vega/provider-key").build()))
        .aws(aws(EcsClient.class, "ecs", EcsServiceClientConfiguration.builder().region(REGION).build(), count, faults,
            (op, req) -> op.equals("DescribeClusters")
                ? DescribeClustersResponse.builder().clusters(Cluster.builder().clusterName("vega").status("ACTIVE").build())
                    .build()
                : DescribeTaskDefinitionResponse.builder().taskDefinition(TaskDefinition.builder()
                    .family("vega-v16-runner").revision(7).status(TaskDefinitionStatus.ACTIVE)
                    .taskDefinitionArn("arn:aws:ecs:us-west-1:" + ACCOUNT + ":task-definition/vega-v16-runner:7")
                    .taskRoleArn("arn:aws:iam::" + ACCOUNT + ":role/vega-runner").build()).build()))
        .aws(aws(IamClient.class, "iam", IamServiceClientConfiguration.builder().region(Region.AWS_GLOBAL).build(), count,
            faults, (op, req) -> SimulatePrincipalPolicyResponse.builder().evaluationResults(
                ((SimulatePrincipalPolicyRequest) req).actionNames().stream().map(a -> EvaluationResult.builder()
                    .evalActionName(a).evalDecision(PolicyEvaluationDecisionType.ALLOWED).build()).toList()).build()))
        .http(new CountingHttp(count, faults))
        .cognitoIssuerBase(URI.create("http://cognito.fake"))
        .dataSource(dataSource(count, faults))
        .build();
  }

  /**
   * An SDK client answering {@code answer(operation, request)}. The SDK's operations are default
   * methods; the consumer-builder forms are run as written, so they build the request and call the
   * request form here.
   */
  private static <T> T aws(Class<T> type, String service, Object config, Consumer<String> count, Faults faults,
      BiFunction<String, Object, Object> answer) {
    InvocationHandler h = (proxy, m, args) -> {
      switch (m.getName()) {
        case "serviceClientConfiguration":
          return config;
        case "serviceName":
          return type.getField("SERVICE_NAME").get(null); // the SDK's name, e.g. "monitoring"
        case "close":
          return null;
        case "toString":
          return "fake " + service;
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        default:
          break;
      }
      if (args != null && args.length == 1 && args[0] instanceof Consumer<?>) {
        return InvocationHandler.invokeDefault(proxy, m, args);
      }
      String op = Character.toUpperCase(m.getName().charAt(0)) + m.getName().substring(1);
      String api = service + ":" + op;
      count.accept(api);
      if (faults.throttles(api)) {
        throw AwsServiceException.builder().statusCode(400).message("Rate exceeded")
            .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").errorMessage("Rate exceeded")
                .serviceName(service).build()).build();
      }
      return answer.apply(op, args == null ? null : args[0]);
    };
    return type.cast(Proxy.newProxyInstance(FleetFakes.class.getClassLoader(), new Class<?>[] {type}, h));
  }

  private static DataSource dataSource(Consumer<String> count, Faults faults) {
    Statement statement = jdbc(Statement.class, (m, args) -> switch (m.getName()) {
      case "execute" -> {
        count.accept("postgres:query");
        yield true;
      }
      case "executeQuery" -> {
        count.accept("postgres:query");
        yield rows("001_init.sql", "002_scans.sql", "003_findings.sql", "004_findings_columns.sql");
      }
      default -> null;
    });
    PreparedStatement columns = jdbc(PreparedStatement.class, (m, args) -> {
      if (!m.getName().equals("executeQuery")) {
        return null;
      }
      count.accept("postgres:query");
      return rows("findings.severity", "findings.status", "findings.path");
    });
    Connection connection = jdbc(Connection.class, (m, args) -> switch (m.getName()) {
      case "createStatement" -> statement;
      case "prepareStatement" -> columns;
      default -> null;
    });
    return jdbc(DataSource.class, (m, args) -> {
      if (!m.getName().equals("getConnection")) {
        return null;
      }
      count.accept("postgres:connect");
      if (faults.databaseDown) {
        throw new SQLException("Connection to db.internal:5432 refused", "08001", new ConnectException("Connection refused"));
      }
      return connection;
    });
  }

  private static ResultSet rows(String... values) {
    Iterator<String> rows = List.of(values).iterator();
    String[] current = new String[1];
    return jdbc(ResultSet.class, (m, args) -> switch (m.getName()) {
      case "next" -> {
        boolean more = rows.hasNext();
        current[0] = more ? rows.next() : null;
        yield more;
      }
      case "getString" -> current[0];
      default -> null;
    });
  }

  private interface Jdbc {
    @Nullable Object answer(Method m, @Nullable Object[] args) throws SQLException;
  }

  /** A JDBC interface whose unanswered methods do nothing (false, 0 or null). */
  private static <T> T jdbc(Class<T> type, Jdbc answer) {
    InvocationHandler h = (proxy, m, args) -> {
      if (m.getName().equals("toString")) {
        return "fake " + type.getSimpleName();
      }
      if (m.getName().equals("hashCode")) {
        return System.identityHashCode(proxy);
      }
      if (m.getName().equals("equals")) {
        return proxy == args[0];
      }
      Object r = answer.answer(m, args);
      if (r != null) {
        return r;
      }
      Class<?> rt = m.getReturnType();
      if (rt == boolean.class) {
        return Boolean.FALSE;
      }
      if (rt == int.class) {
        return Integer.valueOf(0);
      }
      return rt == long.class ? (Object) Long.valueOf(0) : null;
    };
    return type.cast(Proxy.newProxyInstance(FleetFakes.class.getClassLoader(), new Class<?>[] {type}, h));
  }

  /** An answer, and what a body handler is told of it before the body. */
  private record Answer<T>(HttpRequest request, int statusCode, @Nullable T body)
      implements HttpResponse<T>, HttpResponse.ResponseInfo {
    @Override
    public HttpHeaders headers() {
      return HttpHeaders.of(Map.of(), (a, b) -> true);
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public URI uri() {
      return request.uri();
    }
  }

  /** The JWKS and the LLM proxy: 200 with keys, or 429 for a throttled share. Answers at once. */
  private static final class CountingHttp extends HttpClient {
    private final Consumer<String> count;
    private final Faults faults;

    CountingHttp(Consumer<String> count, Faults faults) {
      this.count = count;
      this.faults = faults;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      boolean jwks = request.uri().getPath().endsWith("jwks.json");
      String api = jwks ? "cognito-idp:GET jwks.json" : "llm-proxy:GET " + request.uri().getPath();
      count.accept(api);
      int status = faults.throttles(api) ? 429 : 200;
      byte[] body = (jwks ? "{\"keys\":[{\"kid\":\"a\"},{\"kid\":\"b\"}]}" : "{}").getBytes(StandardCharsets.UTF_8);
      HttpResponse.BodySubscriber<T> s = handler.apply(new Answer<Void>(request, status, null));
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      s.onNext(List.of(ByteBuffer.wrap(body)));
      s.onComplete();
      return CompletableFuture.completedFuture(new Answer<>(request, status, s.getBody().toCompletableFuture().join()));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
        HttpResponse.PushPromiseHandler<T> push) {
      return sendAsync(request, handler);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
      return sendAsync(request, handler).join();
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
      return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
      return Optional.empty();
    }

    @Override
    public Redirect followRedirects() {
      return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return Optional.empty();
    }

    @Override
    public SSLContext sslContext() {
      try {
        return SSLContext.getDefault();
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public SSLParameters sslParameters() {
      return new SSLParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
      return Optional.empty();
    }

    @Override
    public Version version() {
      return Version.HTTP_1_1;
    }

    @Override
    public Optional<Executor> executor() {
      return Optional.empty();
    }
  }
}

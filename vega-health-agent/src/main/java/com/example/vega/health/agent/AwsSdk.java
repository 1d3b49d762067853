package com.example.vega.health.agent;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS clients the agent and the doctor use: one small JDK-based HTTP client, the default
 * credential chain and region (AWS_REGION / the task's metadata), endpoints from the SDK's own
 * {@code AWS_ENDPOINT_URL} and {@code AWS_ENDPOINT_URL_<SERVICE>} variables. Created lazily, only
 * for a role whose checks need them; closed together. Internal to the agent jar.
 */
public final class AwsSdk implements AutoCloseable {
  private final Env env;
  private final List<AutoCloseable> open = new ArrayList<>();
  private @Nullable SdkHttpClient http;

  /** Where region and endpoint come from (the process environment, or a test's map). */
  public interface Env {
    @Nullable String get(String key);
  }

  public AwsSdk(Env env) {
    this.env = env;
  }

  private synchronized SdkHttpClient http() {
    if (http == null) {
      http = UrlConnectionHttpClient.builder()
          .connectionTimeout(Duration.ofSeconds(3))
          .socketTimeout(Duration.ofSeconds(10))
          .build();
      open.add(http);
    }
    return http;
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(B b, String service) {
    String region = first(env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"));
    if (region != null) {
      b.region(Region.of(region));
    }
    // The SDK reads AWS_ENDPOINT_URL from the process environment itself; set it explicitly so
    // that a test's settings map works the same way.
    String endpoint = first(env.get("AWS_ENDPOINT_URL_" + service), env.get("AWS_ENDPOINT_URL"));
    if (endpoint != null) {
      b.endpointOverride(URI.create(endpoint));
    }
    String key = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (key != null && secret != null && !key.isBlank()) {
      // Same as the SDK's environment provider, but from our settings source (tests, agent args).
      String session = env.get("AWS_SESSION_TOKEN");
      b.credentialsProvider(StaticCredentialsProvider.create(session == null || session.isBlank()
          ? AwsBasicCredentials.create(key, secret) : AwsSessionCredentials.create(key, secret, session)));
    }
    b.overrideConfiguration(ClientOverrideConfiguration.builder()
        .apiCallTimeout(Duration.ofSeconds(20))
        .apiCallAttemptTimeout(Duration.ofSeconds(10))
        .build());
    return b;
  }

  boolean hasEndpointOverride() {
    return first(env.get("AWS_ENDPOINT_URL_S3"), env.get("AWS_ENDPOINT_URL")) != null;
  }

  public synchronized SqsClient sqs() {
    return keep(configure(SqsClient.builder().httpClient(http()), "SQS").build());
  }

  public synchronized S3Client s3() {
    // Emulators serve buckets by path, not by virtual host. Checksums only where S3 requires them:
    // the write probe's few bytes gain nothing from the SDK's default CRC trailer, which S3-compatible
    // stores do not all take (s3proxy in the local demo: XAmzContentSHA256Mismatch).
    return keep(configure(S3Client.builder().httpClient(http()), "S3")
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .forcePathStyle(hasEndpointOverride()).build());
  }

  public synchronized EcsClient ecs() {
    return keep(configure(EcsClient.builder().httpClient(http()), "ECS").build());
  }

  public synchronized SecretsManagerClient secrets() {
    return keep(configure(SecretsManagerClient.builder().httpClient(http()), "SECRETS_MANAGER").build());
  }

  /** Cognito user pools: the cognito check's DescribeUserPoolClient. */
  public synchronized CognitoIdentityProviderClient cognito() {
    return keep(configure(CognitoIdentityProviderClient.builder().httpClient(http()), "COGNITO_IDENTITY_PROVIDER").build());
  }

  public synchronized CloudWatchClient cloudWatch() {
    return keep(configure(CloudWatchClient.builder().httpClient(http()), "CLOUDWATCH").build());
  }

  /** STS: whose credentials the doctor uses (GetCallerIdentity). */
  public synchronized software.amazon.awssdk.services.sts.StsClient sts() {
    return keep(configure(software.amazon.awssdk.services.sts.StsClient.builder().httpClient(http()), "STS").build());
  }

  public synchronized IamClient iam() {
    return keep(global(configure(IamClient.builder().httpClient(http()), "IAM"), "IAM").build());
  }

  /** ELBv2: the API's target group and its targets' health (the doctor). */
  public synchronized ElasticLoadBalancingV2Client elb() {
    return keep(configure(ElasticLoadBalancingV2Client.builder().httpClient(http()), "ELASTIC_LOAD_BALANCING_V2")
        .build());
  }

  /** CloudFront (the doctor): global, like IAM. */
  public synchronized CloudFrontClient cloudFront() {
    return keep(global(configure(CloudFrontClient.builder().httpClient(http()), "CLOUDFRONT"), "CLOUDFRONT").build());
  }

  /** A global service's endpoint lives in aws-global whatever the task's region, unless overridden. */
  private <B extends AwsClientBuilder<B, ?>> B global(B b, String service) {
    if (first(env.get("AWS_ENDPOINT_URL_" + service), env.get("AWS_ENDPOINT_URL")) == null) {
      b.region(Region.AWS_GLOBAL);
    }
    return b;
  }

  public synchronized CloudWatchLogsClient logs() {
    return keep(configure(CloudWatchLogsClient.builder().httpClient(http()), "CLOUDWATCH_LOGS").build());
  }

  /** How many clients are open (the shared HTTP client counts as one), for tests. */
  synchronized int open() {
    return open.size();
  }

  private <C extends AutoCloseable> C keep(C c) {
    open.add(0, c);
    return c;
  }

  private static @Nullable String first(@Nullable String a, @Nullable String b) {
    if (a != null && !a.isBlank()) {
      return a.trim();
    }
    return b != null && !b.isBlank() ? b.trim() : null;
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        // closing is best effort
      }
    }
    open.clear();
    http = null;
  }
}

package com.example.vega.examples.common;

import java.net.URI;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The example services' AWS clients, from an environment map. Endpoints come from the SDK's own
 * variables ({@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_<SERVICE>}); read here from the map
 * so that services started in one JVM by the demo can each have their own.
 */
public final class Aws {
  private final Map<String, String> env;
  private final Region region;
  private final AwsCredentialsProvider credentials;

  public Aws(Map<String, String> env) {
    this.env = env;
    this.region = Region.of(env.getOrDefault("AWS_REGION", "us-west-1"));
    String key = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    this.credentials = key != null && secret != null
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret))
        : DefaultCredentialsProvider.builder().build();
  }

  /** The region the clients use (for the spans' {@code cloud.region}). */
  public String region() {
    return region.id();
  }

  private @Nullable URI endpoint(String service) {
    String v = env.get("AWS_ENDPOINT_URL_" + service);
    if (v == null) {
      v = env.get("AWS_ENDPOINT_URL");
    }
    return v == null ? null : URI.create(v);
  }

  public SqsClient sqs() {
    return build(SqsClient.builder(), "SQS");
  }

  public S3Client s3() {
    return build(S3Client.builder()
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .forcePathStyle(true), "S3");
  }

  public EcsClient ecs() {
    return build(EcsClient.builder(), "ECS");
  }

  public SecretsManagerClient secrets() {
    return build(SecretsManagerClient.builder(), "SECRETS_MANAGER");
  }

  /** Every client the same way: this region and credentials, the JDK's HTTP client, the service's endpoint. */
  private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, String service) {
    builder.region(region).credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create());
    URI e = endpoint(service);
    return (e == null ? builder : builder.endpointOverride(e)).build();
  }
}

package com.example.vega.health.checks;

import com.example.vega.health.Caller;
import com.example.vega.health.testing.MotoServer;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** SDK clients pointed at a local emulator (moto or WireMock), never at real AWS. */
final class AwsClients {
  static final AwsCredentialsProvider DUMMY =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  private final URI endpoint;
  private final AwsCredentialsProvider credentials;
  private final ExecutionInterceptor[] interceptors;

  AwsClients(URI endpoint, AwsCredentialsProvider credentials, ExecutionInterceptor... interceptors) {
    this.endpoint = endpoint;
    this.credentials = credentials;
    this.interceptors = interceptors;
  }

  /** A caller of {@code role} in {@code dev}, region and cluster unknown: what most tests' hints name. */
  static Caller caller(String role) {
    return new Caller(role, "dev", Caller.UNKNOWN_REGION, Caller.UNKNOWN_CLUSTER);
  }

  static AwsClients at(URI endpoint, ExecutionInterceptor... interceptors) {
    return new AwsClients(endpoint, DUMMY, interceptors);
  }

  static AwsClients moto(ExecutionInterceptor... interceptors) {
    return at(MotoServer.shared().endpoint(), interceptors);
  }

  private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B b, Region region) {
    ClientOverrideConfiguration.Builder o = ClientOverrideConfiguration.builder();
    for (ExecutionInterceptor i : interceptors) {
      o.addExecutionInterceptor(i);
    }
    return b.endpointOverride(endpoint).region(region).credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder()).overrideConfiguration(o.build());
  }

  private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B b) {
    return configure(b, Region.of(MotoServer.REGION));
  }

  SqsClient sqs() {
    return configure(SqsClient.builder()).build();
  }

  S3Client s3() {
    return configure(S3Client.builder()).forcePathStyle(true).build();
  }

  S3Client s3(Region region) {
    return configure(S3Client.builder(), region).forcePathStyle(true).build();
  }

  SecretsManagerClient secrets() {
    return configure(SecretsManagerClient.builder()).build();
  }

  EcsClient ecs() {
    return configure(EcsClient.builder()).build();
  }

  CognitoIdentityProviderClient cognito() {
    return configure(CognitoIdentityProviderClient.builder()).build();
  }

    IamClient iam() {
    return configure(IamClient.builder(), Region.AWS_GLOBAL).build();
  }

  CloudWatchClient cloudWatch() {
    return configure(CloudWatchClient.builder()).build();
  }
}

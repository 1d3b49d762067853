package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.Status;
import com.example.vega.health.testing.MotoServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The role's AWS checks use the application's own client beans (against a real emulator). */
class RoleChecksAutoConfigurationTest {
  private MotoServer moto;

  @BeforeEach
  void reset() {
    moto = MotoServer.shared();
    moto.reset();
  }

  private SqsClient motoSqs() {
    return SqsClient.builder().endpointOverride(moto.endpoint()).region(Region.of(MotoServer.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create()).build();
  }

  @Test
  void workerRoleChecksItsQueueThroughTheApplicationsSqsClient() {
    SqsClient sqs = motoSqs();
    String queue = sqs.createQueue(b -> b.queueName("vega-scans")).queueUrl();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VegaHealthAutoConfiguration.class))
        .withBean(SqsClient.class, () -> sqs)
        .withPropertyValues("vega.health.server.port=-1", "VEGA_ROLE=worker", "VEGA_ENVIRONMENT=local",
            "VEGA_SCAN_WORKER_EXECUTION_MODE=local", "VEGA_SQS_QUEUE_URL=" + queue,
            "vega.health.checks.sqs.interval=1s", "vega.health.checks.sqs.timeout=1s")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          HealthMonitor monitor = ctx.getBean(HealthMonitor.class);
          assertThat(monitor.snapshot().checks()).extracting(CheckState::name)
              .contains("config", "sqs", "jvm-deadlock").doesNotHaveDuplicates();
          long deadline = System.nanoTime() + 10_000_000_000L;
          while (monitor.snapshot().check("sqs").status() != Status.UP && System.nanoTime() < deadline) {
            Thread.sleep(50);
          }
          assertThat(monitor.snapshot().check("sqs").status()).isEqualTo(Status.UP);
          assertThat(monitor.snapshot().check("sqs").registration().policy().interval()).hasSeconds(1);
        });
  }

  @Test
  void vegaHealthEnvironmentDecidesTheProductionRulesLikeVegaEnvironment() {
    ApplicationContextRunner api = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VegaHealthAutoConfiguration.class))
        .withPropertyValues("vega.health.server.port=-1", "vega.health.role=api");
    // Production-like (no environment given: production rules): the api must prove its Cognito login.
    api.run(ctx -> assertThat(ctx.getBean(HealthMonitor.class).snapshot().checks())
        .extracting(CheckState::name).contains("cognito"));
    api.withPropertyValues("vega.health.environment=test")
        .run(ctx -> assertThat(ctx.getBean(HealthMonitor.class).snapshot().checks())
            .extracting(CheckState::name).doesNotContain("cognito").contains("config"));
  }

  @Test
  void withoutARoleNoAwsCheckIsRegistered() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VegaHealthAutoConfiguration.class))
        .withPropertyValues("vega.health.server.port=-1")
        .run(ctx -> assertThat(ctx.getBean(HealthMonitor.class).snapshot().checks())
            .extracting(CheckState::name).containsExactly("jvm-deadlock"));
  }
}

package com.example.vega.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.VegaRole;
import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthProbe;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.testing.ManualScheduler;
import com.example.vega.health.testing.MotoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VegaChecksTest {
  private AwsClients aws;
  private VegaChecks.Clients clients;

  @BeforeEach
  void reset() {
    MotoServer.shared().reset();
    aws = AwsClients.moto();
    clients = VegaChecks.Clients.builder().aws(aws.sqs(), aws.s3(), aws.secrets(), aws.ecs())
        .http(HttpClient.newHttpClient()).cognitoIssuerBase(URI.create("http://127.0.0.1:1")).build();
  }

  private static List<String> names(List<CheckRegistration> regs) {
    return regs.stream().map(CheckRegistration::name).toList();
  }

  /** Only the process-local deadlock check feeds liveness; no dependency ever does. */
  private static void neverLiveness(List<CheckRegistration> regs) {
    assertThat(regs).filteredOn(r -> !r.name().equals(DeadlockCheck.NAME))
        .allSatisfy(r -> assertThat(r.policy().feeds(HealthProbe.LIVENESS)).as(r.name()).isFalse());
    assertThat(regs).filteredOn(r -> r.name().equals(DeadlockCheck.NAME))
        .singleElement().satisfies(r -> assertThat(r.policy().feeds(HealthProbe.LIVENESS)).isTrue());
  }

  @Test
  void aDataSourceAddsACriticalPostgresCheckExpectingTheConfiguredMigration() {
    Map<String, String> s = new HashMap<>(ConfigCheckTest.worker());
    s.put("VEGA_EXPECTED_MIGRATION", "004_findings_columns.sql");
    javax.sql.DataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    List<CheckRegistration> regs = VegaChecks.forRole(VegaRole.WORKER, s::get,
        VegaChecks.Clients.builder().aws(aws.sqs(), aws.ecs()).dataSource(ds).build());
    assertThat(names(regs)).containsExactly("config", "jvm-deadlock", "postgres", "sqs", "ecs-runtask");
    CheckRegistration pg = regs.get(2);
    assertThat(pg.policy().critical()).isTrue();
    assertThat(pg.policy().feeds(HealthProbe.READINESS)).isTrue();
    neverLiveness(regs);
    assertThat(names(VegaChecks.forRole(VegaRole.LLM_PROXY, ConfigCheckTest.worker()::get,
        VegaChecks.Clients.builder().dataSource(ds).build()))).doesNotContain("postgres");
  }

  @Test
  void workerGetsConfigSqsAndEcsWithSqsCriticalForReadiness() {
    Map<String, String> s = ConfigCheckTest.worker();
    List<CheckRegistration> regs = VegaChecks.forRole(VegaRole.WORKER, s::get, clients);
    assertThat(names(regs)).containsExactly("config", "jvm-deadlock", "sqs", "ecs-runtask");
    CheckRegistration sqs = regs.get(2);
    assertThat(sqs.policy().critical()).isTrue();
    assertThat(sqs.policy().feeds(HealthProbe.READINESS)).isTrue();
    assertThat(regs.get(3).policy().critical()).isFalse();
    neverLiveness(regs);
  }

  @Test
  void localWorkerRunsNoEcsCheck() {
    Map<String, String> s = new HashMap<>(ConfigCheckTest.worker());
    s.put("VEGA_ENVIRONMENT", "local");
    s.put("VEGA_SCAN_WORKER_EXECUTION_MODE", "local");
    assertThat(names(VegaChecks.forRole(VegaRole.WORKER, s::get, clients))).containsExactly("config", "jvm-deadlock", "sqs");
  }

  @Test
  void apiGetsCognitoSqsAndS3() {
    Map<String, String> s = new HashMap<>(ConfigCheckTest.api());
    s.put("VEGA_S3_FRONTEND_BUCKET", "vega-dev-frontend");
    List<CheckRegistration> regs = VegaChecks.forRole(VegaRole.API, s::get, clients);
    assertThat(names(regs)).containsExactly("config", "jvm-deadlock", "cognito", "sqs", "s3");
    assertThat(regs.get(2).policy().critical()).isTrue();
    assertThat(regs.get(3).policy().critical()).as("the api only sends to SQS").isFalse();
    neverLiveness(regs);
  }

  @Test
  void runnerGetsS3AndTheLlmProxyAndTheProxyGetsItsSecret() {
    Map<String, String> runner = Map.of("VEGA_ENVIRONMENT", "dev", "VEGA_DATABASE_URL", "jdbc:postgresql://db:5432/vega",
        "VEGA_LLM_PROXY_BASE_URL", "http://proxy.internal:8080", "VEGA_FILE_STORAGE_BACKEND", "s3",
        "VEGA_S3_SOURCE_BUCKET", "vega-dev-source", "VEGA_S3_ARTIFACTS_BUCKET", "vega-dev-artifacts");
    assertThat(names(VegaChecks.forRole(VegaRole.RUNNER, runner::get, clients))).containsExactly("config", "jvm-deadlock", "s3", "llm-proxy");

    Map<String, String> proxy = Map.of("VEGA_ENVIRONMENT", "dev", "VEGA_PROVIDER_SECRET_ID", "vega/dev/provider-api-key");
    assertThat(names(VegaChecks.forRole(VegaRole.LLM_PROXY, proxy::get, clients))).containsExactly("config", "jvm-deadlock", "secrets");
    assertThat(names(VegaChecks.forRole(VegaRole.MAINTENANCE, proxy::get, clients))).containsExactly("config", "jvm-deadlock");
  }

  @Test
  void aCheckWhoseSettingIsMissingOrMalformedIsLeftToTheConfigCheck() {
    Map<String, String> s = new HashMap<>(ConfigCheckTest.worker());
    s.put("VEGA_SQS_QUEUE_URL", "not a url");
    s.remove("VEGA_ECS_CLUSTER");
    assertThat(names(VegaChecks.forRole(VegaRole.WORKER, s::get, clients))).containsExactly("config", "jvm-deadlock");
  }

  @Test
  void aCheckWhoseClientIsMissingIsNotRegisteredAndTheConfigCheckNamesTheClient() throws Exception {
    Map<String, String> s = new HashMap<>(ConfigCheckTest.worker());
    s.put("AWS_REGION", "us-west-1");
    s.put("VEGA_WORKER_TASK_ROLE_ARN", "arn:aws:iam::123456789012:role/vega-prod-worker-task");
    // No client built from the default credential chain behind the application's back.
    List<CheckRegistration> regs = VegaChecks.forRole(VegaRole.WORKER, s::get, VegaChecks.Clients.none());
    assertThat(names(regs)).containsExactly("config", "jvm-deadlock");
    CheckResult config = regs.get(0).check().check(CheckContext.of(Duration.ofSeconds(1)));
    assertThat(config.status()).isEqualTo(Status.DOWN);
    assertThat(config.errorKind()).isEqualTo(ErrorKind.MISCONFIGURED);
    assertThat(config.message()).isEqualTo("no SqsClient given: the scan queue (VEGA_SQS_QUEUE_URL) is not "
        + "checked: a missing queue, denied access or a growing backlog go unseen (and 1 more)");
    assertThat(config.hint()).contains("pass the service's own SqsClient to VegaChecks.Clients");
    assertThat(config.observation("settings").value()).isEqualTo("SqsClient, EcsClient");

    // With the ECS client but not the IAM one, ecs-runtask runs on its probes and config says why RunTask is unverified.
    regs = VegaChecks.forRole(VegaRole.WORKER, s::get, VegaChecks.Clients.builder().aws(aws.sqs(), aws.ecs()).build());
    assertThat(names(regs)).containsExactly("config", "jvm-deadlock", "sqs", "ecs-runtask");
    config = regs.get(0).check().check(CheckContext.of(Duration.ofSeconds(1)));
    assertThat(config.message()).startsWith("no IamClient given: VEGA_WORKER_TASK_ROLE_ARN is set");
  }

  @Test
  void secretValuesCoverTheTokenAndTheDatabasePassword() {
    Map<String, String> s = Map.of("VEGA_LLM_PROXY_TOKEN", "tok.en.value",
        "VEGA_DATABASE_URL", "postgresql://vega:pa55word@db:5432/vega");
    assertThat(VegaChecks.secretValues(s::get)).containsExactly("tok.en.value", "pa55word");
    Map<String, String> jdbc = Map.of("VEGA_DATABASE_URL", "jdbc:postgresql://db/vega?user=vega&password=hunter22");
    assertThat(VegaChecks.secretValues(jdbc::get)).containsExactly("hunter22");
  }

  @Test
  void workerProfileAgainstMotoReportsTheRunbookProblemsThenRecovers() {
    Map<String, String> s = new HashMap<>(ConfigCheckTest.worker());
    s.put("VEGA_SQS_QUEUE_URL", MotoServer.shared().endpoint() + "/123456789012/vega-prod-scans");
    ManualScheduler scheduler = new ManualScheduler();
    try (HealthMonitor m = HealthMonitor.builder().service(ServiceInfo.of("vega-worker"))
        .scheduler(scheduler).runExecutor(Runnable::run)
        .registerAll(VegaChecks.forRole(VegaRole.WORKER, s::get, clients)).build().start()) {
      scheduler.runDue();
      scheduler.advance(Duration.ofSeconds(60));
      CheckState sqs = m.snapshot().check("sqs");
      assertThat(sqs.status()).isEqualTo(Status.DOWN);
      assertThat(sqs.lastResult().message()).isEqualTo("queue vega-prod-scans does not exist");
      assertThat(m.snapshot().status(HealthProbe.READINESS)).isEqualTo(Status.DOWN);
      assertThat(m.snapshot().check("ecs-runtask").lastResult().message()).isEqualTo("cluster vega-prod does not exist");
      assertThat(m.snapshot().check("config").status()).isEqualTo(Status.UP);

      aws.sqs().createQueue(c -> c.queueName("vega-prod-scans"));
      scheduler.advance(Duration.ofSeconds(60));
      assertThat(m.snapshot().check("sqs").status()).isEqualTo(Status.UP);
      assertThat(m.snapshot().status(HealthProbe.READINESS)).isEqualTo(Status.UP);
      assertThat(m.snapshot().status(HealthProbe.LIVENESS)).isEqualTo(Status.UP);
    }
  }

  @Test
  void eachAwsClientGoesToItsServicesCheckAndOneNoCheckUsesIsNamed() {
    VegaChecks.Clients c = VegaChecks.Clients.builder().aws(aws.ecs(), aws.sqs(), aws.iam()).build();
    assertThat(c.sqs()).isNotNull();
    assertThat(c.ecs()).isNotNull();
    assertThat(c.iam()).isNotNull();
    assertThat(c.s3()).isNull();
    try (var sts = software.amazon.awssdk.services.sts.StsClient.builder()
            .region(software.amazon.awssdk.regions.Region.US_WEST_1).build();
        var async = software.amazon.awssdk.services.sqs.SqsAsyncClient.builder()
            .region(software.amazon.awssdk.regions.Region.US_WEST_1).build()) {
      assertThatThrownBy(() -> VegaChecks.Clients.builder().aws(sts)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no check uses a software.amazon.awssdk.services.sts.").hasMessageContaining("SqsClient");
      assertThatThrownBy(() -> VegaChecks.Clients.builder().aws(async)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no check uses a software.amazon.awssdk.services.sqs.DefaultSqsAsyncClient");
    }
    assertThatThrownBy(() -> VegaChecks.Clients.builder().aws(aws.sqs(), aws.sqs()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two SqsClients");
  }

  /** A stand-in the application's tests give (a mock, a proxy) goes by the interface it implements. */
  @Test
  void aStandInClientWhoseServiceNameIsNullIsRoutedByItsInterface() {
    software.amazon.awssdk.services.sqs.SqsClient standIn = (software.amazon.awssdk.services.sqs.SqsClient)
        java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {software.amazon.awssdk.services.sqs.SqsClient.class}, (proxy, m, args) -> null);
    assertThat(standIn.serviceName()).isNull();
    assertThat(VegaChecks.Clients.builder().aws(standIn).build().sqs()).isSameAs(standIn);
  }
}

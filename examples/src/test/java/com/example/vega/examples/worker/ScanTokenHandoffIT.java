package com.example.vega.examples.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.examples.common.Aws;
import com.example.vega.examples.common.Database;
import com.example.vega.examples.common.ScanToken;
import com.example.vega.examples.maintenance.Migrations;
import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.testing.PostgresServer;
import com.example.vega.health.token.ScanTokenHandoff;
import com.zaxxer.hikari.HikariDataSource;
import io.opentelemetry.api.OpenTelemetry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The scan-scoped proxy token never travels in the RunTask request (anyone allowed
 * ecs:DescribeTasks reads the overrides back): the worker, in ECS mode against moto, passes a
 * Secrets Manager ARN; the runner's side reads a token the proxy accepts from it, once.
 */
class ScanTokenHandoffIT {
  static final String SIGNING_KEY = "signing-key-for-the-handoff-test";

  @Test
  void runTaskCarriesAReferenceNeverTheTokenAndTheRunnerReadsAWorkingTokenOnce() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    try (PostgresServer pg = PostgresServer.start()) {
      String dbUrl = pg.jdbcUrl() + "?user=" + PostgresServer.USER + "&password=" + PostgresServer.PASSWORD;
      Map<String, String> env = new HashMap<>();
      env.put("AWS_REGION", MotoServer.REGION);
      env.put("AWS_ACCESS_KEY_ID", "test");
      env.put("AWS_SECRET_ACCESS_KEY", "test");
      env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
      Aws aws = new Aws(env);
      String queueUrl;
      try (SqsClient sqs = aws.sqs(); EcsClient ecs = aws.ecs()) {
        queueUrl = sqs.createQueue(b -> b.queueName("vega-scans")).queueUrl();
        ecs.createCluster(b -> b.clusterName("vega-dev"));
        ecs.registerTaskDefinition(b -> b.family("vega-v16-runner").requiresCompatibilities(Compatibility.FARGATE)
            .networkMode(NetworkMode.AWSVPC).cpu("512").memory("1024")
            .containerDefinitions(c -> c.name(EcsRunnerLauncher.CONTAINER).image("vega/runner:1").essential(true).memory(1024)));
      }
      try (HikariDataSource ds = Database.pool(dbUrl, "test", 2)) {
        Migrations.apply(ds, OpenTelemetry.noop().getTracer("test"));
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
            "INSERT INTO scans(id, status, source_key) VALUES ('scan-00000000000000a1', 'queued', 'k')")) {
          ps.executeUpdate();
        }
      }
      env.put("VEGA_ENVIRONMENT", "local");
      env.put("VEGA_DATABASE_URL", dbUrl);
      env.put("VEGA_SQS_QUEUE_URL", queueUrl);
      env.put("VEGA_SCAN_WORKER_EXECUTION_MODE", "ecs");
      env.put("VEGA_ECS_CLUSTER", "vega-dev");
      env.put("VEGA_RUNNER_TASK_DEFINITION", "vega-v16-runner");
      env.put("VEGA_RUNNER_SUBNETS", defaultSubnet(moto));
      env.put("VEGA_RUNNER_SECURITY_GROUPS", "sg-1");
      env.put("VEGA_LLM_PROXY_SIGNING_KEY", SIGNING_KEY);
      env.put(ScanTokenHandoff.SECRET_PREFIX, "vega/dev/scan-tokens/");
      env.put("OTEL_TRACES_EXPORTER", "none");
      env.put("OTEL_METRICS_EXPORTER", "none");
      env.put("OTEL_LOGS_EXPORTER", "none");

      String taskArn;
      try (WorkerService worker = new WorkerService(env, Map.of(), Files.createTempDirectory("worker-"));
          SqsClient sqs = aws.sqs()) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("scan-00000000000000a1"));
        taskArn = awaitRunnerTask(dbUrl);
      }

      List<KeyValuePair> overrides;
      try (EcsClient ecs = aws.ecs()) {
        // What anyone allowed ecs:DescribeTasks reads.
        overrides = ecs.describeTasks(b -> b.cluster("vega-dev").tasks(taskArn)).tasks().get(0)
            .overrides().containerOverrides().get(0).environment();
      }
      Map<String, String> seen = new HashMap<>();
      overrides.forEach(kv -> seen.put(kv.name(), kv.value()));
      assertThat(seen).containsKeys("VEGA_SCAN_ID", ScanTokenHandoff.REFERENCE, "TRACEPARENT")
          .doesNotContainKey("VEGA_LLM_PROXY_TOKEN");
      assertThat(seen.values()).noneMatch(v -> v.contains("eyJ")); // no JWT (header or payload) in any value
      String reference = seen.get(ScanTokenHandoff.REFERENCE);
      assertThat(reference).startsWith("arn:aws:secretsmanager:" + MotoServer.REGION + ":")
          .contains(":secret:vega/dev/scan-tokens/scan-00000000000000a1");

      // The runner's side: its task role reads the secret once; the token is one the proxy accepts.
      Map<String, String> runner = new HashMap<>(env);
      runner.put(ScanTokenHandoff.REFERENCE, reference);
      try (SecretsManagerClient secrets = aws.secrets()) {
        String token = ScanTokenHandoff.resolved(runner, secrets).get("VEGA_LLM_PROXY_TOKEN");
        assertThat(ScanToken.verify(token, Instant.now(), SIGNING_KEY.getBytes(StandardCharsets.UTF_8)))
            .isEqualTo("scan-00000000000000a1");
        // Gone for anyone else (another task, anyone with the ARN) ...
        assertThatThrownBy(() -> secrets.describeSecret(b -> b.secretId(reference)))
            .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> secrets.getSecretValue(b -> b.secretId(reference)))
            .isInstanceOf(ResourceNotFoundException.class);
        // ... while this process (its checks included) keeps the one token it read.
        assertThat(ScanTokenHandoff.resolved(runner, secrets)).containsEntry("VEGA_LLM_PROXY_TOKEN", token);
        assertThat(ScanTokenHandoff.redeemed(reference)).contains(token);
      }
    }
  }

  /** moto's default subnet (EC2 DescribeSubnets, query protocol): Fargate tasks need one. */
  private static String defaultSubnet(MotoServer moto) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(moto.endpoint())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/" + MotoServer.REGION
            + "/ec2/aws4_request, SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString("Action=DescribeSubnets&Version=2016-11-15")).build();
    String body = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("<subnetId>(subnet-[0-9a-f]+)</subnetId>").matcher(body);
    assertThat(m.find()).as(body).isTrue();
    return m.group(1);
  }

  private static String awaitRunnerTask(String dbUrl) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    try (HikariDataSource ds = Database.pool(dbUrl, "probe", 1)) {
      while (System.nanoTime() < deadline) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
            "SELECT runner_task, status, failure_reason FROM scans WHERE id = 'scan-00000000000000a1'");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getString(1) != null) {
            return rs.getString(1);
          }
          assertThat(rs.getString(2)).as(String.valueOf(rs.getString(3))).isNotEqualTo("failed");
        }
        Thread.sleep(100);
      }
    }
    throw new AssertionError("the worker launched no runner task within 20 s");
  }
}

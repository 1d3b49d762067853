package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.testing.PostgresServer;
import com.example.vega.health.testing.TcpFaultProxy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real Boot application on a random port with a real PostgreSQL behind a fault proxy and, where
 * moto is installed, the application's own SqsClient against the AWS emulator: when the
 * database refuses connections after the task has served, the detail fails with the hint while
 * readiness fails open and liveness stays up, on the application's port and on the probe port
 * alike; then it recovers.
 */
@SpringBootTest(
    classes = VegaHealthWebIT.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.application.name=vega-api",
      "vega.health.role=api",
      "vega.health.environment=test",
      "vega.health.server.port=0",
      "vega.health.server.address=127.0.0.1",
      "vega.health.checks.postgres.interval=1s",
      "vega.health.checks.postgres.timeout=1s",
      "vega.health.checks.postgres.failure-threshold=1",
      "vega.health.checks.postgres.success-threshold=1",
      // A Flyway application: the check reads Flyway's history table (created below).
      "vega.health.postgres.migrations-table=flyway_schema_history",
      "vega.health.postgres.migrations-column=script",
      "vega.health.postgres.expected-migrations=V2__scans.sql",
      "spring.datasource.hikari.connection-timeout=1000",
      "management.endpoints.web.exposure.include=health",
      "management.endpoint.health.show-components=always",
      "management.endpoint.health.show-details=always"
    })
class VegaHealthWebIT {
  private static final Duration DETECT = Duration.ofSeconds(10);
  private static final PostgresServer PG = flywayHistory(PostgresServer.start());
  private static final TcpFaultProxy PROXY = startProxy();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** The AWS emulator, when installed: the application's own SqsClient, checked by the api role. */
  private static final boolean MOTO = MotoServer.installed();
  private static final String QUEUE = MOTO ? createQueue() : null;

  private static SqsClient motoSqs() {
    return SqsClient.builder().endpointOverride(MotoServer.shared().endpoint()).region(Region.of(MotoServer.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create()).build();
  }

  private static String createQueue() {
    MotoServer.shared().reset();
    try (SqsClient sqs = motoSqs()) {
      return sqs.createQueue(b -> b.queueName("vega-scans")).queueUrl();
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    SqsClient sqsClient() {
      return MOTO ? motoSqs() : SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:1"))
          .region(Region.US_WEST_1).credentialsProvider(StaticCredentialsProvider.create(
              AwsBasicCredentials.create("none", "none"))).httpClient(UrlConnectionHttpClient.create()).build();
    }
  }

  @LocalServerPort int appPort;
  @Autowired VegaHealthLifecycle lifecycle;

  /** What Flyway leaves behind after V1 and V2 (the columns the check does not read left out). */
  private static PostgresServer flywayHistory(PostgresServer pg) {
    pg.sql("CREATE TABLE IF NOT EXISTS flyway_schema_history (installed_rank int PRIMARY KEY, script text)");
    pg.sql("INSERT INTO flyway_schema_history VALUES (1, 'V1__init.sql'), (2, 'V2__scans.sql') ON CONFLICT DO NOTHING");
    return pg;
  }

  private static TcpFaultProxy startProxy() {
    try {
      return new TcpFaultProxy(PG.port());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @DynamicPropertySource
  static void datasource(DynamicPropertyRegistry r) {
    if (QUEUE != null) {
      r.add("VEGA_SQS_QUEUE_URL", () -> QUEUE);
      r.add("vega.health.checks.sqs.interval", () -> "1s");
      r.add("vega.health.checks.sqs.timeout", () -> "1s");
    }
    r.add("spring.datasource.url", () -> PostgresServer.jdbcUrl(PROXY.port()));
    r.add("spring.datasource.username", () -> PostgresServer.USER);
    r.add("spring.datasource.password", () -> PostgresServer.PASSWORD);
  }

  @AfterAll
  static void stop() throws IOException {
    PROXY.close();
    PG.close();
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> await(int port, String path, Predicate<HttpResponse<String>> until)
      throws Exception {
    long deadline = System.nanoTime() + DETECT.toNanos();
    HttpResponse<String> r = get(port, path);
    while (!until.test(r) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      r = get(port, path);
    }
    return r;
  }

  @Test
  void theApplicationsOwnSqsClientFeedsTheRolesQueueCheck() throws Exception {
    Assumptions.assumeTrue(MOTO, "moto_server is not installed, so the AWS emulator part is skipped");
    HttpResponse<String> detail = await(appPort, "/v1/healthz",
        r -> r.body().contains("\"componentId\":\"sqs\",\"componentType\":\"component\",\"status\":\"pass\""));
    assertThat(detail.body()).contains("\"sqs:visible\"",
        "\"componentId\":\"sqs\",\"componentType\":\"component\",\"status\":\"pass\"");
  }

  /**
   * The task has served, then the database (shared by every task) refuses: the detail fails with
   * the hint, readiness fails open on both ports and in Boot's readiness group (ECS would replace
   * every task otherwise), liveness stays up; then it recovers.
   */
  @Test
  void refusedDatabaseFailsTheDetailWithAHintWhileReadinessFailsOpenAndLivenessStaysUp() throws Exception {
    int probePort = lifecycle.probePort();
    assertThat(probePort).isPositive().isNotEqualTo(appPort);

    for (int port : new int[] {appPort, probePort}) {
      assertThat(await(port, "/v1/healthz/ready", r -> r.statusCode() == 200).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> healthy = get(appPort, "/v1/healthz");
    assertThat(healthy.statusCode()).isEqualTo(200);
    assertThat(healthy.body()).contains("\"serviceId\":\"vega-api\"", "postgres:responseTime",
        "postgres:latestMigration", "V2__scans.sql");
    assertThat(healthy.body()).doesNotContain(PostgresServer.PASSWORD);
    assertThat(get(appPort, "/actuator/health/readiness").statusCode()).isEqualTo(200);

    PROXY.mode(TcpFaultProxy.Mode.REFUSE);
    try {
      for (int port : new int[] {appPort, probePort}) {
        HttpResponse<String> detail = await(port, "/v1/healthz", r -> r.statusCode() == 503);
        assertThat(detail.statusCode()).as("detail on port %d", port).isEqualTo(503);
        assertThat(detail.body()).contains("\"status\":\"fail\"", "\"hint\"", "\"componentId\":\"postgres\"")
            .doesNotContain(PostgresServer.PASSWORD);
        assertThat(get(port, "/v1/healthz/ready").statusCode()).as("ready on port %d", port).isEqualTo(200);
        assertThat(get(port, "/v1/healthz/live").statusCode()).as("live on port %d", port).isEqualTo(200);
      }
      // The Actuator bridge says the same, from the same snapshot: the check DOWN in
      // /actuator/health, Boot's readiness group held open as /v1/healthz/ready is.
      HttpResponse<String> actuator = get(appPort, "/actuator/health");
      assertThat(actuator.statusCode()).isEqualTo(503);
      assertThat(actuator.body()).containsPattern("\"postgres\":\\{\"details\":\\{\"status\":\"DOWN\"")
          .contains("\"heldOpen\":[\"postgres\"]"); // vegaReadiness says what readiness overlooks
      HttpResponse<String> actuatorReady = get(appPort, "/actuator/health/readiness");
      assertThat(actuatorReady.statusCode()).as(actuatorReady.body()).isEqualTo(200);
      HttpResponse<String> actuatorLive = get(appPort, "/actuator/health/liveness");
      // Membership (jvm-deadlock in liveness, vegaReadiness in readiness) is asserted in
      // ActuatorBridgeTest; Boot's probe groups do not show their components here.
      assertThat(actuatorLive.statusCode()).as(actuatorLive.body()).isEqualTo(200);
    } finally {
      PROXY.mode(TcpFaultProxy.Mode.FORWARD);
    }

    for (int port : new int[] {appPort, probePort}) {
      assertThat(await(port, "/v1/healthz", r -> r.statusCode() == 200).statusCode()).isEqualTo(200);
      assertThat(get(port, "/v1/healthz/ready").statusCode()).isEqualTo(200);
    }
  }
}

package com.example.vega.health.agent.doctor;

import static com.example.vega.health.agent.doctor.EcsFixtures.CLUSTER;
import static com.example.vega.health.agent.doctor.EcsFixtures.answer;
import static com.example.vega.health.agent.doctor.EcsFixtures.stoppedTasks;
import static com.example.vega.health.agent.doctor.EcsFixtures.task;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.agent.AwsSdk;
import com.example.vega.health.testing.PostgresServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The doctor's ECS paths: {@code doctor --aws} reading services and stopped tasks, and
 * {@code doctor scan} reading the runner task. ECS is moto_server wherever it can answer
 * (services, RunTask, StopTask with a reason); WireMock gives what moto cannot (exit codes,
 * service events), through {@code AWS_ENDPOINT_URL_ECS} while everything else stays on moto.
 * The doctor runs in-process ({@link Doctor#main}) with {@code --json}; one case runs the shaded jar.
 */
class DoctorEcsIT {
  static PostgresServer pg;
  EcsFixtures.Scene aws;
  Map<String, String> env;
  EcsFixtures.Moto ecs;
  AwsSdk sdk;

  @BeforeAll
  static void startPostgres() {
    pg = PostgresServer.start();
    DoctorIT.createSchema(pg);
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void emulator() throws Exception {
    aws = new EcsFixtures.Scene();
    env = aws.env;
    ecs = aws.ecs;
    sdk = aws.sdk;
  }

  @AfterEach
  void close() throws Exception {
    aws.close();
  }

  /** ECS from WireMock from now on; the rest (logs) stays on moto. */
  WireMockServer fakeEcs() {
    return aws.fake("ECS");
  }

  // ---- doctor --aws: services ----

  @Test
  void runningServiceIsUpWithItsCounts() throws Exception {
    ecs.service("vega-api", 2, true);
    Map<String, Object> json = doctor("--aws", "--services", "vega-api");
    assertThat(hop(json, "ecs vega-api")).containsEntry("status", "UP").containsEntry("detail", "running 2/2, pending 0")
        .containsEntry("hint", "");
    assertThat(hop(json, "ecs vega-api stopped tasks")).containsEntry("status", "UP")
        .containsEntry("detail", "no stopped tasks ECS still remembers (about 1 hour)");
    assertThat(json).containsEntry("exitCode", 0.0);
  }

  @Test
  void serviceWithoutRunningTasksIsDownAndPointsAtTheStoppedTasks() throws Exception {
    ecs.service("vega-api", 1, true);
    ecs.service("vega-worker", 2, false);
    Map<String, Object> json = doctor("--aws", "--services", "vega-api,vega-worker");
    assertThat(hop(json, "ecs vega-worker")).containsEntry("status", "DOWN")
        .containsEntry("detail", "running 0/2, pending 2");
    assertThat(json).containsEntry("exitCode", 1.0).containsEntry("firstFailingHop", "ecs vega-worker")
        .containsEntry("next", "look at the events, then get the stopped task reason: aws ecs list-tasks --cluster "
            + CLUSTER + " --service-name vega-worker --desired-status STOPPED, then aws ecs describe-tasks"
            + " (stoppedReason, containers[0].exitCode); startup errors are in aws logs tail /vega/test/vega-worker --since 1h");
  }

  @Test
  void partlyRunningServiceIsDegradedWithItsLatestThreeEvents() throws Exception {
    WireMockServer f = fakeEcs();
    apiService(f, 2, 1, event(4, "(service vega-api) has started 1 tasks: (task 9f2)."),
        event(3, "(service vega-api) task 8e1 failed container health checks.\nsecond line"),
        event(2, "(service vega-api) has reached a steady state."),
        event(1, "(service vega-api) older event that is not shown"));
    stoppedTasks(f);
    Map<String, Object> json = doctor("--aws", "--services", "vega-api");
    Map<String, Object> api = hop(json, "ecs vega-api");
    assertThat(api).containsEntry("status", "DEGRADED").containsEntry("detail", "running 1/2, pending 1");
    assertThat(strings(api, "evidence")).containsExactly(
        "event 2026-11-28T23:04:00Z: (service vega-api) has started 1 tasks: (task 9f2).",
        "event 2026-11-28T23:03:00Z: (service vega-api) task 8e1 failed container health checks. second line",
        "event 2026-11-28T23:02:00Z: (service vega-api) has reached a steady state.");
    assertThat((String) json.get("next")).startsWith("look at the events, then get the stopped task reason");
    assertThat(json).containsEntry("exitCode", 0.0);
  }

  /** DescribeServices answers vega-api ACTIVE with these counts and events (newest first, as ECS gives them). */
  private static void apiService(WireMockServer f, int desired, int running, String... events) {
    answer(f, "DescribeServices", "{\"services\":[{\"serviceName\":\"vega-api\",\"status\":\"ACTIVE\",\"desiredCount\":"
        + desired + ",\"runningCount\":" + running + ",\"pendingCount\":" + (desired - running) + ",\"deployments\":[{"
        + "\"id\":\"ecs-svc/1\",\"status\":\"PRIMARY\",\"taskDefinition\":\"vega-api:1\",\"desiredCount\":" + desired
        + ",\"runningCount\":" + running + ",\"failedTasks\":0,\"rolloutState\":\"COMPLETED\"}],\"events\":["
        + String.join(",", events) + "]}],\"failures\":[]}");
  }

  private static String event(int minute, String message) {
    return "{\"id\":\"e" + minute + "\",\"createdAt\":" + (1_795_906_800 + minute * 60) + ",\"message\":"
        + EcsFixtures.quote(message) + "}";
  }

  // ---- doctor --aws: stopped tasks ----

  static Stream<Arguments> motoStopReasons() {
    return Stream.of(
        Arguments.of("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve"
            + " ref 123456789012.dkr.ecr.us-west-1.amazonaws.com/vega-api:v9: not found",
            "the image could not be pulled: check the image tag in the task definition"),
        Arguments.of("ResourceInitializationError: unable to pull secrets or registry auth: execution resource"
            + " retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s):"
            + " failed to fetch secret arn:aws:secretsmanager:us-west-1:123456789012:secret:vega/test/db-AbCdEf",
            "Missing secret: check Secrets Manager for the secret referenced in the task definition"),
        // regression: ECR unreachable or not allowed is an image pull, not a missing secret
        Arguments.of("ResourceInitializationError: unable to pull secrets or registry auth: execution resource"
            + " retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s):"
            + " RequestError: send request failed caused by: Post \"https://api.ecr.us-west-1.amazonaws.com/\":"
            + " i/o timeout",
            "the image could not be pulled: check the image tag in the task definition, the execution role's ECR"
                + " permissions, and that the task's subnets reach ECR"),
        // regression: a missing awslogs group is not a missing secret
        Arguments.of("ResourceInitializationError: failed to validate logger args: create stream has been retried"
            + " 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group"
            + " does not exist.",
            "the task's log group is missing: check the awslogs-group of the vega-api task definition"
                + " (/vega/test/vega-api) exists"),
        Arguments.of("Task failed container health checks",
            "ECS replaced the task after failed container health checks: check /v1/healthz/live and the health"
                + " check's startPeriod; logs: aws logs tail /vega/test/vega-api --since 1h"),
        // regression: the target group's checks are the ALB → port 8000 / security group step, not /live
        Arguments.of("Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-west-1:"
            + "123456789012:targetgroup/vega-api/0123456789abcdef)",
            "Security group blocks traffic? The ALB's target group vega-api failed the task's health checks and ECS"
                + " replaced it: check that the ALB can reach the vega-api container on port 8000"),
        Arguments.of("OutOfMemoryError: Container killed due to memory usage",
            "Out of memory or CPU: increase the task definition's resource limits in Terraform"));
  }

  @ParameterizedTest
  @MethodSource("motoStopReasons")
  void stoppedTaskReasonMapsToTheRunbooksNextStep(String reason, String next) throws Exception {
    ecs.service("vega-api", 1, true);
    ecs.stoppedTask("vega-api", reason);
    Map<String, Object> json = doctor("--aws", "--services", "vega-api");
    Map<String, Object> stopped = hop(json, "ecs vega-api stopped tasks");
    assertThat(stopped).containsEntry("status", "DEGRADED").containsEntry("detail", "1 stopped, 1 of them failed");
    assertThat(strings(stopped, "evidence")).containsExactly("FAILED family:vega-api: " + reason + " (exit 0)");
    assertThat(json).containsEntry("firstFailingHop", "ecs vega-api stopped tasks");
    assertThat((String) json.get("next")).startsWith(next);
  }

  @ParameterizedTest
  @MethodSource("cleanStops")
  void cleanlyStoppedTaskIsNotAFailure(String reason) throws Exception {
    ecs.service("vega-api", 1, true);
    ecs.stoppedTask("vega-api", reason);
    Map<String, Object> stopped = hop(doctor("--aws", "--services", "vega-api"), "ecs vega-api stopped tasks");
    assertThat(stopped).containsEntry("status", "UP").containsEntry("detail", "1 stopped, 0 of them failed");
    assertThat(strings(stopped, "evidence")).containsExactly("ok family:vega-api: " + reason + " (exit 0)");
  }

  static Stream<String> cleanStops() {
    // the second is a regression: every rolling deployment leaves such tasks behind for an hour
    return Stream.of("Essential container in task exited", "Scaling activity initiated by (deployment ecs-svc/5148376210394)");
  }

  @Test
  void exitCodesDecideWhatFailedAndTheFirstFailureGivesTheHint() throws Exception {
    WireMockServer f = fakeEcs();
    apiService(f, 1, 1);
    stoppedTasks(f,
        task("t1", "service:vega-api", "Scaling activity initiated by (deployment ecs-svc/5148376210394)", null, 143),
        task("t2", "family:vega-maintenance", "Essential container in task exited", null, 0),
        task("t3", "service:vega-worker", "Essential container in task exited",
            "OutOfMemoryError: Container killed due to memory usage", 137, 0),
        task("t4", "service:vega-api", "Essential container in task exited", null, 1),
        task("t5", "service:vega-llm-proxy", "CannotPullContainerError: ref pull has been retried 5 time(s)", null,
            (Integer) null));
    Map<String, Object> json = doctor("--aws", "--services", "vega-api");
    Map<String, Object> stopped = hop(json, "ecs vega-api stopped tasks");
    assertThat(stopped).containsEntry("status", "DEGRADED").containsEntry("detail", "5 stopped, 3 of them failed");
    assertThat(strings(stopped, "evidence")).containsExactly(
        "ok service:vega-api: Scaling activity initiated by (deployment ecs-svc/5148376210394) (exit 143)",
        "ok family:vega-maintenance: Essential container in task exited (exit 0)",
        "FAILED service:vega-worker: Essential container in task exited (exit 137,0)",
        "FAILED service:vega-api: Essential container in task exited (exit 1)",
        "FAILED service:vega-llm-proxy: CannotPullContainerError: ref pull has been retried 5 time(s) (exit none)");
    assertThat(json).containsEntry("next",
        "Out of memory or CPU: increase the task definition's resource limits in Terraform");
  }

  @Test
  void essentialContainerExitingNonZeroPointsAtTheStartupLogs() throws Exception {
    WireMockServer f = fakeEcs();
    apiService(f, 1, 1);
    stoppedTasks(f, task("t4", "service:vega-api", "Essential container in task exited", null, 1));
    Map<String, Object> json = doctor("--aws", "--services", "vega-api");
    assertThat(hop(json, "ecs vega-api stopped tasks")).containsEntry("hint", "Container failed to start: the"
        + " essential container c0 exited with code 1: check CloudWatch logs for startup errors (aws logs tail"
        + " /vega/test/vega-api --since 1h)");
  }

  /** Out of memory as ECS reports it on the container (its reason, or exit 137 from SIGKILL) each time. */
  static Stream<Arguments> memoryStops() {
    return Stream.of(
        Arguments.of("OutOfMemoryError: Container killed due to memory usage", 1),
        Arguments.of(null, 137));
  }

  @ParameterizedTest
  @MethodSource("memoryStops")
  void containerKilledForMemoryPointsAtTheTasksLimits(String containerReason, int exit) throws Exception {
    WireMockServer f = fakeEcs();
    apiService(f, 1, 1);
    stoppedTasks(f, task("t6", "service:vega-api", "Essential container in task exited", containerReason, exit));
    Map<String, Object> json = doctor("--aws", "--services", "vega-api");
    assertThat(hop(json, "ecs vega-api stopped tasks")).containsEntry("hint",
        "Out of memory or CPU: increase the task definition's resource limits in Terraform");
  }

  @Test
  void missingServiceStopsItsSectionWithTheReasonButItsLogsAreRead() throws Exception {
    WireMockServer f = fakeEcs();
    answer(f, "DescribeServices", "{\"services\":[],\"failures\":[{\"arn\":\"x\",\"reason\":\"MISSING\"}]}");
    Map<String, Object> json = doctor("--aws", "--services", "vega-api");
    assertThat(hop(json, "ecs vega-api")).containsEntry("status", "DOWN")
        .containsEntry("detail", "vega-api is not a service of cluster " + CLUSTER + " (MISSING)");
    assertThat(strings(json, "notes")).contains("not checked after ecs vega-api (DOWN): ecs vega-api deployment,"
        + " alb vega-api, ecs vega-api stopped tasks, secrets vega-api, vega-api execution role → secrets");
    assertThat(hop(json, "logs /vega/test/vega-api")).containsEntry("status", "UNKNOWN");
    assertThat(json).containsEntry("next", "check VEGA_ECS_CLUSTER and that vega-api is deployed (Terraform)");
  }

  @Test
  void databasePasswordInAStoppedReasonIsMasked() throws Exception {
    env.put("VEGA_DATABASE_URL", DoctorIT.dbUrl(pg));
    ecs.service("vega-api", 1, true);
    ecs.stoppedTask("vega-api", "Essential container in task exited: could not connect to postgresql://vega:"
        + PostgresServer.PASSWORD + "@db:5432/vega");
    Map<String, Object> json = doctor("--aws", "--services", "vega-api"); // asserts the password is not printed
    assertThat(strings(hop(json, "ecs vega-api stopped tasks"), "evidence")).singleElement().asString()
        .contains("postgresql://vega:****@db:5432/vega");
  }

  @Test
  void shadedJarReadsServicesAndStoppedTasksFromTheEmulator() throws Exception {
    ecs.service("vega-api", 1, true);
    ecs.service("vega-worker", 1, false);
    ecs.stoppedTask("vega-v16-runner", "CannotPullContainerError: image not found");
    DoctorIT.Result r = DoctorIT.doctor(env, "--aws", "--services", "vega-api,vega-worker");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("running 1/1, pending 0", "running 0/1, pending 1")
        .contains("FAILED family:vega-v16-runner: CannotPullContainerError: image not found (exit 0)")
        .contains("First failing hop: ecs vega-worker (DOWN)")
        .contains("Next: look at the events, then get the stopped task reason: aws ecs list-tasks --cluster vega-test"
            + " --service-name vega-worker --desired-status STOPPED");
  }

  // ---- doctor scan: the runner task ----

  void scan(String id, String status, String runnerTask) {
    pg.sql("DELETE FROM scans WHERE id = '" + id + "'");
    pg.sql("INSERT INTO scans (id, status, runner_task) VALUES ('" + id + "', '" + status + "', "
        + (runnerTask == null ? "NULL" : "'" + runnerTask + "'") + ")");
    env.put("VEGA_DATABASE_URL", DoctorIT.dbUrl(pg));
  }

  @Test
  void runningRunnerTaskOfARunningScanIsUp() throws Exception {
    String arn = ecs.runTask("vega-v16-runner");
    scan("scan-running", "running", arn);
    Map<String, Object> json = doctor("scan", "scan-running");
    assertThat(hop(json, "runner task")).containsEntry("status", "UP")
        .containsEntry("detail", arn.substring(arn.lastIndexOf('/') + 1) + " RUNNING (exit 0)");
    assertThat(json).containsEntry("exitCode", 0.0);
  }

  @Test
  void runnerStillRunningAfterTheScanIsDoneIsDegraded() throws Exception {
    String arn = ecs.runTask("vega-v16-runner");
    scan("scan-done-running", "done", arn);
    Map<String, Object> runner = hop(doctor("scan", "scan-done-running"), "runner task");
    assertThat(runner).containsEntry("status", "DEGRADED");
    assertThat((String) runner.get("detail")).endsWith("RUNNING (exit 0) although the scan is done");
    assertThat((String) runner.get("hint")).isEqualTo("the runner marked the scan done but its task is still RUNNING:"
        + " aws logs tail /vega/test/vega-v16-runner --since 1h");
  }

  @Test
  void failedScanWithAStoppedRunnerStopsThereWithTheReason() throws Exception {
    String arn = ecs.stoppedTask("vega-v16-runner", "CannotPullContainerError: image not found");
    scan("scan-failed", "failed", arn);
    Map<String, Object> json = doctor("scan", "scan-failed");
    assertThat(hop(json, "runner task")).containsEntry("status", "DOWN").containsEntry("detail",
        arn.substring(arn.lastIndexOf('/') + 1) + " STOPPED: CannotPullContainerError: image not found (exit 0)");
    assertThat(json).containsEntry("exitCode", 1.0).containsEntry("firstFailingHop", "runner task");
    assertThat(strings(json, "notes")).contains("the scan stopped at: runner task");
    assertThat((String) json.get("next")).startsWith("Runner task failing: read stoppedReason and"
        + " containers[0].exitCode above, then runner logs (aws logs tail /vega/test/vega-v16-runner --since 1h)");
  }

  @Test
  void runnerTaskEcsNoLongerKnows() throws Exception {
    String gone = "arn:aws:ecs:us-west-1:123456789012:task/" + CLUSTER + "/0a1b2c3d4e5f";
    scan("scan-gone-failed", "failed", gone);
    scan("scan-gone-running", "running", gone);
    Map<String, Object> failed = hop(doctor("scan", "scan-gone-failed"), "runner task");
    assertThat(failed).containsEntry("status", "DOWN")
        .containsEntry("detail", "ECS no longer knows task 0a1b2c3d4e5f (stopped tasks are kept about an hour)");
    assertThat((String) failed.get("hint")).startsWith("Runner task failing? Check runner logs");
    assertThat(hop(doctor("scan", "scan-gone-running"), "runner task")).containsEntry("status", "UNKNOWN");
  }

  @Test
  void runningRunnerWhoseHealthCheckFailsIsDegraded() throws Exception {
    WireMockServer f = fakeEcs();
    answer(f, "DescribeTasks", "{\"tasks\":[{\"taskArn\":\"arn:aws:ecs:us-west-1:123456789012:task/" + CLUSTER
        + "/r2\",\"lastStatus\":\"RUNNING\",\"healthStatus\":\"UNHEALTHY\",\"containers\":[{\"name\":"
        + "\"vega-v16-runner\",\"lastStatus\":\"RUNNING\",\"healthStatus\":\"UNHEALTHY\"}]}],\"failures\":[]}");
    scan("scan-unhealthy", "running", "arn:aws:ecs:us-west-1:123456789012:task/" + CLUSTER + "/r2");
    Map<String, Object> runner = hop(doctor("scan", "scan-unhealthy"), "runner task");
    assertThat(runner).containsEntry("status", "DEGRADED").containsEntry("detail",
        "r2 RUNNING, health UNHEALTHY (exit none)");
    assertThat((String) runner.get("hint")).startsWith("the runner task runs but its container health check says"
        + " UNHEALTHY, and ECS does not replace a RunTask task");
  }

  @ParameterizedTest
  @MethodSource("runnerExits")
  void runnerExitCodeDecidesWhileTheRowStillSaysRunning(int exit, String status) throws Exception {
    WireMockServer f = fakeEcs();
    answer(f, "DescribeTasks", "{\"tasks\":[" + task("r1", "family:vega-v16-runner",
        "Essential container in task exited", exit == 137 ? "OutOfMemoryError: Container killed" : null, exit)
        + "],\"failures\":[]}");
    scan("scan-exit", "running", "arn:aws:ecs:us-west-1:123456789012:task/" + CLUSTER + "/r1");
    Map<String, Object> runner = hop(doctor("scan", "scan-exit"), "runner task");
    assertThat(runner).containsEntry("status", status)
        .containsEntry("detail", "r1 STOPPED: Essential container in task exited (exit " + exit + ")");
    if (status.equals("DOWN")) {
      assertThat((String) runner.get("hint")).startsWith("Runner task failing").contains("out of memory or CPU");
    }
  }

  static Stream<Arguments> runnerExits() {
    return Stream.of(Arguments.of(0, "UP"), Arguments.of(1, "DOWN"), Arguments.of(137, "DOWN"));
  }

  // ---- doctor --aws: deployments ----

  @Test
  void completedDeploymentIsUp() throws Exception {
    ecs.service("vega-api", 1, true);
    Map<String, Object> d = hop(doctor("--aws", "--services", "vega-api"), "ecs vega-api deployment");
    assertThat(d).containsEntry("status", "UP").containsEntry("hint", "");
    assertThat(DoctorRun.text(d, "detail")).contains("of vega-api:1", "failed tasks 0");
  }

  /** DescribeServices: vega-api with these deployments (JSON members) and the circuit breaker on. */
  private static void deployments(WireMockServer f, String... deployments) {
    answer(f, "DescribeServices", "{\"services\":[{\"serviceName\":\"vega-api\",\"status\":\"ACTIVE\","
        + "\"desiredCount\":2,\"runningCount\":2,\"pendingCount\":0,\"taskDefinition\":\"arn:aws:ecs:us-west-1:"
        + EcsFixtures.ACCOUNT + ":task-definition/vega-api:8\",\"deploymentConfiguration\":{"
        + "\"deploymentCircuitBreaker\":{\"enable\":true,\"rollback\":true}},\"deployments\":["
        + String.join(",", deployments) + "],\"events\":[]}],\"failures\":[]}");
    stoppedTasks(f);
  }

  private static String deployment(String status, int revision, String rollout, int running, int failed) {
    return "{\"id\":\"ecs-svc/" + revision + "\",\"status\":\"" + status + "\",\"taskDefinition\":\"arn:aws:ecs:"
        + "us-west-1:" + EcsFixtures.ACCOUNT + ":task-definition/vega-api:" + revision + "\",\"desiredCount\":2,"
        + "\"runningCount\":" + running + ",\"failedTasks\":" + failed + ",\"rolloutState\":\"" + rollout + "\","
        + "\"rolloutStateReason\":\"ECS deployment ecs-svc/" + revision + " " + rollout + ".\",\"createdAt\":1795906800}";
  }

  @Test
  void failingRolloutWhileOldTasksRunIsDegradedAndNamesTheNewRevision() throws Exception {
    WireMockServer f = fakeEcs();
    deployments(f, deployment("PRIMARY", 8, "IN_PROGRESS", 0, 3), deployment("ACTIVE", 7, "COMPLETED", 2, 0));
    Map<String, Object> json = doctor("--aws", "--services", "vega-api");
    Map<String, Object> d = hop(json, "ecs vega-api deployment");
    assertThat(d).containsEntry("status", "DEGRADED");
    assertThat(DoctorRun.text(d, "detail")).isEqualTo("deployment ecs-svc/8 of vega-api:8 IN_PROGRESS, running 0/2,"
        + " failed tasks 3; older deployments still run 2 tasks (circuit breaker on, with rollback)");
    assertThat(DoctorRun.text(d, "hint")).startsWith("the vega-api rollout to vega-api:8 is failing (3 tasks failed)"
        + " while the old tasks still serve: read the stopped tasks' reasons and aws logs tail /vega/test/vega-api");
    assertThat(strings(d, "evidence")).hasSize(2);
  }

  @Test
  void failingRolloutWithNothingElseRunningIsDown() throws Exception {
    WireMockServer f = fakeEcs();
    deployments(f, deployment("PRIMARY", 8, "IN_PROGRESS", 0, 2));
    assertThat(hop(doctor("--aws", "--services", "vega-api"), "ecs vega-api deployment")).containsEntry("status", "DOWN");
  }

  @Test
  void failedDeploymentIsDownWithTheCircuitBreaker() throws Exception {
    WireMockServer f = fakeEcs();
    deployments(f, deployment("PRIMARY", 8, "FAILED", 0, 4), deployment("ACTIVE", 7, "COMPLETED", 2, 0));
    Map<String, Object> json = doctor("--aws", "--services", "vega-api");
    assertThat(hop(json, "ecs vega-api deployment")).containsEntry("status", "DOWN");
    assertThat((String) json.get("next")).isEqualTo("the vega-api deployment ecs-svc/8 failed (circuit breaker on,"
        + " with rollback): the new tasks of vega-api:8 did not become healthy; read its stopped tasks' reasons below"
        + " and aws logs tail /vega/test/vega-api --since 1h, fix the revision, then deploy again");
  }

  // ---- doctor --aws: stopped tasks of one service, every page ----

  @Test
  void stoppedTasksAreListedForTheServiceAcrossPages() throws Exception {
    WireMockServer f = fakeEcs();
    apiService(f, 1, 1);
    String list = "AmazonEC2ContainerServiceV20141113.ListTasks";
    f.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", equalTo(list))
        .withRequestBody(notContaining("nextToken")).willReturn(json("{\"taskArns\":[\"" + arn("a1") + "\",\""
            + arn("a2") + "\"],\"nextToken\":\"page-2\"}")));
    f.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", equalTo(list))
        .withRequestBody(containing("\"nextToken\":\"page-2\"")).willReturn(json("{\"taskArns\":[\"" + arn("a3")
            + "\"]}")));
    answer(f, "DescribeTasks", "{\"tasks\":[" + task("a1", "service:vega-api", "Essential container in task exited",
        null, 0) + "," + task("a2", "service:vega-api", "Essential container in task exited", null, 0) + ","
        + task("a3", "service:vega-api", "Essential container in task exited", null, 1) + "],\"failures\":[]}");
    Map<String, Object> stopped = hop(doctor("--aws", "--services", "vega-api"), "ecs vega-api stopped tasks");
    assertThat(stopped).containsEntry("detail", "3 stopped, 1 of them failed");
    f.verify(2, postRequestedFor(urlPathEqualTo("/")).withHeader("X-Amz-Target", equalTo(list))
        .withRequestBody(containing("\"serviceName\":\"vega-api\"")));
  }

  private static String arn(String id) {
    return "arn:aws:ecs:us-west-1:" + EcsFixtures.ACCOUNT + ":task/" + CLUSTER + "/" + id;
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
    return aResponse().withHeader("Content-Type", "application/x-amz-json-1.1").withBody(body);
  }

  // ---- doctor --aws: secrets the task definition references ----

  @Test
  void secretsOfTheTaskDefinitionExistMissingOrScheduledForDeletion() throws Exception {
    var sm = sdk.secrets();
    String db = sm.createSecret(b -> b.name("vega/test/db").secretString("x")).arn();
    String old = sm.createSecret(b -> b.name("vega/test/old").secretString("x")).arn();
    String missing = "arn:aws:secretsmanager:us-west-1:" + EcsFixtures.ACCOUNT + ":secret:vega/test/gone-AbCdEf";
    String ssm = "arn:aws:ssm:us-west-1:" + EcsFixtures.ACCOUNT + ":parameter/vega/test/flag";
    ecs.serviceWithSecrets("vega-api", db + ":password::", ssm);
    assertThat(hop(doctor("--aws", "--services", "vega-api"), "secrets vega-api")).containsEntry("status", "UP")
        .containsEntry("detail", "vega-api:1: 1 of 2 secrets exist");

    sm.deleteSecret(b -> b.secretId(old).recoveryWindowInDays(7L));
    ecs.serviceWithSecrets("vega-worker", db, old);
    Map<String, Object> deleted = hop(doctor("--aws", "--services", "vega-worker"), "secrets vega-worker");
    assertThat(deleted).containsEntry("status", "DOWN");
    assertThat(DoctorRun.text(deleted, "hint")).startsWith("Missing secret: " + old + ", referenced by the vega-worker"
        + " task definition, is scheduled for deletion on ").contains("aws secretsmanager restore-secret");

    ecs.serviceWithSecrets("vega-llm-proxy", missing);
    Map<String, Object> json = doctor("--aws", "--services", "vega-llm-proxy");
    assertThat(hop(json, "secrets vega-llm-proxy")).containsEntry("status", "DOWN")
        .containsEntry("detail", "vega-llm-proxy:1: secret " + missing + " does not exist");
    assertThat((String) json.get("next")).isEqualTo("Missing secret: " + missing + ", referenced by the vega-llm-proxy"
        + " task definition, does not exist in Secrets Manager: create it, or fix valueFrom in the task definition"
        + " (Terraform)");
  }

  // ---- doctor scan: sidecars, the trace, the runner's own stream ----

  @Test
  void sidecarExitingNonZeroDoesNotFailAGoodRunner() throws Exception {
    String arn = ecs.runTask("vega-v16-runner");
    String td = ecs.ecs.describeTasks(b -> b.cluster(CLUSTER).tasks(arn)).tasks().get(0).taskDefinitionArn();
    WireMockServer f = fakeEcs();
    answer(f, "DescribeTaskDefinition", "{\"taskDefinition\":{\"taskDefinitionArn\":\"" + td + "\",\"family\":"
        + "\"vega-v16-runner\",\"revision\":1,\"status\":\"ACTIVE\",\"containerDefinitions\":["
        + "{\"name\":\"vega-v16-runner\",\"essential\":true},{\"name\":\"aws-otel-collector\",\"essential\":false}]}}");
    answer(f, "DescribeTasks", "{\"tasks\":[{\"taskArn\":\"" + arn + "\",\"taskDefinitionArn\":\"" + td + "\","
        + "\"lastStatus\":\"STOPPED\",\"stoppedReason\":\"Essential container in task exited\",\"containers\":["
        + "{\"name\":\"vega-v16-runner\",\"lastStatus\":\"STOPPED\",\"exitCode\":0},"
        + "{\"name\":\"aws-otel-collector\",\"lastStatus\":\"STOPPED\",\"exitCode\":1}]}],\"failures\":[]}");
    scan("scan-sidecar", "done", arn);
    Map<String, Object> runner = hop(doctor("scan", "scan-sidecar"), "runner task");
    assertThat(runner).containsEntry("status", "UP");
    assertThat(strings(runner, "evidence")).contains(
        "container aws-otel-collector: STOPPED, exit 1 (essential=false: does not decide the task)");
    // the same exit on an essential container fails the task
    answer(f, "DescribeTaskDefinition", "{\"taskDefinition\":{\"taskDefinitionArn\":\"" + td + "\",\"family\":"
        + "\"vega-v16-runner\",\"revision\":1,\"status\":\"ACTIVE\",\"containerDefinitions\":["
        + "{\"name\":\"vega-v16-runner\",\"essential\":true},{\"name\":\"aws-otel-collector\",\"essential\":true}]}}");
    assertThat(hop(doctor("scan", "scan-sidecar"), "runner task")).containsEntry("status", "DOWN");
  }

  @Test
  void scanPrintsItsTraceIdAndTheLogsInsightsQuery() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String arn = ecs.runTask("vega-v16-runner", "00-" + traceId + "-00f067aa0ba902b7-01");
    scan("scan-traced", "running", arn);
    Map<String, Object> trace = hop(doctor("scan", "scan-traced"), "trace");
    assertThat(trace).containsEntry("status", "UP").containsEntry("detail",
        "trace " + traceId + " (TRACEPARENT of the runner task)");
    assertThat(strings(trace, "evidence")).contains("fields @timestamp, @log, @message | filter trace_id = \""
        + traceId + "\" or `vega.scan.id` = \"scan-traced\" | sort @timestamp asc | limit 500");
    assertThat(strings(trace, "evidence").get(0)).contains("/vega/test/vega-api", "/vega/test/vega-worker",
        "/vega/test/vega-v16-runner", "/vega/test/vega-llm-proxy");

    String untraced = ecs.runTask("vega-v16-runner");
    scan("scan-untraced", "running", untraced);
    Map<String, Object> none = hop(doctor("scan", "scan-untraced"), "trace");
    assertThat(none).containsEntry("status", "UNKNOWN");
    assertThat(strings(none, "evidence")).contains("fields @timestamp, @log, @message | filter `vega.scan.id` ="
        + " \"scan-untraced\" | sort @timestamp asc | limit 500");
  }

  @Test
  void runnerTasksOwnStreamIsReadForTheRunbooksPatterns() throws Exception {
    String arn = ecs.runTaskLogging("vega-v16-runner", "/vega/test/vega-v16-runner", "ecs");
    String id = arn.substring(arn.lastIndexOf('/') + 1);
    String stream = "ecs/vega-v16-runner/" + id;
    var logs = sdk.logs();
    logs.createLogGroup(b -> b.logGroupName("/vega/test/vega-v16-runner"));
    logs.createLogStream(b -> b.logGroupName("/vega/test/vega-v16-runner").logStreamName(stream));
    long now = System.currentTimeMillis();
    logs.putLogEvents(b -> b.logGroupName("/vega/test/vega-v16-runner").logStreamName(stream).logEvents(
        e -> e.timestamp(now - 3000).message("downloading source"),
        e -> e.timestamp(now - 2000).message("scan-logs failed: finding_upsert failed: column \"severity\" does not exist"),
        e -> e.timestamp(now - 1000).message("bye")));
    scan("scan-logs", "failed", arn);
    Map<String, Object> h = hop(doctor("scan", "scan-logs"), "logs " + stream);
    assertThat(h).containsEntry("status", "DEGRADED")
        .containsEntry("detail", "1 lines of the task's 3 newest lines match the runbook: 1 finding_upsert")
        .containsEntry("hint", "follow them live: aws logs tail /vega/test/vega-v16-runner --log-stream-names "
            + stream + " --since 1h --follow");
    assertThat(strings(h, "evidence")).singleElement().asString().contains("[finding_upsert] scan-logs failed");
  }

  // ---- running the doctor ----

  Map<String, Object> doctor(String... args) throws Exception {
    return DoctorRun.json(env, args);
  }

  static List<String> strings(Map<String, Object> json, String field) {
    return DoctorRun.strings(json, field);
  }

  static Map<String, Object> hop(Map<String, Object> json, String name) {
    return DoctorRun.hop(json, name);
  }
}

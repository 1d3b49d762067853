package com.example.vega.health.agent.doctor;

import static com.example.vega.health.agent.doctor.EcsFixtures.CLUSTER;
import static com.example.vega.health.agent.doctor.EcsFixtures.answer;
import static com.example.vega.health.agent.doctor.EcsFixtures.stoppedTasks;
import static com.example.vega.health.agent.doctor.EcsFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.agent.AwsSdk;
import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.testing.PostgresServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
  MotoServer moto;
  Map<String, String> env;
  EcsFixtures.Moto ecs;
  AwsSdk sdk;
  WireMockServer fake;

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
    moto = MotoServer.shared();
    moto.reset();
    env = DoctorIT.aws(moto);
    env.put("VEGA_ENVIRONMENT", "test");
    env.put("VEGA_ECS_CLUSTER", CLUSTER);
    sdk = new AwsSdk(env::get);
    ecs = new EcsFixtures.Moto(sdk.ecs(), moto);
  }

  @AfterEach
  void close() throws Exception {
    ecs.close();
    sdk.close();
    if (fake != null) {
      fake.stop();
    }
  }

  /** ECS from WireMock from now on; the rest (logs) stays on moto. */
  WireMockServer fakeEcs() {
    fake = EcsFixtures.fakeEcs();
    env.put("AWS_ENDPOINT_URL_ECS", fake.baseUrl());
    return fake;
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
        + desired + ",\"runningCount\":" + running + ",\"pendingCount\":" + (desired - running) + ",\"events\":["
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
        Arguments.of("Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-west-1:"
            + "123456789012:targetgroup/vega-api/0123456789abcdef)",
            "ECS replaced the task after failed container health checks"));
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
    answer(f, "DescribeServices", "{\"services\":[],\"failures\":[{\"arn\":\"x\",\"reason\":\"MISSING\"}]}");
    stoppedTasks(f, task("t4", "service:vega-api", "Essential container in task exited", null, 1));
    Map<String, Object> json = doctor("--aws", "--services", "vega-api");
    assertThat(hop(json, "ecs vega-api")).containsEntry("status", "DOWN")
        .containsEntry("detail", "vega-api is not a service of cluster " + CLUSTER + " (MISSING)");
    assertThat(hop(json, "ecs vega-api stopped tasks")).containsEntry("hint", "Container failed to start: check CloudWatch"
        + " logs for startup errors (aws logs tail /vega/test/vega-api --since 1h)");
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

  // ---- running the doctor ----

  /** {@code doctor <args> --json} in-process with {@link #env}: the report, checked for leaks. */
  Map<String, Object> doctor(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--json");
    int code = Doctor.main(all.toArray(String[]::new), InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env::get, false);
    String o = out.toString(StandardCharsets.UTF_8);
    String e = err.toString(StandardCharsets.UTF_8);
    assertThat(e).as(o).isEmpty();
    assertThat(o).doesNotContain(PostgresServer.PASSWORD);
    Map<String, Object> json = JsonBody.parseObject(o);
    assertThat(json).containsEntry("exitCode", (double) code);
    return json;
  }

  @SuppressWarnings("unchecked")
  static List<String> strings(Map<String, Object> json, String field) {
    return (List<String>) json.get(field);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> hop(Map<String, Object> json, String name) {
    for (Object h : (List<?>) json.get("hops")) {
      Map<String, Object> m = (Map<String, Object>) h;
      if (name.equals(m.get("name"))) {
        return m;
      }
    }
    throw new AssertionError("no hop " + name + " in " + json.get("hops"));
  }
}

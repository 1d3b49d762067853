package com.example.vega.health.agent.doctor;

import static com.example.vega.health.agent.doctor.DoctorRun.hop;
import static com.example.vega.health.agent.doctor.DoctorRun.strings;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.agent.AwsSdk;
import com.example.vega.health.testing.MotoServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;

/**
 * Rights of the right principal: the task roles' own policies simulated for exactly what each
 * needs (ECS task definitions and S3 in moto_server; IAM SimulatePrincipalPolicy from WireMock, which
 * moto does not implement), and the doctor's own calls naming the credentials they ran as (STS
 * GetCallerIdentity in moto).
 */
class DoctorRightsIT {
  static final String RUNNER_ROLE = "arn:aws:iam::123456789012:role/vega-test-runner";
  static final String RUNNER_EXEC = "arn:aws:iam::123456789012:role/vega-test-runner-exec";
  static final String WORKER_ROLE = "arn:aws:iam::123456789012:role/vega-test-worker";
  static final String API_ROLE = "arn:aws:iam::123456789012:role/vega-test-api";
  static final String CALLER = "rights tested: the credentials in use, arn:aws:sts::123456789012:user/moto (not a task role's)";
  EcsFixtures.Scene aws;
  Map<String, String> env;
  AwsSdk sdk;

  @BeforeEach
  void emulator() throws Exception {
    aws = new EcsFixtures.Scene();
    env = aws.env;
    sdk = aws.sdk;
    env.put("VEGA_S3_SOURCE_BUCKET", "vega-test-source");
    env.put("VEGA_S3_ARTIFACTS_BUCKET", "vega-test-artifacts");
    env.put("VEGA_WORKER_TASK_ROLE_ARN", WORKER_ROLE);
    sdk.ecs().registerTaskDefinition(b -> b.family("vega-v16-runner").taskRoleArn(RUNNER_ROLE)
        .executionRoleArn(RUNNER_EXEC).requiresCompatibilities(Compatibility.FARGATE).networkMode(NetworkMode.AWSVPC)
        .cpu("256").memory("512").containerDefinitions(c -> c.name("vega-v16-runner").image("runner:v9")
            .essential(true).memory(512)));
  }

  @AfterEach
  void close() throws Exception {
    aws.close();
  }

  /** IAM allows every simulated action except {@code deniedAction}, per action name in the request. */
  WireMockServer iam(String deniedAction) {
    WireMockServer iam = aws.fake("IAM");
    for (String action : new String[] {"s3:GetObject", "s3:PutObject", "ecs:RunTask", "iam:PassRole",
        "sqs:SendMessage", "ecs:StopTask"}) {
      String resource = switch (action) {
        case "s3:GetObject" -> "arn:aws:s3:::vega-test-source/*";
        case "s3:PutObject" -> "arn:aws:s3:::vega-test-artifacts/*";
        case "ecs:RunTask" -> "arn:aws:ecs:us-west-1:123456789012:task-definition/vega-v16-runner:1";
        case "sqs:SendMessage" -> "arn:aws:sqs:us-west-1:123456789012:vega-test-scans";
        case "ecs:StopTask" -> "*";
        default -> RUNNER_ROLE;
      };
      String decision = action.equals(deniedAction) ? "implicitDeny" : "allowed";
      StringBuilder members = new StringBuilder(member(action, resource, decision));
      if (action.equals("iam:PassRole")) {
        members.append(member(action, RUNNER_EXEC, decision));
      }
      if (action.equals("ecs:StopTask")) {
        // ecs-runtask simulates StopTask and DescribeTasks in one request.
        members.append(member("ecs:DescribeTasks", resource, decision));
      }
      iam.stubFor(post(urlPathEqualTo("/")).withRequestBody(containing("Action=SimulatePrincipalPolicy"))
          .withRequestBody(containing("ActionNames.member.1=" + action.replace(":", "%3A")))
          .willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody(
              "<SimulatePrincipalPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
                  + "<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>" + members
                  + "</EvaluationResults></SimulatePrincipalPolicyResult>"
                  + "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>")));
    }
    return iam;
  }

  private static String member(String action, String resource, String decision) {
    return "<member><EvalActionName>" + action + "</EvalActionName><EvalResourceName>" + resource
        + "</EvalResourceName><EvalDecision>" + decision + "</EvalDecision><MatchedStatements/>"
        + "<MissingContextValues/></member>";
  }

  @Test
  void runnerRoleWithoutPutObjectOnTheArtifactsBucketIsDownWhateverTheDoctorMayDo() throws Exception {
    WireMockServer iam = iam("s3:PutObject");
    Map<String, Object> json = DoctorRun.json(env, "--aws", "--services", "vega-api", "--sqs-sample", "1ms");
    Map<String, Object> h = hop(json, "vega-v16-runner task role → s3");
    assertThat(h).containsEntry("status", "DOWN").containsEntry("detail",
        "role vega-test-runner may not s3:PutObject on arn:aws:s3:::vega-test-artifacts/*");
    assertThat(DoctorRun.text(h, "hint")).startsWith("the task role " + RUNNER_ROLE + " may not s3:PutObject");
    assertThat(strings(h, "evidence")).containsExactly(
        "rights tested: task role " + RUNNER_ROLE + " (iam:SimulatePrincipalPolicy, by "
            + "arn:aws:sts::123456789012:user/moto)",
        "s3:GetObject on arn:aws:s3:::vega-test-source/*: allowed",
        "s3:PutObject on arn:aws:s3:::vega-test-artifacts/*: implicitDeny");
    // The runner's role, from its task definition, was simulated: not the doctor's credentials.
    iam.verify(postRequestedFor(urlPathEqualTo("/"))
        .withRequestBody(containing("PolicySourceArn=" + RUNNER_ROLE.replace(":", "%3A").replace("/", "%2F"))));
  }

  @Test
  void workerRoleMayRunTheRunnerAndPassBothItsRoles() throws Exception {
    iam("none");
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--services", "vega-api", "--sqs-sample", "1ms"),
        "vega-worker task role → ecs");
    assertThat(h).containsEntry("status", "UP")
        .containsEntry("detail", "role vega-test-worker may ecs:RunTask, iam:PassRole");
    assertThat(strings(h, "evidence")).contains(
        "ecs:RunTask on arn:aws:ecs:us-west-1:123456789012:task-definition/vega-v16-runner:1: allowed",
        "iam:PassRole on " + RUNNER_ROLE + ": allowed", "iam:PassRole on " + RUNNER_EXEC + ": allowed");
  }

  @Test
  void workerRoleThatMayNotPassTheRunnersRolesIsDown() throws Exception {
    iam("iam:PassRole");
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--services", "vega-api", "--sqs-sample", "1ms"),
        "vega-worker task role → ecs");
    assertThat(h).containsEntry("status", "DOWN").containsEntry("detail", "role vega-test-worker may not iam:PassRole on "
        + RUNNER_ROLE + ", iam:PassRole on " + RUNNER_EXEC);
  }

  @Test
  void roleThatCannotBeSimulatedIsUnknownNeverUp() throws Exception {
    // moto_server has no SimulatePrincipalPolicy: the simulation fails, which is no evidence.
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--services", "vega-api", "--sqs-sample", "1ms"),
        "vega-v16-runner task role → s3");
    assertThat(h).containsEntry("status", "UNKNOWN");
    assertThat(DoctorRun.text(h, "detail")).startsWith("no evidence for role vega-test-runner: ");
    assertThat(DoctorRun.text(h, "hint")).startsWith("no evidence for the task role " + RUNNER_ROLE
        + ": give the doctor iam:SimulatePrincipalPolicy on it");
    assertThat(strings(h, "evidence").get(0)).startsWith("rights not tested: task role " + RUNNER_ROLE
        + " (iam:SimulatePrincipalPolicy, by arn:aws:sts::123456789012:user/moto, could not be done: ");
  }

  @Test
  void roleChecksRunAsTheDoctorSayWhoseRightsTheyTested() throws Exception {
    for (String bucket : new String[] {"vega-test-artifacts", "vega-test-source"}) {
      sdk.s3().createBucket(b -> b.bucket(bucket).createBucketConfiguration(c -> c.locationConstraint(MotoServer.REGION)));
    }
    env.put("VEGA_FILE_STORAGE_BACKEND", "s3");
    Map<String, Object> h = hop(DoctorRun.json(env, "--role", "api"), "vega-api → s3");
    assertThat(h).containsEntry("status", "UP");
    assertThat(strings(h, "evidence")).containsExactly(
        "rights tested: the credentials in use, arn:aws:sts::123456789012:user/moto (not a task role's)");
  }

  /** The scan queue in moto, its URL in VEGA_SQS_QUEUE_URL, and the api's task role named. */
  void apiScene() {
    env.put("VEGA_SQS_QUEUE_URL", sdk.sqs().createQueue(b -> b.queueName("vega-test-scans")).queueUrl());
    env.put("VEGA_API_TASK_ROLE_ARN", API_ROLE);
  }

  @Test
  void apiRoleWithoutSendMessageOnTheScanQueueIsDownAsThatRole() throws Exception {
    apiScene();
    WireMockServer iam = iam("sqs:SendMessage");
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--services", "vega-api", "--sqs-sample", "1ms"),
        "vega-api task role → s3, sqs");
    assertThat(h).containsEntry("status", "DOWN").containsEntry("detail",
        "role vega-test-api may not sqs:SendMessage on arn:aws:sqs:us-west-1:123456789012:vega-test-scans");
    assertThat(strings(h, "evidence")).containsExactly(
        "rights tested: task role " + API_ROLE + " (iam:SimulatePrincipalPolicy, by arn:aws:sts::123456789012:user/moto)",
        "s3:PutObject on arn:aws:s3:::vega-test-source/*: allowed",
        "sqs:SendMessage on arn:aws:sqs:us-west-1:123456789012:vega-test-scans: implicitDeny");
    iam.verify(postRequestedFor(urlPathEqualTo("/"))
        .withRequestBody(containing("PolicySourceArn=" + API_ROLE.replace(":", "%3A").replace("/", "%2F")))
        .withRequestBody(containing("ActionNames.member.1=sqs%3ASendMessage")));
  }

  @Test
  void apiRoleMayUploadSourcesAndSubmitScans() throws Exception {
    apiScene();
    iam("none");
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--services", "vega-api", "--sqs-sample", "1ms"),
        "vega-api task role → s3, sqs");
    assertThat(h).containsEntry("status", "UP")
        .containsEntry("detail", "role vega-test-api may s3:PutObject, sqs:SendMessage");
  }

  @Test
  void apiRoleThatCannotBeSimulatedIsUnknownNeverUp() throws Exception {
    apiScene();
    // moto_server has no SimulatePrincipalPolicy: no evidence, whatever the doctor itself may do.
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--services", "vega-api", "--sqs-sample", "1ms"),
        "vega-api task role → s3, sqs");
    assertThat(h).containsEntry("status", "UNKNOWN");
    assertThat(DoctorRun.text(h, "detail")).startsWith("no evidence for role vega-test-api: ");
  }

  @Test
  void apiRoleIsReadFromTheApiServicesTaskDefinitionWhenNotSet() throws Exception {
    apiScene();
    env.remove("VEGA_API_TASK_ROLE_ARN");
    sdk.ecs().registerTaskDefinition(b -> b.family("vega-api").taskRoleArn(API_ROLE)
        .requiresCompatibilities(Compatibility.FARGATE).networkMode(NetworkMode.AWSVPC).cpu("256").memory("512")
        .containerDefinitions(c -> c.name("vega-api").image("api:v9").essential(true).memory(512)));
    sdk.ecs().createService(b -> b.cluster(EcsFixtures.CLUSTER).serviceName("vega-api").taskDefinition("vega-api")
        .desiredCount(0).launchType(LaunchType.FARGATE));
    WireMockServer iam = iam("none");
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--services", "vega-api", "--sqs-sample", "1ms"),
        "vega-api task role → s3, sqs");
    assertThat(h).containsEntry("status", "UP");
    iam.verify(postRequestedFor(urlPathEqualTo("/"))
        .withRequestBody(containing("PolicySourceArn=" + API_ROLE.replace(":", "%3A").replace("/", "%2F"))));
  }

  /** The worker's settings for ecs-runtask in {@code doctor --role worker}. */
  void workerEcsMode() {
    env.put("VEGA_SCAN_WORKER_EXECUTION_MODE", "ecs");
    env.put("VEGA_RUNNER_TASK_DEFINITION", "vega-v16-runner");
  }

  @Test
  void ecsRunTaskCheckNamesTheSimulatedWorkerRoleAndTheCaller() throws Exception {
    workerEcsMode();
    iam("none");
    Map<String, Object> h = hop(DoctorRun.json(env, "--role", "worker"), "vega-worker → ecs-runtask");
    assertThat(h).containsEntry("status", "UP");
    assertThat(DoctorRun.text(h, "detail")).endsWith("allowed (IAM simulation)");
    assertThat(strings(h, "evidence")).containsExactly(
        "rights tested: as " + WORKER_ROLE + " (simulated)", CALLER);
  }

  @Test
  void ecsRunTaskCheckWhoseSimulationIsDeniedIsUnknownAndTestedNothingOfTheWorkerRole() throws Exception {
    workerEcsMode();
    aws.fake("IAM").stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "text/xml")
        .withBody("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized"
            + " to perform: iam:SimulatePrincipalPolicy</Message></Error><RequestId>1</RequestId></ErrorResponse>")));
    Map<String, Object> h = hop(DoctorRun.json(env, "--role", "worker"), "vega-worker → ecs-runtask");
    assertThat(h).containsEntry("status", "UNKNOWN");
    // moto answers the StopTask probe with a 500: still UNKNOWN, the probe's failure added.
    assertThat(DoctorRun.text(h, "detail"))
        .contains("not verified: iam:SimulatePrincipalPolicy is denied to the worker task role");
    assertThat(strings(h, "evidence")).containsExactly(
        "rights not tested: " + WORKER_ROLE + " (its IAM policy simulation could not be done)", CALLER);
  }

  @Test
  void ecsRunTaskCheckWithoutTheWorkerRoleNamesOnlyTheCaller() throws Exception {
    workerEcsMode();
    env.remove("VEGA_WORKER_TASK_ROLE_ARN");
    Map<String, Object> h = hop(DoctorRun.json(env, "--role", "worker"), "vega-worker → ecs-runtask");
    assertThat(strings(h, "evidence")).containsExactly(CALLER);
  }

  @Test
  void frontendBucketDeniedToTheDoctorSaysWhoseRightsWereDenied() throws Exception {
    WireMockServer s3 = aws.fake("S3");
    s3.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/xml")
        .withBody("<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>")));
    env.put("VEGA_S3_FRONTEND_BUCKET", "vega-test-frontend");
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--services", "vega-api", "--sqs-sample", "1ms"),
        "s3 frontend vega-test-frontend");
    assertThat(h).containsEntry("status", "DOWN").containsEntry("detail", "s3:GetObject was denied");
    assertThat(strings(h, "evidence")).containsExactly(CALLER);
  }

  @Test
  void secretDeniedToTheDoctorSaysWhoseRightsWereDenied() throws Exception {
    String secret = "arn:aws:secretsmanager:us-west-1:123456789012:secret:vega/test/db-AbCdEf";
    aws.ecs.serviceWithSecrets("vega-api", secret);
    WireMockServer sm = aws.fake("SECRETS_MANAGER");
    sm.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/x-amz-json-1.1")
        .withBody("{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized\"}")));
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--services", "vega-api", "--sqs-sample", "1ms"),
        "secrets vega-api");
    assertThat(h).containsEntry("status", "DOWN");
    assertThat(strings(h, "evidence")).contains(CALLER);
  }
}

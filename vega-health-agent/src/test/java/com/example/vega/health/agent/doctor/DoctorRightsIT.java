package com.example.vega.health.agent.doctor;

import static com.example.vega.health.agent.doctor.DoctorRun.hop;
import static com.example.vega.health.agent.doctor.DoctorRun.strings;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
    for (String action : new String[] {"s3:GetObject", "s3:PutObject", "ecs:RunTask", "iam:PassRole"}) {
      String resource = switch (action) {
        case "s3:GetObject" -> "arn:aws:s3:::vega-test-source/*";
        case "s3:PutObject" -> "arn:aws:s3:::vega-test-artifacts/*";
        case "ecs:RunTask" -> "arn:aws:ecs:us-west-1:123456789012:task-definition/vega-v16-runner:1";
        default -> RUNNER_ROLE;
      };
      String decision = action.equals(deniedAction) ? "implicitDeny" : "allowed";
      StringBuilder members = new StringBuilder(member(action, resource, decision));
      if (action.equals("iam:PassRole")) {
        members.append(member(action, RUNNER_EXEC, decision));
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
}

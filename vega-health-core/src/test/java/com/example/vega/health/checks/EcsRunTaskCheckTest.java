package com.example.vega.health.checks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import com.example.vega.health.testing.MotoServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.iam.IamClient;

class EcsRunTaskCheckTest {
  static final String WORKER_ROLE = "arn:aws:iam::123456789012:role/vega-dev-worker-task";
  static final String RUNNER_ROLE = "arn:aws:iam::123456789012:role/vega-dev-runner-task";
  private EcsClient ecs;
  private WireMockServer iamServer;
  private IamClient iam;

  @BeforeEach
  void reset() {
    MotoServer.shared().reset();
    ecs = AwsClients.moto().ecs();
    // moto does not implement iam:SimulatePrincipalPolicy; WireMock answers it.
    iamServer = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    iamServer.start();
    iam = AwsClients.at(URI.create(iamServer.baseUrl())).iam();
  }

  @AfterEach
  void stop() {
    iamServer.stop();
  }

  private static CheckResult run(EcsRunTaskCheck check) {
    return check.check(CheckContext.of(Duration.ofSeconds(5)));
  }

  private void registerRunner() {
    ecs.registerTaskDefinition(t -> t.family("vega-v16-runner").taskRoleArn(RUNNER_ROLE)
        .containerDefinitions(c -> c.name("runner").image("vega/runner:1").memory(512)));
  }

  /**
   * IAM (WireMock: moto has no policy simulation) answers one simulation: {@code decision} for each
   * action in the call that names {@code firstAction}. Shared with FaultMatrixIT.
   */
  static void simulation(WireMockServer iamServer, String firstAction, String decision, String... actions) {
    StringBuilder members = new StringBuilder();
    for (String a : actions) {
      members.append("<member><EvalActionName>").append(a).append("</EvalActionName>")
          .append("<EvalResourceName>*</EvalResourceName><EvalDecision>").append(decision)
          .append("</EvalDecision><MatchedStatements/><MissingContextValues/></member>");
    }
    iamServer.stubFor(post(urlPathEqualTo("/"))
        .withRequestBody(containing("ActionNames.member.1=" + firstAction.replace(":", "%3A")))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
            .withBody("<SimulatePrincipalPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
                + "<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>"
                + members + "</EvaluationResults></SimulatePrincipalPolicyResult>"
                + "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>")));
  }

  private void allowAll() {
    simulation(iamServer, "ecs:RunTask", "allowed", "ecs:RunTask");
    simulation(iamServer, "ecs:StopTask", "allowed", "ecs:StopTask", "ecs:DescribeTasks");
    simulation(iamServer, "iam:PassRole", "allowed", "iam:PassRole");
  }

  @Test
  void missingClusterThenMissingTaskDefinitionThenUpOnceBothExistAndSimulationAllows() {
    allowAll();
    EcsRunTaskCheck check = EcsRunTaskCheck.builder(ecs, "vega-dev", "vega-v16-runner")
        .simulateWith(iam, WORKER_ROLE).build();

    CheckResult noCluster = run(check);
    assertThat(noCluster.status()).isEqualTo(Status.DOWN);
    assertThat(noCluster.errorKind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(noCluster.message()).isEqualTo("cluster vega-dev does not exist");
    assertThat(noCluster.hint()).isEqualTo("check VEGA_ECS_CLUSTER in the vega-worker task definition "
        + "(aws ecs describe-clusters --region us-west-1 --clusters vega-dev)");

    ecs.createCluster(c -> c.clusterName("vega-dev"));
    CheckResult noTd = run(check);
    assertThat(noTd.status()).isEqualTo(Status.DOWN);
    assertThat(noTd.errorKind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(noTd.message()).isEqualTo("runner task definition vega-v16-runner does not exist");

    registerRunner();
    CheckResult ok = run(check);
    assertThat(ok.status()).isEqualTo(Status.UP);
    assertThat(ok.message()).isEqualTo("cluster vega-dev ACTIVE, runner task definition vega-v16-runner:1 "
        + "ACTIVE; ecs:RunTask, ecs:StopTask, ecs:DescribeTasks, iam:PassRole allowed (IAM simulation)");
    assertThat(ok.observation("permissionsSimulated").value()).isEqualTo(4);
    // PassRole was simulated on the runner's task role, read from its task definition.
    iamServer.verify(postRequestedFor(urlPathEqualTo("/")).withRequestBody(containing("iam%3APassRole"))
        .withRequestBody(containing("vega-dev-runner-task")));
  }

  @Test
  void deregisteredTaskDefinitionIsInactive() {
    ecs.createCluster(c -> c.clusterName("vega-dev"));
    registerRunner();
    ecs.deregisterTaskDefinition(d -> d.taskDefinition("vega-v16-runner:1"));
    CheckResult r = run(EcsRunTaskCheck.builder(ecs, "vega-dev", "vega-v16-runner:1").build());
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.INACTIVE);
    assertThat(r.message()).isEqualTo("runner task definition vega-v16-runner:1 is INACTIVE");
    assertThat(r.hint()).contains("point VEGA_RUNNER_TASK_DEFINITION at an ACTIVE revision of vega-v16-runner");
  }

  @Test
  void eachPermissionTheSimulationDeniesIsNamed() {
    simulation(iamServer, "ecs:RunTask", "implicitDeny", "ecs:RunTask");
    simulation(iamServer, "ecs:StopTask", "allowed", "ecs:StopTask", "ecs:DescribeTasks");
    simulation(iamServer, "iam:PassRole", "explicitDeny", "iam:PassRole");
    ecs.createCluster(c -> c.clusterName("vega-dev"));
    registerRunner();
    CheckResult r = run(EcsRunTaskCheck.builder(ecs, "vega-dev", "vega-v16-runner")
        .simulateWith(iam, WORKER_ROLE).build());
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.ACCESS_DENIED);
    assertThat(r.message()).isEqualTo("the worker task role lacks ecs:RunTask, iam:PassRole "
        + "(cluster vega-dev ACTIVE, runner task definition vega-v16-runner:1 ACTIVE)");
    assertThat(r.hint()).isEqualTo("the worker task role needs ecs:RunTask, ecs:StopTask, ecs:DescribeTasks "
        + "and iam:PassRole on " + RUNNER_ROLE + "; missing ecs:RunTask, iam:PassRole: check the IAM policy "
        + "on the worker task role");
    assertThat(r.observation("permissionsDenied").value()).isEqualTo(2);
  }

  /**
   * ECS as WireMock answers it: cluster and task definition ACTIVE, DescribeTasks of an unknown
   * task MISSING, and StopTask of an unknown task as given. (moto 5.2.1 answers StopTask on an
   * unknown task with a 500, where ECS answers InvalidParameterException, so the probes are tested
   * here.)
   */
  private static WireMockServer fakeEcs(int stopStatus, String stopBody) {
    WireMockServer ecsServer = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    ecsServer.start();
    String json = "application/x-amz-json-1.1";
    ecsServer.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", containing("DescribeClusters"))
        .willReturn(aResponse().withHeader("Content-Type", json)
            .withBody("{\"clusters\":[{\"clusterName\":\"vega-dev\",\"status\":\"ACTIVE\"}],\"failures\":[]}")));
    ecsServer.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", containing("DescribeTaskDefinition"))
        .willReturn(aResponse().withHeader("Content-Type", json)
            .withBody("{\"taskDefinition\":{\"family\":\"vega-v16-runner\",\"revision\":3,\"status\":\"ACTIVE\","
                + "\"taskRoleArn\":\"" + RUNNER_ROLE + "\","
                + "\"taskDefinitionArn\":\"arn:aws:ecs:us-west-1:123456789012:task-definition/vega-v16-runner:3\"}}")));
    ecsServer.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", containing("DescribeTasks"))
        .willReturn(aResponse().withHeader("Content-Type", json)
            .withBody("{\"tasks\":[],\"failures\":[{\"arn\":\"x\",\"reason\":\"MISSING\"}]}")));
    ecsServer.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", containing("StopTask"))
        .willReturn(aResponse().withStatus(stopStatus).withHeader("Content-Type", json).withBody(stopBody)));
    return ecsServer;
  }

  private static final String STOP_NOT_FOUND =
      "{\"__type\":\"InvalidParameterException\",\"message\":\"The referenced task was not found.\"}";

  @Test
  void withoutSimulationTheProbesProveWhatTheyCanAndTheRestIsUnknownNeverUp() {
    WireMockServer ecsServer = fakeEcs(400, STOP_NOT_FOUND);
    try {
      EcsClient probed = AwsClients.at(URI.create(ecsServer.baseUrl())).ecs();
      CheckResult r = run(EcsRunTaskCheck.builder(probed, "vega-dev", "vega-v16-runner").build());
      assertThat(r.status()).isEqualTo(Status.UNKNOWN);
      assertThat(r.errorKind()).isEqualTo(ErrorKind.NO_EVIDENCE);
      assertThat(r.message()).isEqualTo("cluster vega-dev ACTIVE, runner task definition vega-v16-runner:3 ACTIVE; "
          + "ecs:RunTask, iam:PassRole not verified: no IAM simulation (set VEGA_WORKER_TASK_ROLE_ARN and "
          + "allow iam:SimulatePrincipalPolicy on it)");
      assertThat(r.hint()).as("neutral: no log group unless VEGA_LOGS_HINT names one")
          .endsWith("; meanwhile look for RunTask errors in the vega-worker logs");
      assertThat(r.observation("permissionsAllowed").value()).isEqualTo(2);
      // The probes only ever named the task that cannot exist; RunTask was never called.
      ecsServer.verify(postRequestedFor(urlPathEqualTo("/")).withHeader("X-Amz-Target", containing("StopTask"))
          .withRequestBody(containing(RunTaskPermissions.NO_SUCH_TASK)));
      ecsServer.verify(0, postRequestedFor(urlPathEqualTo("/")).withHeader("X-Amz-Target", containing("RunTask")));
    } finally {
      ecsServer.stop();
    }
  }

  @Test
  void deniedSimulationFallsBackToProbesAndSaysWhy() {
    iamServer.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "text/xml")
        .withBody("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message>"
            + "</Error><RequestId>1</RequestId></ErrorResponse>")));
    WireMockServer ecsServer = fakeEcs(400, STOP_NOT_FOUND);
    try {
      EcsClient probed = AwsClients.at(URI.create(ecsServer.baseUrl())).ecs();
      CheckResult r = run(EcsRunTaskCheck.builder(probed, "vega-dev", "vega-v16-runner")
          .simulateWith(iam, WORKER_ROLE).build());
      assertThat(r.status()).isEqualTo(Status.UNKNOWN);
      assertThat(r.message()).endsWith("ecs:RunTask, iam:PassRole not verified: "
          + "iam:SimulatePrincipalPolicy is denied to the worker task role");
      // The probes' verdicts are not the simulation's: none of the four came from it.
      assertThat(r.observation("permissionsSimulated").value()).isEqualTo(0);
    } finally {
      ecsServer.stop();
    }
  }

  @Test
  void deniedSimulationWithAProbeAnswering500IsUnknownNotDegraded() {
    iamServer.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "text/xml")
        .withBody("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message>"
            + "</Error><RequestId>1</RequestId></ErrorResponse>")));
    WireMockServer ecsServer = fakeEcs(500, "{\"__type\":\"ServerException\",\"message\":\"boom\"}");
    try {
      EcsClient probed = AwsClients.at(URI.create(ecsServer.baseUrl())).ecs();
      CheckResult r = run(EcsRunTaskCheck.builder(probed, "vega-dev", "vega-v16-runner")
          .simulateWith(iam, WORKER_ROLE).build());
      // RunTask and PassRole have no evidence without the simulation: a transient 500 cannot make that better.
      assertThat(r.status()).isEqualTo(Status.UNKNOWN);
      assertThat(r.message()).contains("not verified: iam:SimulatePrincipalPolicy is denied to the worker task role")
          .contains("; probes: ECS answered 500 to ecs:StopTask");
      assertThat(r.observation("permissionsSimulated").value()).isEqualTo(0);
    } finally {
      ecsServer.stop();
    }
  }

  @Test
  void probeDeniedByEcsNamesTheMissingPermission() {
    WireMockServer ecsServer = fakeEcs(400,
        "{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized to perform: ecs:StopTask\"}");
    try {
      EcsClient denied = AwsClients.at(URI.create(ecsServer.baseUrl())).ecs();
      CheckResult r = run(EcsRunTaskCheck.builder(denied, "vega-dev", "vega-v16-runner").build());
      assertThat(r.status()).isEqualTo(Status.DOWN);
      assertThat(r.errorKind()).isEqualTo(ErrorKind.ACCESS_DENIED);
      assertThat(r.message()).isEqualTo("the worker task role lacks ecs:StopTask "
          + "(cluster vega-dev ACTIVE, runner task definition vega-v16-runner:3 ACTIVE)");
      assertThat(r.hint()).endsWith("missing ecs:StopTask: check the IAM policy on the worker task role");
    } finally {
      ecsServer.stop();
    }
  }
}

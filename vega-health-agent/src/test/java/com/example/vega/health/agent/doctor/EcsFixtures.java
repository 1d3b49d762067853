package com.example.vega.health.agent.doctor;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.example.vega.health.agent.HostProcess;
import com.example.vega.health.agent.AwsSdk;
import com.example.vega.health.testing.MotoServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.EcsClient;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;

/**
 * ECS as the doctor meets it. {@link Moto}: real services and tasks in moto_server (RunTask,
 * StopTask with a reason; moto leaves every container's exit code at 0 and gives services no
 * events). {@link #fakeEcs()}: WireMock answering the JSON 1.1 operations for what moto cannot give
 * (exit codes, container reasons, service events).
 */
final class EcsFixtures {
  static final String CLUSTER = "vega-test";
  static final String ACCOUNT = "123456789012";
  private static final String TARGET = "AmazonEC2ContainerServiceV20141113.";

  private EcsFixtures() {}

  /**
   * One test's AWS: moto_server (shared by the JVM, reset here), the doctor's settings for it, an
   * {@link AwsSdk}, the ECS cluster, and any WireMock servers standing in for a service moto cannot
   * answer as needed. Closed after each test.
   */
  static final class Scene implements AutoCloseable {
    final MotoServer moto;
    final Map<String, String> env;
    final AwsSdk sdk;
    final Moto ecs;
    private final List<WireMockServer> fakes = new ArrayList<>();

    Scene() throws Exception {
      moto = MotoServer.shared();
      moto.reset();
      env = DoctorIT.aws(moto);
      env.put("VEGA_ENVIRONMENT", "test");
      env.put("VEGA_ECS_CLUSTER", CLUSTER);
      sdk = new AwsSdk(env::get);
      ecs = new Moto(sdk.ecs(), moto);
    }

    /** {@code service} (as in AWS_ENDPOINT_URL_<SERVICE>) from WireMock from now on; the rest stays on moto. */
    WireMockServer fake(String service) {
      WireMockServer s = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
      s.start();
      fakes.add(s);
      env.put("AWS_ENDPOINT_URL_" + service, s.baseUrl());
      return s;
    }

    @Override
    public void close() throws Exception {
      ecs.close();
      sdk.close();
      fakes.forEach(WireMockServer::stop);
    }
  }

  /** A cluster in moto, with services and Fargate tasks on moto's default subnet. */
  static final class Moto implements AutoCloseable {
    final EcsClient ecs;
    private final MotoServer moto;
    private final String subnet;

    Moto(EcsClient ecs, MotoServer moto) throws Exception {
      this.ecs = ecs;
      this.moto = moto;
      this.subnet = defaultSubnet(moto);
      // moto moves a task one step towards STOPPED at every DescribeTasks; here it stays RUNNING
      // until StopTask (1000 describes, set manually)
      motoApi(moto, "set-transition", "{\"model_name\":\"ecs::task\",\"transition\":{\"progression\":\"manual\","
          + "\"times\":1000}}");
      ecs.createCluster(b -> b.clusterName(CLUSTER));
    }

    @Override
    public void close() throws Exception {
      motoApi(moto, "unset-transition", "{\"model_name\":\"ecs::task\"}");
    }

    private void taskDefinition(String family) {
      ecs.registerTaskDefinition(b -> b.family(family).requiresCompatibilities(Compatibility.FARGATE)
          .networkMode(NetworkMode.AWSVPC).cpu("256").memory("512")
          .containerDefinitions(c -> c.name(family).image(ACCOUNT + ".dkr.ecr.us-west-1.amazonaws.com/" + family + ":v9")
              .essential(true).memory(512)));
    }

    /** A service with {@code desired} tasks: all running, or none yet (moto's state after CreateService). */
    void service(String name, int desired, boolean running) {
      taskDefinition(name);
      ecs.createService(b -> b.cluster(CLUSTER).serviceName(name).taskDefinition(name).desiredCount(desired)
          .launchType(LaunchType.FARGATE));
      if (running) {
        // moto counts the tasks as running once the desired count is set again
        ecs.updateService(b -> b.cluster(CLUSTER).service(name).desiredCount(desired));
      }
    }

    /** RunTask of the family's task definition; its ARN (RUNNING). */
    String runTask(String family) {
      taskDefinition(family);
      return run(family, null);
    }

    /** RunTask as the worker does it: TRACEPARENT in the container's environment overrides. */
    String runTask(String family, String traceparent) {
      taskDefinition(family);
      return run(family, traceparent);
    }

    private String run(String family, String traceparent) {
      return ecs.runTask(b -> {
        b.cluster(CLUSTER).taskDefinition(family).launchType(LaunchType.FARGATE)
            .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(subnet).securityGroups("sg-1")));
        if (traceparent != null) {
          b.overrides(o -> o.containerOverrides(c -> c.name(family).environment(
              KeyValuePair.builder().name("TRACEPARENT").value(traceparent).build())));
        }
      }).tasks().get(0).taskArn();
    }

    /** RunTask of a task definition whose container logs to {@code group} with the awslogs stream prefix. */
    String runTaskLogging(String family, String group, String prefix) {
      ecs.registerTaskDefinition(b -> b.family(family).requiresCompatibilities(Compatibility.FARGATE)
          .networkMode(NetworkMode.AWSVPC).cpu("256").memory("512")
          .containerDefinitions(c -> c.name(family).image(ACCOUNT + ".dkr.ecr.us-west-1.amazonaws.com/" + family + ":v9")
              .essential(true).memory(512).logConfiguration(l -> l.logDriver(LogDriver.AWSLOGS).options(Map.of(
                  "awslogs-group", group, "awslogs-region", MotoServer.REGION, "awslogs-stream-prefix", prefix)))));
      return run(family, null);
    }

    /** A running service behind the target group, traffic to its container on {@code containerPort}. */
    void serviceBehind(String name, String targetGroupArn, int containerPort) {
      taskDefinition(name);
      ecs.createService(b -> b.cluster(CLUSTER).serviceName(name).taskDefinition(name).desiredCount(1)
          .launchType(LaunchType.FARGATE).loadBalancers(l -> l.targetGroupArn(targetGroupArn).containerName(name)
              .containerPort(containerPort)));
      ecs.updateService(b -> b.cluster(CLUSTER).service(name).desiredCount(1));
    }

    /** A running service whose task definition references these secrets (valueFrom). */
    void serviceWithSecrets(String name, String... valueFrom) {
      List<Secret> secrets = new ArrayList<>();
      for (int i = 0; i < valueFrom.length; i++) {
        secrets.add(Secret.builder().name("SECRET_" + i).valueFrom(valueFrom[i]).build());
      }
      ecs.registerTaskDefinition(b -> b.family(name).requiresCompatibilities(Compatibility.FARGATE)
          .networkMode(NetworkMode.AWSVPC).cpu("256").memory("512")
          .containerDefinitions(c -> c.name(name).image(ACCOUNT + ".dkr.ecr.us-west-1.amazonaws.com/" + name + ":v9")
              .essential(true).memory(512).secrets(secrets)));
      ecs.createService(b -> b.cluster(CLUSTER).serviceName(name).taskDefinition(name).desiredCount(1)
          .launchType(LaunchType.FARGATE));
      ecs.updateService(b -> b.cluster(CLUSTER).service(name).desiredCount(1));
    }

    /** A task of the family stopped by StopTask with {@code reason}; its ARN. */
    String stoppedTask(String family, String reason) {
      String arn = runTask(family);
      ecs.stopTask(b -> b.cluster(CLUSTER).task(arn).reason(reason));
      return arn;
    }
  }

  /** moto's default subnet in {@link MotoServer#REGION} (EC2 DescribeSubnets, query protocol). */
  static String defaultSubnet(MotoServer moto) throws Exception {
    return defaultSubnets(moto).get(0);
  }

  /** moto's default subnets, one per availability zone (an ALB needs two). */
  static List<String> defaultSubnets(MotoServer moto) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(moto.endpoint()).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/" + MotoServer.REGION
            + "/ec2/aws4_request, SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString("Action=DescribeSubnets&Version=2016-11-15")).build();
    String body = HostProcess.HTTP.send(req, HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("<subnetId>(subnet-[0-9a-f]+)</subnetId>").matcher(body);
    List<String> subnets = new ArrayList<>();
    while (m.find()) {
      subnets.add(m.group(1));
    }
    if (subnets.isEmpty()) {
      throw new IllegalStateException("moto has no default subnet: " + body);
    }
    return subnets;
  }

  private static void motoApi(MotoServer moto, String action, String json) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(moto.endpoint() + "/moto-api/state-manager/" + action))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(json)).build();
    int status = HostProcess.HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    if (status / 100 != 2) {
      throw new IllegalStateException("moto " + action + " answered " + status);
    }
  }

  /** {@code op} (e.g. {@code DescribeTasks}) answers {@code json}. */
  static void answer(WireMockServer ecs, String op, String json) {
    ecs.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", equalTo(TARGET + op))
        .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1").withBody(json)));
  }

  /** ListTasks and DescribeTasks answering these tasks (from {@link #task}). */
  static void stoppedTasks(WireMockServer ecs, String... tasks) {
    List<String> arns = new ArrayList<>();
    for (String t : tasks) {
      Matcher m = Pattern.compile("\"taskArn\":(\"[^\"]+\")").matcher(t);
      m.find();
      arns.add(m.group(1));
    }
    answer(ecs, "ListTasks", "{\"taskArns\":[" + String.join(",", arns) + "]}");
    answer(ecs, "DescribeTasks", "{\"tasks\":[" + String.join(",", tasks) + "],\"failures\":[]}");
  }

  /** A STOPPED task as DescribeTasks gives it; a null exit code is a container that never ran. */
  static String task(String id, String group, String reason, String containerReason, Integer... exitCodes) {
    StringBuilder containers = new StringBuilder();
    for (int i = 0; i < exitCodes.length; i++) {
      containers.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"lastStatus\":\"STOPPED\"")
          .append(exitCodes[i] == null ? "" : ",\"exitCode\":" + exitCodes[i])
          .append(containerReason == null ? "" : ",\"reason\":" + quote(containerReason)).append('}');
    }
    return "{\"taskArn\":\"arn:aws:ecs:us-west-1:" + ACCOUNT + ":task/" + CLUSTER + "/" + id + "\",\"group\":"
        + quote(group) + ",\"lastStatus\":\"STOPPED\",\"desiredStatus\":\"STOPPED\",\"stoppedReason\":"
        + quote(reason) + ",\"containers\":[" + containers + "]}";
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  static URI endpoint(WireMockServer s) {
    return URI.create(s.baseUrl());
  }
}

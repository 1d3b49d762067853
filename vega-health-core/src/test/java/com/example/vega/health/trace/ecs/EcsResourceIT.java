package com.example.vega.health.trace.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.ChildProcess;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The resource a Vega service exports with on ECS comes from OpenTelemetry's own ECS detector
 * (opentelemetry-aws-resources) through {@code VegaOpenTelemetry}: a child JVM is given
 * {@code ECS_CONTAINER_METADATA_URI_V4} pointing at a stub of the task metadata endpoint (v4
 * shapes, as ECS serves them), and the resource of a span its SDK starts must carry the task, cluster, launch type and
 * log group next to Vega's service.version and deployment.environment.name.
 */
class EcsResourceIT {
  private static final String TASK_ARN = "arn:aws:ecs:us-west-1:111122223333:task/vega-dev/1c1e0f4e2c7d4c0f9a1b2c3d4e5f6a7b";
  private static final String CLUSTER_ARN = "arn:aws:ecs:us-west-1:111122223333:cluster/vega-dev";

  private static final String CONTAINER = """
      {"DockerId":"1c1e0f4e2c7d4c0f9a1b2c3d4e5f6a7b-2531612879","Name":"vega-worker",
       "DockerName":"vega-worker","Image":"111122223333.dkr.ecr.us-west-1.amazonaws.com/vega-worker:1.4.2",
       "ImageID":"sha256:4a1b6c0e","Labels":{"com.amazonaws.ecs.cluster":"%s","com.amazonaws.ecs.task-arn":"%s"},
       "DesiredStatus":"RUNNING","KnownStatus":"RUNNING","LogDriver":"awslogs",
       "LogOptions":{"awslogs-group":"/vega/dev/vega-worker","awslogs-region":"us-west-1",
         "awslogs-stream":"vega/vega-worker/1c1e0f4e2c7d4c0f9a1b2c3d4e5f6a7b"},
       "ContainerARN":"arn:aws:ecs:us-west-1:111122223333:container/vega-dev/1c1e0f4e2c7d4c0f9a1b2c3d4e5f6a7b/5b3c",
       "Networks":[{"NetworkMode":"awsvpc","IPv4Addresses":["10.0.2.106"]}]}
      """.formatted(CLUSTER_ARN, TASK_ARN);
  private static final String TASK = """
      {"Cluster":"%s","TaskARN":"%s","Family":"vega-worker","Revision":"7","DesiredStatus":"RUNNING",
       "KnownStatus":"RUNNING","AvailabilityZone":"us-west-1a","LaunchType":"FARGATE",
       "Containers":[%s]}
      """.formatted(CLUSTER_ARN, TASK_ARN, CONTAINER);

  @Test
  void onEcsTheResourceCarriesTheTaskClusterLaunchTypeAndLogGroup() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer metadata = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    metadata.createContext("/v4/container-1", ex -> {
      calls.incrementAndGet();
      String body = ex.getRequestURI().getPath().endsWith("/task") ? TASK : CONTAINER;
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, bytes.length);
      ex.getResponseBody().write(bytes);
      ex.close();
    });
    metadata.start();
    try {
      Map<String, String> out = run(Map.of(
          "ECS_CONTAINER_METADATA_URI_V4",
          "http://127.0.0.1:" + metadata.getAddress().getPort() + "/v4/container-1"));
      assertThat(calls.get()).as("the detector asked the metadata endpoint").isGreaterThanOrEqualTo(2);
      assertThat(out).containsEntry("cloud.provider", "aws")
          .containsEntry("cloud.platform", "aws_ecs")
          .containsEntry("aws.ecs.task.arn", TASK_ARN)
          .containsEntry("aws.ecs.cluster.arn", CLUSTER_ARN)
          .containsEntry("aws.ecs.launchtype", "fargate")
          .containsEntry("aws.ecs.task.family", "vega-worker")
          .containsEntry("aws.log.group.names", "[/vega/dev/vega-worker]")
          .containsEntry("container.id", "1c1e0f4e2c7d4c0f9a1b2c3d4e5f6a7b-2531612879")
          // Vega's own, next to the detector's
          .containsEntry("service.name", "vega-worker")
          .containsEntry("service.version", "1.4.2")
          .containsEntry("deployment.environment.name", "dev");
    } finally {
      metadata.stop(0);
    }
  }

  @Test
  void offEcsNothingIsAskedAndTheServiceAttributesRemain() throws Exception {
    Map<String, String> resource = run(Map.of());
    assertThat(resource).containsEntry("service.name", "vega-worker").containsEntry("service.version", "1.4.2")
        .doesNotContainKey("aws.ecs.task.arn").doesNotContainKey("cloud.platform");
  }

  /** The resource attributes of a span the child JVM started, by key. */
  private static Map<String, String> run(Map<String, String> extraEnv) throws IOException, InterruptedException {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("OTEL_TRACES_EXPORTER", "none");
    env.put("OTEL_METRICS_EXPORTER", "none");
    env.put("OTEL_LOGS_EXPORTER", "none");
    ChildProcess.Result r = ChildProcess.builder("EcsResourceMain", List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), EcsResourceMain.class.getName()))
        .cleanEnvironment().env(env).timeout(Duration.ofMinutes(2)).run();
    assertThat(r.exit()).as(r.out()).isZero();
    Map<String, String> resource = new TreeMap<>();
    r.out().lines().filter(l -> l.startsWith("RESOURCE ")).map(l -> l.substring("RESOURCE ".length()))
        .forEach(l -> resource.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
    assertThat(resource).as("RESOURCE lines in:\n" + r.out()).isNotEmpty();
    return resource;
  }
}

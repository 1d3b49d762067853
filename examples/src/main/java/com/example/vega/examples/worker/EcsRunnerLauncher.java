package com.example.vega.examples.worker;

import com.example.vega.health.trace.ClientSpans;
import com.example.vega.health.trace.EcsCarrier;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;

/**
 * Production: ECS RunTask of the runner task definition, an {@code ECS.RunTask} CLIENT span, and
 * the trace context in the overrides (so the runner's spans are children of the RunTask call).
 *
 * @param subnets where the Fargate task runs ({@code VEGA_RUNNER_SUBNETS}), with
 *     {@code securityGroups} ({@code VEGA_RUNNER_SECURITY_GROUPS}); Fargate needs them in AWS
 */
public record EcsRunnerLauncher(EcsClient ecs, EcsCarrier carrier, ClientSpans spans, String region, String cluster,
    String taskDefinition, List<String> subnets, List<String> securityGroups) implements RunnerLauncher {
  public static final String CONTAINER = "vega-v16-runner";

  public EcsRunnerLauncher {
    subnets = List.copyOf(subnets);
    securityGroups = List.copyOf(securityGroups);
  }

  @Override
  public String launch(Context context, Map<String, String> overrides) {
    List<KeyValuePair> env = new ArrayList<>();
    overrides.forEach((k, v) -> env.add(KeyValuePair.builder().name(k).value(v).build()));
    RunTaskRequest.Builder b = RunTaskRequest.builder().cluster(cluster).taskDefinition(taskDefinition)
        .count(1).launchType(LaunchType.FARGATE);
    if (!subnets.isEmpty()) {
      b.networkConfiguration(n -> n.awsvpcConfiguration(v -> v.subnets(subnets).securityGroups(securityGroups)
          .assignPublicIp(AssignPublicIp.DISABLED)));
    }
    RunTaskRequest request = b
        .overrides(o -> o.containerOverrides(ContainerOverride.builder().name(CONTAINER).environment(env).build()))
        .build();
    Span call = spans.startAws(context, region, "ECS", "RunTask");
    try {
      RunTaskResponse r = ecs.runTask(carrier.inject(context.with(call), request, CONTAINER));
      ClientSpans.awsResponse(call, r.responseMetadata().requestId(), null);
      if (!r.failures().isEmpty()) {
        throw new IllegalStateException("RunTask failed: " + r.failures().get(0).reason());
      }
      return r.tasks().get(0).taskArn();
    } catch (RuntimeException e) {
      ClientSpans.fail(call, e);
      throw e;
    } finally {
      call.end();
    }
  }
}

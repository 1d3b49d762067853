package com.example.vega.examples.worker;

import com.example.vega.health.trace.EcsCarrier;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;

/** Production: ECS RunTask of the runner task definition, trace context in the overrides. */
public final class EcsRunnerLauncher implements RunnerLauncher {
  public static final String CONTAINER = "vega-v16-runner";
  private final EcsClient ecs;
  private final EcsCarrier carrier;
  private final String cluster;
  private final String taskDefinition;

  public EcsRunnerLauncher(EcsClient ecs, EcsCarrier carrier, String cluster, String taskDefinition) {
    this.ecs = ecs;
    this.carrier = carrier;
    this.cluster = cluster;
    this.taskDefinition = taskDefinition;
  }

  @Override
  public String launch(Context context, Map<String, String> overrides) {
    List<KeyValuePair> env = new ArrayList<>();
    overrides.forEach((k, v) -> env.add(KeyValuePair.builder().name(k).value(v).build()));
    RunTaskRequest request = RunTaskRequest.builder().cluster(cluster).taskDefinition(taskDefinition)
        .count(1)
        .overrides(o -> o.containerOverrides(ContainerOverride.builder().name(CONTAINER).environment(env).build()))
        .build();
    RunTaskResponse r = ecs.runTask(carrier.inject(context, request, CONTAINER));
    if (!r.failures().isEmpty()) {
      throw new IllegalStateException("RunTask failed: " + r.failures().get(0).reason());
    }
    return r.tasks().get(0).taskArn();
  }
}

package com.example.vega.health.trace;

import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

/**
 * Trace context through ECS RunTask, in {@code containerOverrides.environment} as
 * {@code TRACEPARENT}, {@code TRACESTATE} and {@code BAGGAGE} (OpenTelemetry's
 * environment-variable carrier).
 *
 * <pre>{@code
 * // worker
 * RunTaskRequest launch = ecs.inject(Context.current(), request, "vega-v16-runner");
 *
 * // runner, once at start
 * Context parent = EcsCarrier.extract(System.getenv());
 * }</pre>
 *
 * <p>ECS rejects overrides longer than 8192 characters of JSON. The carrier measures the overrides
 * and, when context does not fit, leaves out in turn: tracestate, the baggage other than the scan
 * id, the rest of the baggage, and, only when the overrides could not otherwise be launched at
 * all, traceparent. Each field left out is logged once and counted
 * ({@link ScanTracing#droppedContextFields()}); a launch is never made to fail by tracing.
 */
public final class EcsCarrier {
  /** ECS's limit on the JSON length of a RunTask request's overrides, punctuation included. */
  public static final int MAX_OVERRIDES_CHARS = 8192;
  static final String TRACEPARENT = "TRACEPARENT";
  static final String TRACESTATE = "TRACESTATE";
  static final String BAGGAGE = "BAGGAGE";

  private final ContextDrops drops;

  private EcsCarrier(ScanTracing tracing) {
    this.drops = tracing.drops();
  }

  public static EcsCarrier create(ScanTracing tracing) {
    return new EcsCarrier(Objects.requireNonNull(tracing, "tracing"));
  }

  /**
   * {@code request} with the context's variables in the environment override of container
   * {@code containerName} (created if absent). Other overrides are kept as they are. Never throws.
   */
  public RunTaskRequest inject(Context context, RunTaskRequest request, String containerName) {
    try {
      W3c.Fields f = W3c.render(context);
      if (f.traceparent() == null && f.baggage() == null) {
        return request;
      }
      TaskOverride base = request.overrides() == null ? TaskOverride.builder().build() : request.overrides();
      String scanOnly = W3c.scanIdOnlyBaggage(context);
      String[][] attempts = {
        {f.traceparent(), f.tracestate(), f.baggage()},
        {f.traceparent(), null, f.baggage()},
        {f.traceparent(), null, scanOnly},
        {f.traceparent(), null, null},
      };
      for (int i = 0; i < attempts.length; i++) {
        TaskOverride candidate = withContext(base, containerName, attempts[i]);
        if (JsonLength.of(candidate) <= MAX_OVERRIDES_CHARS) {
          recordDrops(f, attempts[i]);
          return request.toBuilder().overrides(candidate).build();
        }
      }
      recordDrops(f, new String[3]);
      // Nothing fits: launch as asked, minus any stale context (removing never lengthens it).
      return request.overrides() == null ? request
          : request.toBuilder().overrides(withoutContext(base, containerName)).build();
    } catch (RuntimeException e) {
      return request;
    }
  }

  /**
   * The context in a process environment (keys {@code TRACEPARENT}, {@code TRACESTATE},
   * {@code BAGGAGE}) on top of {@link Context#root()}. Call once at start, with
   * {@code System.getenv()}. Missing or malformed values give a root context. Never throws.
   */
  public static Context extract(Map<String, String> environment) {
    try {
      return W3c.extract(Context.root(), new W3c.Fields(
          environment.get(TRACEPARENT), environment.get(TRACESTATE), environment.get(BAGGAGE)));
    } catch (RuntimeException e) {
      return Context.root();
    }
  }

  /** The environment variables for {@code context}, without any size budget (for tests and logs). */
  public static Map<String, String> environment(Context context) {
    W3c.Fields f = W3c.render(context);
    Map<String, String> env = new HashMap<>();
    put(env, TRACEPARENT, f.traceparent());
    put(env, TRACESTATE, f.tracestate());
    put(env, BAGGAGE, f.baggage());
    return env;
  }

  private void recordDrops(W3c.Fields rendered, String[] kept) {
    String why = "RunTask overrides are limited to " + MAX_OVERRIDES_CHARS + " characters";
    if (rendered.traceparent() != null && kept[0] == null) {
      drops.record("ecs", W3c.TRACEPARENT, why);
    }
    if (rendered.tracestate() != null && kept[1] == null) {
      drops.record("ecs", W3c.TRACESTATE, why);
    }
    if (rendered.baggage() != null && !Objects.equals(rendered.baggage(), kept[2])) {
      drops.record("ecs", W3c.BAGGAGE, why);
    }
  }

  private static TaskOverride withContext(TaskOverride base, String containerName, String[] values) {
    List<ContainerOverride> containers = new ArrayList<>();
    boolean found = false;
    for (ContainerOverride c : base.containerOverrides()) {
      if (containerName.equals(c.name())) {
        containers.add(withEnvironment(c, values));
        found = true;
      } else {
        containers.add(c);
      }
    }
    if (!found) {
      containers.add(withEnvironment(ContainerOverride.builder().name(containerName).build(), values));
    }
    return base.toBuilder().containerOverrides(containers).build();
  }

  private static TaskOverride withoutContext(TaskOverride base, String containerName) {
    List<ContainerOverride> containers = new ArrayList<>();
    for (ContainerOverride c : base.containerOverrides()) {
      containers.add(containerName.equals(c.name()) && c.hasEnvironment()
          ? withEnvironment(c, new String[3]) : c);
    }
    return base.toBuilder().containerOverrides(containers).build();
  }

  private static ContainerOverride withEnvironment(ContainerOverride c, String[] values) {
    List<KeyValuePair> env = new ArrayList<>();
    for (KeyValuePair kv : c.environment()) {
      String name = kv.name() == null ? "" : kv.name().toUpperCase(Locale.ROOT);
      // Context left in a copied request would point at the wrong parent.
      if (!name.equals(TRACEPARENT) && !name.equals(TRACESTATE) && !name.equals(BAGGAGE)) {
        env.add(kv);
      }
    }
    add(env, TRACEPARENT, values[0]);
    add(env, TRACESTATE, values[1]);
    add(env, BAGGAGE, values[2]);
    return c.toBuilder().environment(env).build();
  }

  private static void add(List<KeyValuePair> env, String name, @Nullable String value) {
    if (value != null) {
      env.add(KeyValuePair.builder().name(name).value(value).build());
    }
  }

  private static void put(Map<String, String> env, String name, @Nullable String value) {
    if (value != null) {
      env.put(name, value);
    }
  }
}

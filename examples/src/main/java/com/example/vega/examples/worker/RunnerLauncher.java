package com.example.vega.examples.worker;

import io.opentelemetry.context.Context;
import java.util.Map;

/** Starts one runner for one scan, with the environment overrides a RunTask would carry. */
public interface RunnerLauncher extends AutoCloseable {

  /**
   * @param overrides the scan's settings (scan id, token); the launcher adds the trace context
   * @return an identifier of what was launched: an ECS task ARN, or {@code local:<pid>}
   */
  String launch(Context context, Map<String, String> overrides) throws Exception;

  @Override
  default void close() {}
}

package com.example.vega.health.agent.host;

import io.opentelemetry.api.trace.Span;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The application the agent is attached to in the tests: a plain main that prints, reports the
 * trace context it runs in, waits for a line on stdin (so the test decides when it ends) and
 * returns normally. The agent's threads must not keep it alive.
 */
public final class HostMain {
  private HostMain() {}

  public static void main(String[] args) throws Exception {
    System.out.println("host: main started");
    System.out.println("host: trace " + Span.current().getSpanContext().getTraceId());
    // What an uninstrumented runner gets: the global SDK the agent registered (or a no-op) and a
    // span started the plain way, whose parent is whatever context main runs in.
    // The agent builds the SDK beside main: its first spans may not be recorded yet, never lost
    // from the trace.
    var otel = io.opentelemetry.api.GlobalOpenTelemetry.get();
    var tracer = otel.getTracer("host");
    Span span = tracer.spanBuilder("host.work").startSpan();
    // Only the tests that read the span line wait for it (HOST_AWAIT_RECORDING); the others would
    // each spend the 5 s on a no-op span that never records.
    long deadline = System.nanoTime() + (System.getenv("HOST_AWAIT_RECORDING") != null ? 5_000_000_000L : 0);
    while (!span.isRecording() && System.nanoTime() < deadline) {
      span.end();
      Thread.sleep(20);
      span = tracer.spanBuilder("host.work").startSpan();
    }
    System.out.println("host: otel " + otel.getClass().getName());
    System.out.println("host: span " + span.getSpanContext().getTraceId() + " recording=" + span.isRecording());
    span.end();
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    System.out.println("host: main done");
  }
}

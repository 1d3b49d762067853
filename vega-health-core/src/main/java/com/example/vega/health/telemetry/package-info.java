/**
 * Health as telemetry for on-call: per-check meters, status-change log records and check-run
 * spans through the OpenTelemetry API ({@link com.example.vega.health.telemetry.HealthTelemetry}),
 * and the processor that keeps healthy runs out of the trace backend (SDK, optional). Trace-joined
 * log lines are {@link com.example.vega.health.trace.TraceLogFormatter}'s.
 */
@NullMarked
package com.example.vega.health.telemetry;

import org.jspecify.annotations.NullMarked;

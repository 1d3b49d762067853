/**
 * Health as telemetry for on-call: per-check meters, status-change log records and check-run
 * spans through the OpenTelemetry API ({@link com.example.vega.health.telemetry.HealthTelemetry}),
 * the processor that keeps healthy runs out of the trace backend (SDK, optional), and trace-joined
 * log lines for {@code java.util.logging} ({@link com.example.vega.health.telemetry.TraceLogFormatter}).
 */
@NullMarked
package com.example.vega.health.telemetry;

import org.jspecify.annotations.NullMarked;

/**
 * One trace per scan: the scan context ({@code vega.scan.id} carried as baggage and copied onto
 * every span), and the carriers that move W3C trace context across Vega's hops — HTTP headers,
 * SQS message attributes, ECS RunTask environment overrides — plus client spans for Postgres, S3
 * and the LLM proxy; and trace-joined log lines for {@code java.util.logging} ({@link
 * com.example.vega.health.trace.TraceLogFormatter}: {@code trace_id}, {@code span_id},
 * {@code vega.scan.id}).
 *
 * <p>Everything here is written against the OpenTelemetry API. Two classes need the SDK, which is
 * an optional dependency: {@link com.example.vega.health.trace.ScanIdSpanProcessor} (SDK trace)
 * and {@link com.example.vega.health.trace.VegaOpenTelemetry} (SDK autoconfigure). The SQS and
 * ECS carriers need the AWS SDK clients the service already has.
 *
 * <p>Extract and inject never throw. Malformed or hostile context restarts the trace.
 */
@NullMarked
package com.example.vega.health.trace;

import org.jspecify.annotations.NullMarked;

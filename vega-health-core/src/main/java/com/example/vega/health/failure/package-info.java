/**
 * What a failure means, in the runbook's words: one classification per kind of evidence, shared by
 * the checks, the monitor and the doctor.
 *
 * <ul>
 *   <li>{@link com.example.vega.health.failure.Failures}: any {@link Throwable} (network causes:
 *       refused, unknown host, timeouts).
 *   <li>{@link com.example.vega.health.failure.SqlFailures}: an {@link java.sql.SQLException} and its
 *       SQLSTATE.
 *   <li>{@link com.example.vega.health.failure.AwsFailures}: an AWS SDK exception (access denied,
 *       credentials, throttling, 5xx, network). Needs the AWS SDK on the class path.
 *   <li>{@link com.example.vega.health.failure.HttpFailures}: an HTTP status.
 * </ul>
 *
 * <p>Each returns a {@link com.example.vega.health.CheckResult} (status, {@link
 * com.example.vega.health.ErrorKind}, message and hint) or the {@code ErrorKind} alone, so that a
 * caller never matches message text. {@link com.example.vega.health.failure.Caller} says who is
 * calling, for hints that name a task role, a log group or a region.
 */
@NullMarked
package com.example.vega.health.failure;

import org.jspecify.annotations.NullMarked;

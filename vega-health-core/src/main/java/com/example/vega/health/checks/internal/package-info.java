/**
 * Not for public use: what a failure means in the runbook's words, shared by the checks and the
 * agent's doctor. The classes here may change or go away in any release without notice; a service
 * depends on {@link com.example.vega.health.Failures}, {@link com.example.vega.health.ErrorKind}
 * and {@link com.example.vega.health.CheckResult} instead (docs/api.md).
 *
 * <ul>
 *   <li>{@link com.example.vega.health.checks.internal.SqlFailures}: an {@link java.sql.SQLException}
 *       and its SQLSTATE.
 *   <li>{@link com.example.vega.health.checks.internal.AwsFailures}: an AWS SDK exception (access
 *       denied, credentials, throttling, 5xx, network). Needs the AWS SDK on the class path.
 *   <li>{@link com.example.vega.health.checks.internal.HttpFailures}: an HTTP status.
 * </ul>
 */
@NullMarked
package com.example.vega.health.checks.internal;

import org.jspecify.annotations.NullMarked;

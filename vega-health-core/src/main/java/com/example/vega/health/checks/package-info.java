/**
 * One check per dependency of the Vega services (SQS, S3, Secrets Manager, ECS RunTask, the LLM
 * proxy, Cognito, settings), and {@link com.example.vega.health.checks.VegaChecks}, which registers
 * the right ones for a {@link com.example.vega.health.checks.VegaRole} from its settings alone.
 *
 * <p>AWS checks take the SDK v2 client the service already has; the SDK modules are optional
 * dependencies, so a service only needs the ones its role uses.
 */
@NullMarked
package com.example.vega.health.checks;

import org.jspecify.annotations.NullMarked;

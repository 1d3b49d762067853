/**
 * The scan-scoped LLM proxy token's hand-off from the worker to its runner: the token goes where
 * only the runner can read it once (a Secrets Manager secret or an owner-only file), and the
 * RunTask request carries only its reference, {@code VEGA_LLM_PROXY_TOKEN_REF}.
 */
@NullMarked
package com.example.vega.health.token;

import org.jspecify.annotations.NullMarked;

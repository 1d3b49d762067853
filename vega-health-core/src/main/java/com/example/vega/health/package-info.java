/**
 * Vega Health: background self-checks of a service's dependencies, published as an immutable
 * {@link com.example.vega.health.HealthSnapshot} that health endpoints read without ever calling
 * a dependency.
 *
 * <p>Start with {@link com.example.vega.health.HealthMonitor#builder()}.
 */
@NullMarked
package com.example.vega.health;

import org.jspecify.annotations.NullMarked;

/**
 * Micrometer meters for the checks ({@link com.example.vega.health.metrics.HealthMetrics}).
 * Micrometer is an optional dependency: this package is used only when it is on the class path.
 */
@NullMarked
package com.example.vega.health.metrics;

import org.jspecify.annotations.NullMarked;

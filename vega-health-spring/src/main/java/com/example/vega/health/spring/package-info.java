/**
 * Vega Health for Spring Boot 4: auto-configuration of the monitor, {@code /v1/healthz} on the
 * application's port and on a probe port, the Actuator bridge and Micrometer meters, all driven by
 * {@code vega.health.*} properties.
 */
@NullMarked
package com.example.vega.health.spring;

import org.jspecify.annotations.NullMarked;

/**
 * Health over HTTP: {@code application/health+json} rendering, the endpoint logic shared by every
 * server ({@link com.example.vega.health.http.HealthEndpoints}), and the probe server
 * ({@link com.example.vega.health.http.HealthServer}) for the agent, plain-Java services and
 * Spring's probe port.
 */
@NullMarked
package com.example.vega.health.http;

import org.jspecify.annotations.NullMarked;

/**
 * Health over HTTP: {@code application/health+json} rendering, the endpoint logic shared by every
 * server ({@link com.example.vega.health.http.HealthEndpoints}), and a small JDK server for JVMs
 * without a web framework.
 */
@NullMarked
package com.example.vega.health.http;

import org.jspecify.annotations.NullMarked;

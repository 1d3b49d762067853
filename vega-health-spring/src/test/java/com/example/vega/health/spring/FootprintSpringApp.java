package com.example.vega.health.spring;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Spring Boot peer of the footprint benchmark (vega-health-bench's {@code FootprintBenchmark},
 * docs/benchmarks.md section 7): one small web application with spring-boot-actuator, started by
 * the benchmark's host JVM through reflection. {@code spring-actuator} turns Vega Health off
 * ({@code vega.health.enabled=false}, {@code vega.tracing.enabled=false}): Actuator's
 * {@code /actuator/health} only. {@code spring-vega} is the same application with vega-health-spring
 * on, with its defaults and no role (jvm-deadlock and app-readiness, the probe port on a free port).
 * No DataSource in either, so that both measure the health machinery and not a pool.
 */
public final class FootprintSpringApp implements AutoCloseable {
  private final ConfigurableApplicationContext context;

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
  static class App {}

  private FootprintSpringApp(ConfigurableApplicationContext context) {
    this.context = context;
  }

  public static FootprintSpringApp start(String scenario) {
    boolean vega = switch (scenario) {
      case "spring-actuator" -> false;
      case "spring-vega" -> true;
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    };
    return new FootprintSpringApp(new SpringApplicationBuilder(App.class).properties(
        "server.port=0", "server.address=127.0.0.1", "spring.application.name=vega-footprint",
        "vega.health.enabled=" + vega, "vega.tracing.enabled=" + vega,
        "vega.health.server.port=0", "vega.health.server.address=127.0.0.1",
        "logging.level.root=WARN", "spring.main.banner-mode=off").run());
  }

  public int port() {
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
  }

  @Override
  public void close() {
    context.close();
  }
}

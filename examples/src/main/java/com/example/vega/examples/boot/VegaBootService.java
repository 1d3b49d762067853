package com.example.vega.examples.boot;

import com.example.vega.examples.common.Env;
import com.example.vega.health.HealthMonitor;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts one Vega Spring Boot service in this JVM with its own settings: the {@code VEGA_*},
 * {@code AWS_*} and {@code OTEL_*} variables become properties (which vega-health-spring reads
 * like the environment), plus the service's own.
 */
public final class VegaBootService implements AutoCloseable {
  private final ConfigurableApplicationContext context;
  private final int probePort;

  private VegaBootService(ConfigurableApplicationContext context, int probePort) {
    this.context = context;
    this.probePort = probePort;
  }

  public static VegaBootService start(Class<?> application, Map<String, String> environment,
      Map<String, String> properties, int probePort) {
    Map<String, Object> props = new HashMap<>(environment);
    props.put("server.port", "0");
    props.put("server.address", "127.0.0.1");
    props.put("vega.health.server.port", Integer.toString(probePort));
    props.put("vega.health.server.address", "127.0.0.1");
    props.put("spring.main.banner-mode", "off");
    props.put("spring.main.log-startup-info", "false");
    props.put("logging.level.root", "WARN");
    props.put("logging.level.com.example.vega", "INFO");
    props.putAll(properties);
    Env env = new Env(Map.copyOf(environment));
    ConfigurableApplicationContext ctx = new SpringApplicationBuilder(application)
        .web(WebApplicationType.SERVLET)
        .properties(props)
        .initializers(c -> c.getBeanFactory().registerSingleton("vegaEnv", env))
        .run();
    return new VegaBootService(ctx, probePort);
  }

  public int port() {
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "0"));
  }

  public int probePort() {
    return probePort;
  }

  public HealthMonitor monitor() {
    return context.getBean(HealthMonitor.class);
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  @Override
  public void close() {
    context.close();
  }
}

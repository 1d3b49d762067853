package com.example.vega.health.spring;

import com.example.vega.health.HealthMonitor;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.HealthEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * {@code /v1/healthz}, {@code /v1/healthz/live} and {@code /v1/healthz/ready} on the application's
 * own port, for a Spring MVC application. The same paths are also on the probe port (see
 * {@code vega.health.server.port}), which is what the ALB and ECS should poll.
 */
@AutoConfiguration(after = VegaHealthAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean(HealthMonitor.class)
@ConditionalOnBooleanProperty(name = "vega.health.endpoints.enabled", matchIfMissing = true)
public final class VegaHealthWebAutoConfiguration {

  @Bean
  RouterFunction<ServerResponse> vegaHealthRoutes(
      HealthMonitor monitor, DetailAccess access, VegaHealthProperties properties) {
    return new HealthzRoutes(new HealthEndpoints(monitor), access, properties.getDetail().getAuthority())
        .routes();
  }
}

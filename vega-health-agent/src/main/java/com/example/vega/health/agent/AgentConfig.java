package com.example.vega.health.agent;

import com.example.vega.health.ServiceInfo;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.checks.VegaRole;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.IpLiteral;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The agent's own settings, read once from {@code VEGA_*} and validated. Never throws: every bad
 * value becomes a {@link #problems() problem} naming the setting and what to write instead.
 *
 * @param role the role from VEGA_HEALTH_ROLE or VEGA_ROLE; null when unset or unknown
 * @param address where /v1/healthz listens; null when VEGA_HEALTH_PORT or VEGA_HEALTH_BIND is bad
 * @param detail who sees every check
 * @param service the top-level health+json fields
 * @param secrets values to mask in output (the detail token)
 * @param problems what is wrong, each with what to fix
 */
record AgentConfig(
    @Nullable VegaRole role,
    @Nullable InetSocketAddress address,
    DetailAccess detail,
    ServiceInfo service,
    List<String> secrets,
    List<String> problems) {

  static final int DEFAULT_PORT = 8081;

  AgentConfig {
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(service, "service");
    secrets = List.copyOf(secrets);
    problems = List.copyOf(problems);
  }

  static AgentConfig from(VegaSettings s) {
    List<String> problems = new ArrayList<>();
    List<String> secrets = new ArrayList<>();

    VegaRole role = null;
    String roleName = s.value("VEGA_HEALTH_ROLE");
    String roleSetting = "VEGA_HEALTH_ROLE";
    if (roleName == null) {
      roleName = s.value("VEGA_ROLE");
      roleSetting = "VEGA_ROLE";
    }
    if (roleName != null) {
      role = Roles.parse(roleName).orElse(null);
      if (role == null) {
        problems.add(roleSetting + "=" + VegaSettings.shown(roleName) + " is not a role: use one of "
            + Roles.NAMES + " (serving the generic checks only)");
      }
    }

    int port = DEFAULT_PORT;
    boolean addressOk = true;
    String p = s.value("VEGA_HEALTH_PORT");
    if (p != null) {
      try {
        port = Integer.parseInt(p);
        if (port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        problems.add("VEGA_HEALTH_PORT=" + VegaSettings.shown(p) + " is not a port: use a number from 1 to 65535"
            + " (default " + DEFAULT_PORT + ")");
        addressOk = false;
      }
    }
    InetAddress bind = InetAddress.getLoopbackAddress();
    String b = s.value("VEGA_HEALTH_BIND");
    if (b != null) {
      // An IP only: resolving a host name here could block the application's start.
      InetAddress literal = IpLiteral.parse(b);
      if (literal == null) {
        problems.add("VEGA_HEALTH_BIND=" + VegaSettings.shown(b) + " is not an IP address: use 127.0.0.1 (default)"
            + " or 0.0.0.0 to let the ALB reach the health port");
        addressOk = false;
      } else {
        bind = literal;
      }
    }

    DetailAccess detail = DetailAccess.loopback();
    String token = s.value("VEGA_HEALTH_DETAIL_TOKEN");
    if (token != null) {
      secrets.add(token);
      try {
        detail = detail.or(DetailAccess.bearerToken(token));
      } catch (IllegalArgumentException e) {
        problems.add("VEGA_HEALTH_DETAIL_TOKEN is too short: use at least 16 random characters"
            + " (detail stays loopback-only)");
      }
    }
    String nets = s.value("VEGA_HEALTH_DETAIL_NETWORKS");
    if (nets != null) {
      try {
        detail = detail.or(DetailAccess.fromNetworks(nets.split(",")));
      } catch (IllegalArgumentException e) {
        problems.add("VEGA_HEALTH_DETAIL_NETWORKS: " + e.getMessage()
            + "; use a comma-separated list such as 10.0.0.0/16");
      }
    }

    String serviceId = s.value("VEGA_SERVICE_NAME");
    if (serviceId == null) {
      serviceId = role != null ? role.serviceName() : or(s.value("OTEL_SERVICE_NAME"), "vega-service");
    }
    ServiceInfo service = new ServiceInfo(serviceId,
        or(s.value("VEGA_VERSION"), "unknown"),
        or(s.value("VEGA_RELEASE_ID"), "unknown"),
        serviceId + " (vega-health-agent)",
        or(s.value("VEGA_ENVIRONMENT"), "dev"));

    InetSocketAddress address = addressOk ? new InetSocketAddress(bind, port) : null;
    return new AgentConfig(role, address, detail, service, secrets, problems);
  }

  private static String or(@Nullable String v, String fallback) {
    return v == null ? fallback : v;
  }
}

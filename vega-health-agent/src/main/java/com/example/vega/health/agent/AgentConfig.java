package com.example.vega.health.agent;

import com.example.vega.health.Caller;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Setting;
import com.example.vega.health.Validated;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.VegaRole;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.TrustedProxies;
import com.example.vega.health.internal.IpLiteral;
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
    Setting roleSetting = Setting.HEALTH_ROLE.raw(s) != null ? Setting.HEALTH_ROLE : Setting.ROLE;
    Validated<String> roleName = roleSetting.read(s);
    if (roleName.isPresent()) {
      role = VegaRole.of(Objects.requireNonNull(roleName.get()));
    } else if (!roleName.isValid()) {
      problems.add(roleSetting.key() + "=" + roleSetting.shown(roleSetting.raw(s)) + " is not a role: use one of "
          + Roles.NAMES + " (serving the generic checks only)");
    }

    Validated<String> port = Setting.HEALTH_PORT.read(s);
    if (!port.isValid()) {
      problems.add(rejected(Setting.HEALTH_PORT, s));
    }
    Validated<String> bind = Setting.HEALTH_BIND.read(s);
    if (!bind.isValid()) {
      // An IP only: resolving a host name here could block the application's start.
      problems.add(rejected(Setting.HEALTH_BIND, s));
    }

    DetailAccess detail = DetailAccess.loopback();
    String token = Setting.HEALTH_DETAIL_TOKEN.raw(s);
    if (token != null) {
      secrets.add(token);
      if (Setting.HEALTH_DETAIL_TOKEN.accepts(token)) {
        detail = detail.or(DetailAccess.bearerToken(token));
      } else {
        problems.add(Setting.HEALTH_DETAIL_TOKEN.key() + " is too short: use "
            + Setting.HEALTH_DETAIL_TOKEN.shape() + " (detail stays loopback-only)");
      }
    }
    String nets = Setting.HEALTH_DETAIL_NETWORKS.raw(s);
    if (nets != null) {
      try {
        // The parser's own message names the network it could not read (quoted only when harmless).
        detail = detail.or(DetailAccess.fromNetworks(nets.split(",")));
      } catch (IllegalArgumentException e) {
        problems.add(Setting.HEALTH_DETAIL_NETWORKS.key() + ": " + e.getMessage() + "; use "
            + Setting.HEALTH_DETAIL_NETWORKS.shape());
      }
    }

    String proxies = Setting.HEALTH_TRUSTED_PROXIES.raw(s);
    if (proxies != null) {
      try {
        // Behind the ALB: judge the caller its X-Forwarded-For names, never the ALB's own address.
        detail = detail.behind(TrustedProxies.of(proxies.split(",")));
      } catch (IllegalArgumentException e) {
        problems.add(Setting.HEALTH_TRUSTED_PROXIES.key() + ": " + e.getMessage() + "; use "
            + Setting.HEALTH_TRUSTED_PROXIES.shape() + " (no forwarded header is believed)");
      }
    }

    String serviceId = Setting.SERVICE_NAME.raw(s);
    if (serviceId == null) {
      serviceId = role != null ? role.serviceName() : or(s.value("OTEL_SERVICE_NAME"), "vega-service");
    }
    ServiceInfo service = new ServiceInfo(serviceId,
        or(Setting.VERSION.raw(s), "unknown"),
        or(Setting.RELEASE_ID.raw(s), "unknown"),
        serviceId + " (vega-health-agent)",
        or(Setting.ENVIRONMENT.raw(s), Caller.UNKNOWN_ENVIRONMENT));

    InetSocketAddress address = port.isValid() && bind.isValid()
        ? new InetSocketAddress(bind.isPresent() ? IpLiteral.parse(bind.get()) : InetAddress.getLoopbackAddress(),
            port.isPresent() ? Integer.parseInt(Objects.requireNonNull(port.get())) : DEFAULT_PORT)
        : null;
    return new AgentConfig(role, address, detail, service, secrets, problems);
  }

  /** {@code VEGA_HEALTH_PORT='99999' is not a port number from 1 to 65535 (default 8081)}. */
  private static String rejected(Setting setting, VegaSettings s) {
    return setting.key() + "=" + setting.shown(setting.raw(s)) + " is not " + setting.shape();
  }

  private static String or(@Nullable String v, String fallback) {
    return v == null ? fallback : v;
  }
}

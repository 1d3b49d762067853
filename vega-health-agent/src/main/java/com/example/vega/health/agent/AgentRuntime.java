package com.example.vega.health.agent;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.Setting;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.internal.DatabaseUrl;
import com.example.vega.health.checks.DeadlockCheck;
import com.example.vega.health.checks.PostgresCheck;
import com.example.vega.health.http.HealthServer;
import com.example.vega.health.telemetry.HealthTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the agent runs in the host: the role's checks on a {@link HealthMonitor} and a
 * {@link HealthServer} on its own port and thread, with the limits from {@code VEGA_HEALTH_SERVER_*}. Everything it starts is a daemon, so it never
 * keeps the host's JVM alive.
 */
final class AgentRuntime implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AgentRuntime.class.getName());

  private final HealthMonitor monitor;
  private final HealthServer server;
  private final AwsSdk aws;

  private AgentRuntime(HealthMonitor monitor, HealthServer server, AwsSdk aws) {
    this.monitor = monitor;
    this.server = server;
    this.aws = aws;
  }

  /**
   * Starts monitoring and serving. Problems with settings are collected into {@code problems}
   * (the caller logs them once); a port that cannot be bound throws {@link IOException} naming it.
   */
  static AgentRuntime start(AgentConfig config, VegaSettings settings, List<String> problems) throws IOException {
    return start(config, settings, problems, null);
  }

  /**
   * As above; with {@code otel} (the SDK the agent built from {@code OTEL_*}), the checks' meters,
   * status-change log records and run spans are exported through it ({@link HealthTelemetry}).
   */
  static AgentRuntime start(AgentConfig config, VegaSettings settings, List<String> problems,
      @Nullable OpenTelemetry otel) throws IOException {
    problems.addAll(config.problems());
    if (config.address() == null) {
      throw new IOException("no address to serve /v1/healthz on (see the settings above)");
    }
    // The agent's own AWS clients: built only for the checks whose settings are present, and
    // closed with the monitor whatever happens from here on.
    AwsSdk aws = new AwsSdk(settings::value);
    HealthMonitor monitor = null;
    try {
      HealthMonitor.Builder b = HealthMonitor.builder().service(config.service());
      try {
        b.settings(settings); // VEGA_HEALTH_START_SPREAD, VEGA_HEALTH_MAX_BACKOFF
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage() + " (the default is used)");
      }
      HealthTelemetry telemetry = otel == null ? null
          : HealthTelemetry.create(otel, config.role() == null ? null : config.role().hintName());
      if (telemetry != null) {
        b.listener(telemetry);
      }
      List<String> secrets = new ArrayList<>(config.secrets());
      List<CheckRegistration> checks = new ArrayList<>();
      if (config.role() != null) {
        RoleChecks.Built built = RoleChecks.forRole(config.role(), settings, () -> aws);
        checks.addAll(built.checks());
        problems.addAll(built.problems());
        secrets.addAll(built.secrets());
      } else {
        genericChecks(config, settings, checks, secrets, problems);
      }
      b.registerAll(telemetry == null ? checks : telemetry.instrument(checks));
      b.secretValues(secrets.toArray(String[]::new));
      monitor = b.build();
      HealthServer.Options options = HealthServer.Options.fromSettings(settings, problems::add);
      HealthServer server = HealthServer.start(monitor, config.address(), config.detail(), options);
      monitor.start();
      LOG.log(System.Logger.Level.INFO, "vega-health-agent: {0} health on http://{1}:{2}/v1/healthz",
          config.service().serviceId(), config.address().getAddress().getHostAddress(),
          String.valueOf(server.port()));
      return new AgentRuntime(monitor, server, aws);
    } catch (IOException | RuntimeException | Error e) {
      if (monitor != null) {
        monitor.close();
      }
      aws.close();
      throw e;
    }
  }

  /** No role: what every JVM can check without one. */
  private static void genericChecks(AgentConfig config, VegaSettings settings, List<CheckRegistration> checks,
      List<String> secrets, List<String> problems) {
    String url = Setting.DATABASE_URL.raw(settings);
    if (url != null) {
      try {
        DatabaseUrl db = DatabaseUrl.parse(Setting.DATABASE_URL.key(), url);
        if (db.password() != null) {
          secrets.add(db.password());
        }
        PostgresCheck.Builder b = PostgresCheck.builder(new AgentDataSource(db)).role(config.service().serviceId())
            .environment(config.service().environment());
        try {
          b.houseRules(settings);
        } catch (IllegalArgumentException e) {
          problems.add(e.getMessage() + " (schema_migrations(version) is read)");
        }
        checks.add(b.build().registration(CheckPolicy.builder().interval(Duration.ofSeconds(15))
            .timeout(Duration.ofSeconds(3)).critical(true).build()));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    checks.add(new DeadlockCheck().registration(DeadlockCheck.defaultPolicy()));
  }

  int port() {
    return server.port();
  }

  HealthMonitor monitor() {
    return monitor;
  }

  /** The agent's own AWS clients, for tests. */
  AwsSdk aws() {
    return aws;
  }

  @Override
  public void close() {
    server.close();
    monitor.close();
    aws.close();
  }
}

package com.example.vega.health.spring;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import com.example.vega.health.http.HealthServer;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;

/**
 * {@code vega.health.*}: what Vega Health checks in a Spring Boot service and where it answers.
 *
 * <p>Bound once at startup and validated when the monitor is built; a malformed value stops the
 * application with a message that names the key. Every key can also come from the environment
 * with Spring's relaxed binding ({@code VEGA_HEALTH_SERVER_PORT}); the settings the services
 * already have ({@code VEGA_ROLE}, {@code VEGA_ENVIRONMENT}, {@code VEGA_EXPECTED_MIGRATION}) are
 * honoured when the matching key is not set.
 *
 * <p>Every duration takes a bare number as seconds ({@code 60}), as {@code VEGA_HEALTH_START_SPREAD}
 * does in core and the agent, or a number with a unit ({@code 500ms}, {@code 60s}, {@code 2m}).
 * Boot's default unit for a bare number is milliseconds: without {@link DurationUnit} the variable
 * {@code VEGA_HEALTH_START_SPREAD=60}, relaxed-bound onto {@code vega.health.start-spread}, would be
 * 60 ms here and 60 s everywhere else.
 */
@ConfigurationProperties("vega.health")
public class VegaHealthProperties {

  /** Whether Vega Health runs at all. */
  private boolean enabled = true;

  /**
   * This service's role: api, worker, runner, llm-proxy or maintenance. Decides which checks are
   * registered and tags the meters. Falls back to VEGA_ROLE.
   */
  private @Nullable String role;

  /** The environment, e.g. dev or prod; used in hints (log groups, parameter paths). Falls back to VEGA_ENVIRONMENT, then dev. */
  private @Nullable String environment;

  /**
   * The window after start within which the checks' first runs are spread, so that the tasks of a
   * deployment do not call AWS in step; 0 turns spreading off. A bare number is seconds. Falls back
   * to VEGA_HEALTH_START_SPREAD (whole seconds), then 5s.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private @Nullable Duration startSpread;

  /**
   * The longest wait between runs of a check whose dependency throttles or fails with 5xx, never
   * below the check's interval (the interval itself turns backoff off). A bare number is seconds.
   * Falls back to VEGA_HEALTH_MAX_BACKOFF (whole seconds), then the smaller of 8 intervals and 300s
   * per check.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private @Nullable Duration maxBackoff;

  /**
   * How long after start a check whose runs have only timed out is retried with more time and
   * reported UNKNOWN ("starting") instead of DOWN: a cold JVM's first call is often slower than a
   * check's timeout. 0 reports every timeout at once. A bare number is seconds. Falls back to
   * VEGA_HEALTH_STARTUP_DEADLINE (whole seconds), then 30s.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private @Nullable Duration startupDeadline;

  private final Service service = new Service();

  private final Readiness readiness = new Readiness();

  /**
   * Per-check switches and tuning, keyed by check name (postgres, jvm-deadlock, and the AWS
   * checks of the role). Unset values keep the check's defaults.
   */
  private final Map<String, Check> checks = new LinkedHashMap<>();

  private final Postgres postgres = new Postgres();

  private final Detail detail = new Detail();

  /**
   * Networks of the proxies in front (the ALB's subnets), e.g. 10.0.0.0/24: their
   * X-Forwarded-For and X-Forwarded-Proto name the caller for server spans and detail access.
   * Falls back to VEGA_HEALTH_TRUSTED_PROXIES (comma-separated); none by default.
   */
  private List<String> trustedProxies = new ArrayList<>();

  private final Endpoints endpoints = new Endpoints();

  private final Server server = new Server();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable String getRole() {
    return role;
  }

  public void setRole(@Nullable String role) {
    this.role = role;
  }

  public @Nullable String getEnvironment() {
    return environment;
  }

  public void setEnvironment(@Nullable String environment) {
    this.environment = environment;
  }

  public @Nullable Duration getStartSpread() {
    return startSpread;
  }

  public void setStartSpread(@Nullable Duration startSpread) {
    this.startSpread = startSpread;
  }

  public @Nullable Duration getMaxBackoff() {
    return maxBackoff;
  }

  public void setMaxBackoff(@Nullable Duration maxBackoff) {
    this.maxBackoff = maxBackoff;
  }

  public @Nullable Duration getStartupDeadline() {
    return startupDeadline;
  }

  public void setStartupDeadline(@Nullable Duration startupDeadline) {
    this.startupDeadline = startupDeadline;
  }

  public Service getService() {
    return service;
  }

  public Readiness getReadiness() {
    return readiness;
  }

  public Map<String, Check> getChecks() {
    return checks;
  }

  public Postgres getPostgres() {
    return postgres;
  }

  public Detail getDetail() {
    return detail;
  }

  public List<String> getTrustedProxies() {
    return trustedProxies;
  }

  public void setTrustedProxies(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  public Endpoints getEndpoints() {
    return endpoints;
  }

  public Server getServer() {
    return server;
  }

  /** Who is reporting: the top-level fields of health+json. */
  public static class Service {
    /** serviceId in health+json. Defaults to spring.application.name, then vega-ROLE. */
    private @Nullable String id;

    /** version in health+json, e.g. 1.4.2. */
    private String version = "unknown";

    /** releaseId in health+json, e.g. the image's git sha. */
    private String release = "unknown";

    /** description in health+json. Defaults to the service id. */
    private @Nullable String description;

    public @Nullable String getId() {
      return id;
    }

    public void setId(@Nullable String id) {
      this.id = id;
    }

    public String getVersion() {
      return version;
    }

    public void setVersion(String version) {
      this.version = version;
    }

    public String getRelease() {
      return release;
    }

    public void setRelease(String release) {
      this.release = release;
    }

    public @Nullable String getDescription() {
      return description;
    }

    public void setDescription(@Nullable String description) {
      this.description = description;
    }
  }

  /** One check's switch and policy. Unset values keep the check's defaults. */
  public static class Check {
    /** Whether the check is registered. */
    private boolean enabled = true;

    /** Time between the starts of two runs, e.g. 15s; a bare number is seconds. */
    @DurationUnit(ChronoUnit.SECONDS)
    private @Nullable Duration interval;

    /**
     * A run not finished by then is abandoned and reported DOWN, e.g. 2s (a bare number is
     * seconds). At most the interval.
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private @Nullable Duration timeout;

    /** Consecutive worse results before the reported status gets worse. */
    private @Nullable Integer failureThreshold;

    /** Consecutive better results before the reported status gets better. */
    private @Nullable Integer successThreshold;

    /** Whether the service cannot work without this dependency; critical checks feed /v1/healthz/ready. */
    private @Nullable Boolean critical;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable Duration getInterval() {
      return interval;
    }

    public void setInterval(@Nullable Duration interval) {
      this.interval = interval;
    }

    public @Nullable Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(@Nullable Duration timeout) {
      this.timeout = timeout;
    }

    public @Nullable Integer getFailureThreshold() {
      return failureThreshold;
    }

    public void setFailureThreshold(@Nullable Integer failureThreshold) {
      this.failureThreshold = failureThreshold;
    }

    public @Nullable Integer getSuccessThreshold() {
      return successThreshold;
    }

    public void setSuccessThreshold(@Nullable Integer successThreshold) {
      this.successThreshold = successThreshold;
    }

    public @Nullable Boolean getCritical() {
      return critical;
    }

    public void setCritical(@Nullable Boolean critical) {
      this.critical = critical;
    }
  }

  /** The postgres check of the application's DataSource. */
  public static class Postgres {
    /**
     * Migrations that must be applied, each as the migrations column records it (004_name.sql,
     * Flyway's V4__name.sql), oldest first; the last is the expected latest. Falls back to
     * VEGA_EXPECTED_MIGRATION (comma-separated).
     */
    private List<String> expectedMigrations = new ArrayList<>();

    /**
     * The table that lists the applied migrations: flyway_schema_history for Flyway,
     * databasechangelog for Liquibase. A plain SQL identifier, optionally schema-qualified.
     */
    private String migrationsTable = "schema_migrations";

    /** The column of the migrations table that names a migration: script (Flyway), id (Liquibase). */
    private String migrationsColumn = "version";

    public String getMigrationsTable() {
      return migrationsTable;
    }

    public void setMigrationsTable(String migrationsTable) {
      this.migrationsTable = migrationsTable;
    }

    public String getMigrationsColumn() {
      return migrationsColumn;
    }

    public void setMigrationsColumn(String migrationsColumn) {
      this.migrationsColumn = migrationsColumn;
    }

    public List<String> getExpectedMigrations() {
      return expectedMigrations;
    }

    public void setExpectedMigrations(List<String> expectedMigrations) {
      this.expectedMigrations = expectedMigrations;
    }
  }

  /** What /v1/healthz/ready (and Boot's readiness group) answers once the task has served. */
  public static class Readiness {
    /**
     * Whether readiness fails open once the task has been ready: from then on a dependency every
     * task shares (postgres, a queue, a bucket) no longer fails it, only a check of the task itself
     * (jvm-deadlock, Spring's readiness state). ECS replaces every task failing its target group's
     * health check, so strict readiness turns a shared outage into the replacement of every task.
     * False: every critical check fails readiness at all times.
     */
    private boolean failOpen = true;

    public boolean isFailOpen() {
      return failOpen;
    }

    public void setFailOpen(boolean failOpen) {
      this.failOpen = failOpen;
    }
  }

  /** Who sees every check on /v1/healthz; everyone else gets the top-level status only. */
  public static class Detail {
    /** Whether callers from the loopback address see detail (a person on the box, a container health check). */
    private boolean loopback = true;

    /**
     * Networks whose callers see detail, e.g. 10.0.0.0/16. A request a proxy forwarded matches only
     * through vega.health.trusted-proxies, by the caller its X-Forwarded-For names.
     */
    private List<String> networks = new ArrayList<>();

    /** Callers presenting "Authorization: Bearer TOKEN" see detail. At least 16 characters. */
    private @Nullable String token;

    /**
     * With Spring Security: an authenticated principal holding this authority sees detail, e.g.
     * ROLE_vega-ops or SCOPE_vega/health.
     */
    private @Nullable String authority;

    public boolean isLoopback() {
      return loopback;
    }

    public void setLoopback(boolean loopback) {
      this.loopback = loopback;
    }

    public List<String> getNetworks() {
      return networks;
    }

    public void setNetworks(List<String> networks) {
      this.networks = networks;
    }

    public @Nullable String getToken() {
      return token;
    }

    public void setToken(@Nullable String token) {
      this.token = token;
    }

    public @Nullable String getAuthority() {
      return authority;
    }

    public void setAuthority(@Nullable String authority) {
      this.authority = authority;
    }
  }

  /** /v1/healthz, /v1/healthz/live and /v1/healthz/ready on the application's own port. */
  public static class Endpoints {
    /** Whether the application's own web server answers /v1/healthz. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /**
   * The same three paths on a dedicated probe port served by a thread of its own, which the
   * application's request threads cannot exhaust and no client can stall. Point the ALB and ECS
   * health checks here.
   */
  public static class Server {
    /** The probe port; 0 picks a free one, -1 turns the probe server off. */
    private int port = 8081;

    /** The address the probe server binds; 0.0.0.0 so that the ALB reaches it in a container. */
    private String address = "0.0.0.0";

    /**
     * A connection that has not sent a complete request this long after opening, or after its
     * previous request, is closed (silent, slow and half-open clients). 100ms to 60s; a bare number
     * is seconds.
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration requestTimeout = HealthServer.Options.defaults().requestTimeout();

    /** Open connections at most; at the cap a new connection closes the oldest one. 1 to 65536. */
    private int maxConnections = HealthServer.Options.defaults().maxConnections();

    /** The longest request line accepted; longer ones get 414 and are closed. 64B to 64KB. */
    private DataSize maxRequestLineSize = DataSize.ofBytes(HealthServer.Options.defaults().maxRequestLineBytes());

    /** The most header bytes accepted; more get 431 and are closed. 1KB to 64KB. */
    private DataSize maxHeaderSize = DataSize.ofBytes(HealthServer.Options.defaults().maxHeaderBytes());

    public int getPort() {
      return port;
    }

    public void setPort(int port) {
      this.port = port;
    }

    public String getAddress() {
      return address;
    }

    public void setAddress(String address) {
      this.address = address;
    }

    public Duration getRequestTimeout() {
      return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
    }

    public int getMaxConnections() {
      return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
    }

    public DataSize getMaxRequestLineSize() {
      return maxRequestLineSize;
    }

    public void setMaxRequestLineSize(DataSize maxRequestLineSize) {
      this.maxRequestLineSize = maxRequestLineSize;
    }

    public DataSize getMaxHeaderSize() {
      return maxHeaderSize;
    }

    public void setMaxHeaderSize(DataSize maxHeaderSize) {
      this.maxHeaderSize = maxHeaderSize;
    }
  }
}

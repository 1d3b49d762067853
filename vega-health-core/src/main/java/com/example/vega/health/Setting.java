package com.example.vega.health;

import com.example.vega.health.internal.Cidr;
import com.example.vega.health.internal.DatabaseUrl;
import com.example.vega.health.internal.IpLiteral;
import com.example.vega.health.token.ScanTokenHandoff;
import com.example.vega.health.token.TokenReference;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code VEGA_*} settings of the services and of this module, each declared once (the probe
 * server's limits are {@link com.example.vega.health.http.HealthServer.Options}'s; docs/settings.md
 * lists every setting): its name, whether it may hold a
 * secret, and the shape a value must have. The config check, the role profiles, the Spring
 * auto-configuration and the agent all read settings through these constants, so a setting is
 * spelled, validated and quoted the same way everywhere.
 *
 * <pre>{@code
 * Validated<String> queue = Setting.SQS_QUEUE_URL.read(settings);   // valid, not set, or why not
 * String cluster = Setting.ECS_CLUSTER.read(settings).orElse("<cluster>");
 * }</pre>
 *
 * <p>A rejected value is never echoed in a problem; {@link #shown} quotes it only when the setting
 * cannot hold a secret and the value looks like a plain word.
 */
public enum Setting {
  // The Vega services' own settings, checked by the config check.
  ENVIRONMENT("VEGA_ENVIRONMENT", Use.SERVICE_WORD, "[a-z0-9][a-z0-9-]{0,31}",
      "a short lower-case name such as dev or prod"),
  ROLE("VEGA_ROLE", Use.SERVICE_WORD, "[A-Za-z0-9_-]{1,40}", Setting::role,
      "one of " + VegaRole.names()),
  // \p{Graph} is visible ASCII: no control character, whitespace or non-ASCII in any URL.
  DATABASE_URL("VEGA_DATABASE_URL", Use.SERVICE_SECRET,
      "(jdbc:)?postgres(ql)?://[\\p{Graph}&&[^/?]]+(/[\\p{Graph}&&[^?]]*)?(\\?\\p{Graph}*)?",
      DatabaseUrl::isWellFormed, "jdbc:postgresql://host:5432/vega (or postgresql://...)"),
  AUTH_PROVIDER("VEGA_AUTH_PROVIDER", Use.SERVICE_WORD, "[a-z][a-z0-9-]{0,31}", "a provider name such as cognito"),
  COGNITO_REGION("VEGA_COGNITO_REGION", Use.SERVICE_WORD, Patterns.REGION, "an AWS region such as us-west-1"),
  COGNITO_USER_POOL_ID("VEGA_COGNITO_USER_POOL_ID", Use.SERVICE, Patterns.REGION + "_[A-Za-z0-9]{1,64}",
      "<region>_<id>, e.g. us-west-1_AbC123"),
  COGNITO_APP_CLIENT_ID("VEGA_COGNITO_APP_CLIENT_ID", Use.SERVICE, "[A-Za-z0-9]{1,128}",
      "the app client id (letters and digits)"),
  EXECUTION_MODE("VEGA_SCAN_WORKER_EXECUTION_MODE", Use.SERVICE_WORD, "[a-z][a-z0-9-]{0,31}",
      "ecs (or local for development)"),
  LLM_PROXY_BASE_URL("VEGA_LLM_PROXY_BASE_URL", Use.SERVICE, "https?://[A-Za-z0-9.-]+(:\\d{1,5})?(/\\p{Graph}*)?",
      Setting::httpUrl, "http(s)://host[:port] of vega-llm-proxy"),
  // Any value: the llm-proxy check says what is wrong with a token, without showing it.
  LLM_PROXY_TOKEN("VEGA_LLM_PROXY_TOKEN", Use.SERVICE_SECRET, "(?s).+", "the scan-scoped proxy token (a JWT)"),
  // Where the runner's token is (ScanTokenHandoff), never the token: what the RunTask overrides carry.
  // Not a secret itself, but never echoed when malformed (a token pasted here has neither shape).
  LLM_PROXY_TOKEN_REF(TokenReference.SETTING, Use.SERVICE, "\\p{Graph}{1,2100}", TokenReference::isWellFormed,
      TokenReference.SHAPE),
  // The worker's: the name prefix of the per-scan token secrets it creates (ScanTokenHandoff).
  SCAN_TOKEN_SECRET_PREFIX(ScanTokenHandoff.SECRET_PREFIX, Use.SERVICE, "[A-Za-z0-9/_+=.@-]{1,400}",
      "a Secrets Manager secret name prefix such as vega/dev/scan-tokens/"),
  FILE_STORAGE_BACKEND("VEGA_FILE_STORAGE_BACKEND", Use.SERVICE_WORD, "[a-z][a-z0-9-]{0,31}",
      "s3 (or local for development)"),
  ARTIFACTS_BUCKET("VEGA_S3_ARTIFACTS_BUCKET", Use.SERVICE, Patterns.BUCKET, "an S3 bucket name"),
  SOURCE_BUCKET("VEGA_S3_SOURCE_BUCKET", Use.SERVICE, Patterns.BUCKET, "an S3 bucket name"),
  FRONTEND_BUCKET("VEGA_S3_FRONTEND_BUCKET", Use.SERVICE, Patterns.BUCKET, "an S3 bucket name"),
  SQS_QUEUE_URL("VEGA_SQS_QUEUE_URL", Use.SERVICE,
      "https?://[A-Za-z0-9.-]+(:\\d{1,5})?/(\\d{12}/)?[A-Za-z0-9_-]{1,80}(\\.fifo)?", Setting::httpUrl,
      "https://sqs.<region>.amazonaws.com/<account>/<queue>"),
  ECS_CLUSTER("VEGA_ECS_CLUSTER", Use.SERVICE,
      "[A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:" + Patterns.REGION + ":\\d{12}:cluster/[A-Za-z0-9_-]{1,255}",
      "a cluster name or ARN"),
  RUNNER_TASK_DEFINITION("VEGA_RUNNER_TASK_DEFINITION", Use.SERVICE, "[A-Za-z0-9_-]{1,255}(:\\d+)?|arn:aws[a-z-]*:ecs:"
      + Patterns.REGION + ":\\d{12}:task-definition/[A-Za-z0-9_-]{1,255}(:\\d+)?",
      "family[:revision] or a task definition ARN"),
  RUNNER_TASK_ROLE_ARN("VEGA_RUNNER_TASK_ROLE_ARN", Use.SERVICE, Patterns.ROLE_ARN, "an IAM role ARN"),
  WORKER_TASK_ROLE_ARN("VEGA_WORKER_TASK_ROLE_ARN", Use.SERVICE, Patterns.ROLE_ARN, "an IAM role ARN"),
  // SecretsCheck holds every secret id it is given to this same rule.
  PROVIDER_SECRET_ID("VEGA_PROVIDER_SECRET_ID", Use.SERVICE,
      "[A-Za-z0-9/_+=.@-]{1,512}|arn:aws[a-z-]*:secretsmanager:[A-Za-z0-9/_+=.@:-]{1,2000}",
      "a Secrets Manager secret name or ARN"),
  // Opt-in: where the llm-proxy's check proves the provider key with one harmless GET (e.g. a model list).
  PROVIDER_KEY_CHECK_URL("VEGA_PROVIDER_KEY_CHECK_URL", Use.SERVICE,
      "https?://[A-Za-z0-9.-]+(:\\d{1,5})?(/\\p{Graph}*)?", Setting::httpUrl,
      "the provider's https URL a key may GET, e.g. https://api.openai.com/v1/models"),
  PROVIDER_KEY_HEADER("VEGA_PROVIDER_KEY_HEADER", Use.SERVICE_WORD, "[A-Za-z0-9-]{1,64}",
      "the header that carries the key: Authorization (sent as Bearer, the default) or e.g. x-api-key"),
  // Comma-separated, oldest first, each exactly as the migrations column holds it (004_x.sql, V4__x.sql, 4).
  EXPECTED_MIGRATION("VEGA_EXPECTED_MIGRATION", Use.SERVICE, "[A-Za-z0-9][A-Za-z0-9._:/-]{0,254}", v -> true,
      "a migration as its table records it, e.g. 004_x.sql or Flyway's V4__x.sql (several: comma-separated)", true),
  // A service's own migration rules (checks.MigrationRules): the library's defaults name no tool,
  // no log group and require no column; the Vega services pass theirs in through these.
  MIGRATIONS_RUN_HINT("VEGA_MIGRATIONS_RUN_HINT", Use.SERVICE, "[^\\p{Cntrl}]{1,500}",
      "how this service applies its migrations, as a hint says it, e.g. run flyway migrate "
          + "({environment} stands for VEGA_ENVIRONMENT)"),
  MIGRATIONS_LOGS_HINT("VEGA_MIGRATIONS_LOGS_HINT", Use.SERVICE, "[^\\p{Cntrl}]{1,500}",
      "where a failed migration run says why, as a hint says it, e.g. the migration job's logs "
          + "({environment} stands for VEGA_ENVIRONMENT)"),
  MIGRATIONS_COLUMNS("VEGA_MIGRATIONS_COLUMNS", Use.SERVICE,
      "[^=,\\s]{1,200}=[A-Za-z_][A-Za-z0-9_]{0,62}\\.[A-Za-z_][A-Za-z0-9_]{0,62}", v -> true,
      "migration=table.column, comma-separated, e.g. 004_findings_columns.sql=findings.severity", true),
  // Where the applied migrations are listed; PostgresCheck.Builder.migrationsTable holds code to the same rules.
  MIGRATIONS_TABLE("VEGA_MIGRATIONS_TABLE", Use.SERVICE, Patterns.IDENTIFIER + "(\\." + Patterns.IDENTIFIER + ")?",
      "a plain SQL identifier, optionally schema.table: schema_migrations (the default), flyway_schema_history"),
  MIGRATIONS_COLUMN("VEGA_MIGRATIONS_COLUMN", Use.SERVICE, Patterns.IDENTIFIER,
      "a plain SQL identifier: version (the default), Flyway's script or version, Liquibase's id"),
  LOGS_HINT("VEGA_LOGS_HINT", Use.SERVICE, "[^\\p{Cntrl}]{1,500}", "where this service's logs are, as a hint "
      + "says it, e.g. the {service} logs in CloudWatch ({service}: the service, {environment}: VEGA_ENVIRONMENT)"),

  // The agent's and the doctor's own settings.
  HEALTH_ROLE("VEGA_HEALTH_ROLE", Use.MODULE_WORD, "[A-Za-z0-9_-]{1,40}", Setting::role, "one of " + VegaRole.names()),
  HEALTH_PORT("VEGA_HEALTH_PORT", Use.MODULE, "\\d{1,5}", v -> Integer.parseInt(v) <= 65535,
      "a port number from 1 to 65535 (default 8081)"),
  HEALTH_BIND("VEGA_HEALTH_BIND", Use.MODULE, "\\S{1,64}", v -> IpLiteral.parse(v) != null,
      "an IP address: 127.0.0.1 (default), or 0.0.0.0 to let the ALB reach the health port"),
  HEALTH_DETAIL_TOKEN("VEGA_HEALTH_DETAIL_TOKEN", Use.MODULE_SECRET, "(?s).{16,}",
      "at least 16 random characters"),
  HEALTH_DETAIL_NETWORKS("VEGA_HEALTH_DETAIL_NETWORKS", Use.MODULE, "[^\\p{Cntrl}]{1,2000}", Setting::networks,
      "a comma-separated list of networks such as 10.0.0.0/16"),
  // The ALB's subnets: whose X-Forwarded-For/-Proto server spans and detail access believe (TrustedProxies).
  HEALTH_TRUSTED_PROXIES("VEGA_HEALTH_TRUSTED_PROXIES", Use.MODULE, "[^\\p{Cntrl}]{1,2000}", Setting::networks,
      "a comma-separated list of the proxies' networks (the ALB's subnets) such as 10.0.0.0/24,10.0.1.0/24"),
  // Read by the agent's premain as a plain string (it loads no Vega class before main).
  HEALTH_OTEL("VEGA_HEALTH_OTEL", Use.MODULE_WORD, "auto|on|off", "auto, on or off"),
  // Fleet scale: how a task's checks spread their runs and back off (HealthMonitor.Builder.settings).
  HEALTH_START_SPREAD("VEGA_HEALTH_START_SPREAD", Use.MODULE, "\\d{1,5}",
      "seconds within which the checks' first runs are spread after start (default 5; 0 turns spreading off)"),
  HEALTH_STARTUP_DEADLINE("VEGA_HEALTH_STARTUP_DEADLINE", Use.MODULE, "\\d{1,5}",
      "seconds after start during which a check that only timed out is retried rather than reported DOWN "
          + "(default 30; 0 reports every timeout at once)"),
  // The agent only: whether main waits for readiness (the runner: an ECS RunTask task nobody restarts).
  HEALTH_AWAIT_READY("VEGA_HEALTH_AWAIT_READY", Use.MODULE_WORD, "off|wait|exit",
      "off (main starts at once), wait (main starts once the checks answered, or failed with evidence, or "
          + "the startup deadline passed; the default for the runner role) or exit (the same, but a failing "
          + "check stops the JVM with exit 3 and its hint before main)"),
  HEALTH_MAX_BACKOFF("VEGA_HEALTH_MAX_BACKOFF", Use.MODULE, "\\d{1,5}",
      "the longest wait in seconds between runs of a check whose dependency throttles or fails with 5xx "
          + "(default the smaller of 8 intervals and 300; at most the interval turns backoff off)"),
  // Whether check runs that found their dependency healthy are exported as spans (docs/tracing.md).
  HEALTH_TRACE_HEALTHY_RUNS("VEGA_HEALTH_TRACE_HEALTHY_RUNS", Use.MODULE_WORD, "(?i)true|false",
      "true or false (default false)"),
  SERVICE_NAME("VEGA_SERVICE_NAME", Use.MODULE, "[A-Za-z0-9._-]{1,64}", "a service name such as vega-worker"),
  VERSION("VEGA_VERSION", Use.MODULE, "[\\p{Graph}]{1,64}", "the application version, e.g. 1.4.2"),
  RELEASE_ID("VEGA_RELEASE_ID", Use.MODULE, "[\\p{Graph}]{1,128}", "the build or image id, e.g. a git sha"),
  DOCTOR_TOKEN("VEGA_DOCTOR_TOKEN", Use.MODULE_SECRET, "(?s).+", "the service's detail token");

  /** No setting is longer: beyond it a value is junk, whatever its characters. */
  static final int MAX_LENGTH = 4096;

  /** Who reads a setting, whether its values may be secrets, whether short values may be quoted. */
  private enum Use {
    SERVICE(true, false, false), SERVICE_WORD(true, false, true), SERVICE_SECRET(true, true, false),
    MODULE(false, false, false), MODULE_WORD(false, false, true), MODULE_SECRET(false, true, false);

    final boolean service;
    final boolean secret;
    final boolean word;

    Use(boolean service, boolean secret, boolean word) {
      this.service = service;
      this.secret = secret;
      this.word = word;
    }
  }

  private static final class Patterns {
    static final String REGION = "[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d{1,2}";
    static final String ROLE_ARN = "arn:aws[a-z-]*:iam::\\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}";
    static final String BUCKET = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]";
    static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]{0,62}";
  }

  private final String key;
  private final Use use;
  private final Pattern pattern;
  private final Predicate<String> parses;
  private final String shape;
  private final boolean list;

  Setting(String key, Use use, String regex, String shape) {
    this(key, use, regex, v -> true, shape, false);
  }

  Setting(String key, Use use, String regex, Predicate<String> parses, String shape) {
    this(key, use, regex, parses, shape, false);
  }

  Setting(String key, Use use, String regex, Predicate<String> parses, String shape, boolean list) {
    this.key = key;
    this.use = use;
    this.pattern = Pattern.compile(regex);
    this.parses = parses;
    this.shape = shape;
    this.list = list;
  }

  /** The variable's name, e.g. {@code VEGA_SQS_QUEUE_URL}. */
  public String key() {
    return key;
  }

  /** Whether a value may be a secret: it is then never shown, and callers mask it in every output. */
  public boolean secret() {
    return use.secret;
  }

  /** Whether it is a setting of the Vega services (checked by the config check), not of this module. */
  public boolean serviceSetting() {
    return use.service;
  }

  /** Whether its values are short words (such as {@code local}) that messages may quote. */
  public boolean word() {
    return use.word;
  }

  /** What a value must look like, as messages say it: {@code "an S3 bucket name"}. */
  public String shape() {
    return shape;
  }

  /** Whether {@code value} has this setting's shape (for a list: every comma-separated item). */
  public boolean accepts(String value) {
    if (value.length() > MAX_LENGTH) {
      return false;
    }
    for (String item : list ? items(value) : List.of(value)) {
      try {
        if (!pattern.matcher(item).matches() || !parses.test(item)) {
          return false;
        }
      } catch (RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  /** The value in {@code settings}, trimmed; null when not set or blank. Not validated. */
  public @Nullable String raw(VegaSettings settings) {
    return settings.value(key);
  }

  /** The value in {@code settings}: valid (null when not set) or the problem with it. */
  public Validated<String> read(VegaSettings settings) {
    return validate(key, raw(settings), "");
  }

  /**
   * Validates {@code value} read from {@code source} (this setting's key, or a property that stands
   * for it). {@code where} ends the hint, e.g. {@code " in the vega-worker task definition"}.
   */
  public Validated<String> validate(String source, @Nullable String value, String where) {
    if (value == null) {
      return Validated.valid(null);
    }
    String v = value.trim();
    if (accepts(v)) {
      return Validated.valid(v);
    }
    return Validated.invalid(new Validated.Problem(source, source + " is malformed: expected " + shape,
        "fix " + source + where + " (expected " + shape + ")"));
  }

  /**
   * {@code value}, trimmed, if this setting accepts it: for a value given in code (a check's
   * builder) rather than read from the environment.
   *
   * @throws IllegalArgumentException naming this setting, the shape it expects and, unless it may
   *     hold a secret, the value
   */
  public String require(String value) {
    Validated<String> v = validate(key, Objects.requireNonNull(value, key), "");
    String valid = v.get();
    if (valid == null) {
      throw new IllegalArgumentException(v.problems().get(0).message() + ", was " + shown(value));
    }
    return valid;
  }

  /** A list setting's items (comma-separated, trimmed); a single value for any other setting. */
  public Validated<List<String>> readList(VegaSettings settings) {
    return validateList(key, raw(settings), "");
  }

  /** {@link #validate}, split into a list setting's items (empty when not set). */
  public Validated<List<String>> validateList(String source, @Nullable String value, String where) {
    Validated<List<String>> v = validate(source, value, where).map(s -> list ? items(s) : List.of(s));
    return v.isValid() && !v.isPresent() ? Validated.valid(List.of()) : v;
  }

  /**
   * How a message quotes a rejected value of this setting: never for a secret; otherwise as
   * {@link VegaSettings#shown} does (short plain words only).
   */
  public String shown(@Nullable String value) {
    if (value != null && secret()) {
      return "(not shown: " + key + " may hold a secret)";
    }
    return VegaSettings.shown(value);
  }

  /** The setting named {@code key}, if it is one of these. */
  public static Optional<Setting> of(String key) {
    for (Setting s : values()) {
      if (s.key.equals(key)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The settings of the Vega services, in declaration order. */
  public static List<Setting> serviceSettings() {
    return Arrays.stream(values()).filter(Setting::serviceSetting).toList();
  }

  private static List<String> items(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      out.add(part.trim());
    }
    return out;
  }

  /** What the HTTP client is given: a URI with a host (java.net.URI's rules) and a port in range. */
  private static boolean httpUrl(String value) {
    try {
      URI uri = new URI(value);
      return uri.getHost() != null && uri.getPort() <= 65535;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static boolean role(String value) {
    return VegaRole.of(value) != null; // throws when it names no role: accepts() takes that as "no"
  }

  private static boolean networks(String value) {
    return Arrays.stream(value.split(",")).allMatch(network -> Cidr.parse(network) != null); // or throws
  }

  @Override
  public String toString() {
    return Objects.requireNonNull(key);
  }
}

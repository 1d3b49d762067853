package com.example.vega.health.checks;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.VegaSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The role's {@code VEGA_*} settings: each required one present and well-formed, and the
 * production sanity the runbook names ({@code VEGA_SCAN_WORKER_EXECUTION_MODE=ecs},
 * {@code VEGA_FILE_STORAGE_BACKEND=s3}, {@code VEGA_AUTH_PROVIDER=cognito}, buckets set).
 *
 * <p>Every environment except {@code local} and {@code test} is production-like: {@code dev} in
 * the runbook is a real AWS deployment (ECS, S3, Cognito) and must be configured like one. A
 * missing {@code VEGA_ENVIRONMENT} is reported and treated as production-like.
 *
 * <p>Problems name the setting and the expected shape; a value is never echoed, except a short
 * lower-case word for the enumerated settings ({@code local}), so a password pasted into the
 * wrong variable never leaves the process. {@link #validate} fails fast at startup.
 */
public final class ConfigCheck implements HealthCheck {
  /** Environments that are not production-like. */
  public static final Set<String> NON_PRODUCTION = Set.of("local", "test");

  static final String ENVIRONMENT = "VEGA_ENVIRONMENT";
  static final String DATABASE_URL = "VEGA_DATABASE_URL";
  static final String AUTH_PROVIDER = "VEGA_AUTH_PROVIDER";
  static final String COGNITO_REGION = "VEGA_COGNITO_REGION";
  static final String COGNITO_USER_POOL_ID = "VEGA_COGNITO_USER_POOL_ID";
  static final String COGNITO_APP_CLIENT_ID = "VEGA_COGNITO_APP_CLIENT_ID";
  static final String EXECUTION_MODE = "VEGA_SCAN_WORKER_EXECUTION_MODE";
  static final String LLM_PROXY_BASE_URL = "VEGA_LLM_PROXY_BASE_URL";
  static final String LLM_PROXY_TOKEN = "VEGA_LLM_PROXY_TOKEN";
  static final String FILE_STORAGE_BACKEND = "VEGA_FILE_STORAGE_BACKEND";
  static final String ARTIFACTS_BUCKET = "VEGA_S3_ARTIFACTS_BUCKET";
  static final String SOURCE_BUCKET = "VEGA_S3_SOURCE_BUCKET";
  static final String FRONTEND_BUCKET = "VEGA_S3_FRONTEND_BUCKET";
  static final String SQS_QUEUE_URL = "VEGA_SQS_QUEUE_URL";
  static final String ECS_CLUSTER = "VEGA_ECS_CLUSTER";
  static final String RUNNER_TASK_DEFINITION = "VEGA_RUNNER_TASK_DEFINITION";
  static final String RUNNER_TASK_ROLE_ARN = "VEGA_RUNNER_TASK_ROLE_ARN";
  static final String WORKER_TASK_ROLE_ARN = "VEGA_WORKER_TASK_ROLE_ARN";
  static final String PROVIDER_SECRET_ID = "VEGA_PROVIDER_SECRET_ID";
  static final String EXPECTED_MIGRATION = "VEGA_EXPECTED_MIGRATION";

  /** No setting is longer: beyond it a value is junk, whatever its characters. */
  private static final int MAX_LENGTH = 4096;

  /** A setting's expected shape, and what its consumer must be able to parse beyond the pattern. */
  private record Rule(String name, Pattern pattern, String shape, boolean enumerated, Predicate<String> parses) {
    boolean accepts(String value) {
      return value.length() <= MAX_LENGTH && pattern.matcher(value).matches() && parses.test(value);
    }
  }

  private static final String REGION_RE = "[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d{1,2}";
  private static final String ROLE_ARN_RE = "arn:aws[a-z-]*:iam::\\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}";
  private static final String BUCKET_RE = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]";
  private static final List<Rule> RULES = List.of(
      rule(ENVIRONMENT, "[a-z][a-z0-9-]{0,31}", "a short lower-case name such as dev or prod", true),
      // \p{Graph} is visible ASCII: no control character, whitespace or non-ASCII in any URL.
      rule(DATABASE_URL, "(jdbc:)?postgres(ql)?://[\\p{Graph}&&[^/?]]+(/[\\p{Graph}&&[^?]]*)?(\\?\\p{Graph}*)?",
          "jdbc:postgresql://host:5432/vega (or postgresql://...)", false),
      rule(AUTH_PROVIDER, "[a-z][a-z0-9-]{0,31}", "a provider name such as cognito", true),
      rule(COGNITO_REGION, REGION_RE, "an AWS region such as us-west-1", true),
      rule(COGNITO_USER_POOL_ID, REGION_RE + "_[A-Za-z0-9]{1,64}", "<region>_<id>, e.g. us-west-1_AbC123", false),
      rule(COGNITO_APP_CLIENT_ID, "[A-Za-z0-9]{1,128}", "the app client id (letters and digits)", false),
      rule(EXECUTION_MODE, "[a-z][a-z0-9-]{0,31}", "ecs (or local for development)", true),
      rule(LLM_PROXY_BASE_URL, "https?://[A-Za-z0-9.-]+(:\\d{1,5})?(/\\p{Graph}*)?", "http(s)://host[:port] of vega-llm-proxy",
          false, ConfigCheck::httpUrl),
      rule(FILE_STORAGE_BACKEND, "[a-z][a-z0-9-]{0,31}", "s3 (or local for development)", true),
      rule(ARTIFACTS_BUCKET, BUCKET_RE, "an S3 bucket name", false),
      rule(SOURCE_BUCKET, BUCKET_RE, "an S3 bucket name", false),
      rule(FRONTEND_BUCKET, BUCKET_RE, "an S3 bucket name", false),
      rule(SQS_QUEUE_URL, "https?://[A-Za-z0-9.-]+(:\\d{1,5})?/(\\d{12}/)?[A-Za-z0-9_-]{1,80}(\\.fifo)?",
          "https://sqs.<region>.amazonaws.com/<account>/<queue>", false, ConfigCheck::httpUrl),
      rule(ECS_CLUSTER, "[A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:" + REGION_RE + ":\\d{12}:cluster/[A-Za-z0-9_-]{1,255}",
          "a cluster name or ARN", false),
      rule(RUNNER_TASK_DEFINITION, "[A-Za-z0-9_-]{1,255}(:\\d+)?|arn:aws[a-z-]*:ecs:" + REGION_RE
          + ":\\d{12}:task-definition/[A-Za-z0-9_-]{1,255}(:\\d+)?", "family[:revision] or a task definition ARN", false),
      rule(RUNNER_TASK_ROLE_ARN, ROLE_ARN_RE, "an IAM role ARN", false),
      rule(WORKER_TASK_ROLE_ARN, ROLE_ARN_RE, "an IAM role ARN", false),
      // The characters SecretsCheck accepts: a value passing here must also build that check.
      rule(PROVIDER_SECRET_ID, "[A-Za-z0-9/_+=.@-]{1,512}|arn:aws[a-z-]*:secretsmanager:[A-Za-z0-9/_+=.@:-]{1,2000}",
          "a Secrets Manager secret name or ARN", false),
      rule(EXPECTED_MIGRATION, "\\d{1,9}_[A-Za-z0-9_]{1,200}(\\.sql)?", "a migration file such as 004_findings_columns.sql", false));

  private static Rule rule(String name, String regex, String shape, boolean enumerated) {
    return rule(name, regex, shape, enumerated, v -> true);
  }

  private static Rule rule(String name, String regex, String shape, boolean enumerated, Predicate<String> parses) {
    return new Rule(name, Pattern.compile(regex), shape, enumerated, parses);
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

  /**
   * One thing wrong with the settings.
   *
   * @param setting the variable, e.g. {@code VEGA_SQS_QUEUE_URL}
   * @param message what is wrong, never echoing a secret
   * @param hint the next step
   */
  public record Problem(String setting, String message, String hint) {}

  private final VegaRole role;
  private final VegaSettings settings;

  private ConfigCheck(VegaRole role, VegaSettings settings) {
    this.role = role;
    this.settings = settings;
  }

  /** A check of {@code role}'s settings read from {@code settings} at each run. */
  public static ConfigCheck of(VegaRole role, VegaSettings settings) {
    return new ConfigCheck(Objects.requireNonNull(role, "role"), Objects.requireNonNull(settings, "settings"));
  }

  /** Registered as {@code config}, a system check measured by the number of {@code problems}. */
  public CheckRegistration registration(CheckPolicy policy) {
    return new CheckRegistration("config", "system", "problems", policy, this);
  }

  /** Whether {@code value} has the shape {@code name} needs (true for settings without a rule). */
  static boolean wellFormed(String name, String value) {
    for (Rule r : RULES) {
      if (r.name().equals(name)) {
        return r.accepts(value);
      }
    }
    return true;
  }

  /** Whether an environment gets production rules: everything but {@link #NON_PRODUCTION}. */
  public static boolean productionLike(@Nullable String environment) {
    return environment == null || !NON_PRODUCTION.contains(environment.toLowerCase(Locale.ROOT));
  }

  /**
   * Fails fast: throws {@link IllegalArgumentException} naming every missing or malformed setting
   * of the role. Call it at startup.
   */
  public static void validate(VegaRole role, VegaSettings settings) {
    List<Problem> problems = problems(role, settings);
    if (!problems.isEmpty()) {
      StringBuilder sb = new StringBuilder(role.serviceName()).append(" settings are invalid: ");
      for (int i = 0; i < problems.size(); i++) {
        sb.append(i == 0 ? "" : "; ").append(problems.get(i).message());
      }
      throw new IllegalArgumentException(sb.toString());
    }
  }

  /** Everything wrong with {@code role}'s settings, in a stable order; empty when all is well. */
  public static List<Problem> problems(VegaRole role, VegaSettings s) {
    Checker c = new Checker(role, s);
    String env = c.require(ENVIRONMENT);
    boolean prod = productionLike(env);
    c.prod = prod;
    c.env = shownEnvironment(env);
    switch (role) {
      case API -> {
        c.require(DATABASE_URL);
        String auth = c.require(AUTH_PROVIDER);
        c.expect(AUTH_PROVIDER, auth, "cognito");
        if ("cognito".equals(auth)) {
          c.cognito();
        }
        if (prod) {
          c.require(SQS_QUEUE_URL);
        }
        String fs = c.require(FILE_STORAGE_BACKEND);
        c.expect(FILE_STORAGE_BACKEND, fs, "s3");
        if ("s3".equals(fs) || prod) {
          c.require(SOURCE_BUCKET);
        }
      }
      case WORKER -> {
        c.require(DATABASE_URL);
        if (prod) {
          c.require(SQS_QUEUE_URL);
        }
        String mode = c.require(EXECUTION_MODE);
        c.expect(EXECUTION_MODE, mode, "ecs");
        if ("ecs".equals(mode) || prod) {
          c.require(ECS_CLUSTER);
          c.require(RUNNER_TASK_DEFINITION);
        }
      }
      case RUNNER -> {
        c.require(DATABASE_URL);
        c.require(LLM_PROXY_BASE_URL);
        String fs = c.require(FILE_STORAGE_BACKEND);
        c.expect(FILE_STORAGE_BACKEND, fs, "s3");
        if ("s3".equals(fs) || prod) {
          c.require(SOURCE_BUCKET);
          c.require(ARTIFACTS_BUCKET);
        }
      }
      case LLM_PROXY -> {
        if (prod) {
          c.require(PROVIDER_SECRET_ID);
        }
      }
      case MAINTENANCE -> c.require(DATABASE_URL);
    }
    // Whatever the role, a setting that is present must be well-formed.
    for (Rule r : RULES) {
      c.wellFormed(r);
    }
    return List.copyOf(c.problems);
  }

  /**
   * The auth settings alone ({@code VEGA_AUTH_PROVIDER} and the Cognito ones), so that the Cognito
   * check words them exactly as this check does.
   */
  static List<Problem> authProblems(VegaRole role, VegaSettings s) {
    Checker c = new Checker(role, s);
    String env = s.value(ENVIRONMENT);
    c.prod = productionLike(env);
    c.env = shownEnvironment(env);
    String auth = c.require(AUTH_PROVIDER);
    c.expect(AUTH_PROVIDER, auth, "cognito");
    if ("cognito".equals(auth)) {
      c.cognito();
    }
    for (Rule r : RULES) {
      if (r.name().equals(AUTH_PROVIDER) || r.name().startsWith("VEGA_COGNITO_")) {
        c.wellFormed(r);
      }
    }
    return List.copyOf(c.problems);
  }

  /** The environment as hints show it: a malformed value is never echoed (it may be a secret). */
  private static String shownEnvironment(@Nullable String env) {
    return env == null ? "unset" : wellFormed(ENVIRONMENT, env) ? env : "<malformed>";
  }

  @Override
  public CheckResult check(CheckContext ctx) {
    List<Problem> problems = problems(role, settings);
    String env = settings.value(ENVIRONMENT);
    if (problems.isEmpty()) {
      return CheckResult.up(role.serviceName() + " settings complete for environment " + env
              + (productionLike(env) ? " (production rules)" : ""))
          .with("problems", 0, null);
    }
    Problem first = problems.get(0);
    List<String> names = new ArrayList<>();
    for (Problem p : problems) {
      if (!names.contains(p.setting())) {
        names.add(p.setting());
      }
    }
    String more = problems.size() == 1 ? "" : " (and " + (problems.size() - 1) + " more)";
    return CheckResult.down(ErrorKind.MISCONFIGURED, first.message() + more, first.hint())
        .with("problems", problems.size(), null)
        .with("settings", String.join(", ", names), null);
  }

  /** Collects problems for one role; each setting is reported once. */
  private static final class Checker {
    private final VegaRole role;
    private final VegaSettings s;
    private final List<Problem> problems = new ArrayList<>();
    private boolean prod = true;
    private String env = "unset";

    Checker(VegaRole role, VegaSettings s) {
      this.role = role;
      this.s = s;
    }

    private boolean reported(String setting) {
      for (Problem p : problems) {
        if (p.setting().equals(setting)) {
          return true;
        }
      }
      return false;
    }

    private String taskDefinition() {
      return " in the " + role.serviceName() + " task definition";
    }

    @Nullable String require(String name) {
      String v = s.value(name);
      if (v == null) {
        problems.add(new Problem(name, name + " is not set",
            "set " + name + taskDefinition() + " (" + rule(name).shape() + ")"));
      }
      return v;
    }

    void expect(String name, @Nullable String value, String wanted) {
      if (!prod || value == null || value.equals(wanted) || reported(name)) {
        return;
      }
      String shown = rule(name).enumerated() && value.matches("[a-z0-9-]{1,20}") ? "'" + value + "'" : "not '" + wanted + "'";
      problems.add(new Problem(name, name + " is " + shown + ", production needs '" + wanted + "'",
          "set " + name + "=" + wanted + taskDefinition() + " (VEGA_ENVIRONMENT=" + env
              + " is production-like; only local and test are not)"));
    }

    void cognito() {
      String region = require(COGNITO_REGION);
      String pool = require(COGNITO_USER_POOL_ID);
      require(COGNITO_APP_CLIENT_ID);
      // Only well-formed values are compared: the pool's prefix is echoed, and a malformed one may be a secret.
      if (region != null && pool != null && rule(COGNITO_USER_POOL_ID).accepts(pool)
          && rule(COGNITO_REGION).accepts(region)) {
        String poolRegion = pool.substring(0, pool.indexOf('_'));
        if (!poolRegion.equals(region)) {
          problems.add(new Problem(COGNITO_USER_POOL_ID,
              COGNITO_USER_POOL_ID + " belongs to " + poolRegion + " but " + COGNITO_REGION + " is " + region,
              "confirm VEGA_COGNITO_REGION, VEGA_COGNITO_USER_POOL_ID and VEGA_COGNITO_APP_CLIENT_ID are "
                  + "correct" + taskDefinition()));
        }
      }
    }

    void wellFormed(Rule r) {
      String v = s.value(r.name());
      if (v == null || reported(r.name()) || r.accepts(v)) {
        return;
      }
      problems.add(new Problem(r.name(), r.name() + " is malformed: expected " + r.shape(),
          "fix " + r.name() + taskDefinition() + " (expected " + r.shape() + ")"));
    }

    private static Rule rule(String name) {
      for (Rule r : RULES) {
        if (r.name().equals(name)) {
          return r;
        }
      }
      throw new IllegalStateException(name);
    }
  }
}

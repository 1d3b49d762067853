package com.example.vega.health.checks;

import com.example.vega.health.VegaRole;
import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ComponentType;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.Setting;
import com.example.vega.health.Validated.Problem;
import com.example.vega.health.Validated;
import com.example.vega.health.VegaSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
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
 * <p>Each setting's shape is declared once in {@link Setting}; this check adds what each role
 * requires. Problems name the setting and the expected shape; a value is never echoed, except a
 * short lower-case word for the enumerated settings ({@code local}), so a password pasted into the
 * wrong variable never leaves the process. {@link #validate} fails fast at startup.
 */
public final class ConfigCheck implements HealthCheck {
  /** Environments that are not production-like. */
  public static final Set<String> NON_PRODUCTION = Set.of("local", "test");

  private final VegaRole role;
  private final VegaSettings settings;
  private final List<Problem> missingClients;

  private ConfigCheck(VegaRole role, VegaSettings settings, List<Problem> missingClients) {
    this.role = role;
    this.settings = settings;
    this.missingClients = List.copyOf(missingClients);
  }

  /** A check of {@code role}'s settings read from {@code settings} at each run. */
  public static ConfigCheck of(VegaRole role, VegaSettings settings) {
    return of(role, settings, List.of());
  }

  /**
   * The same, also reporting the clients the role's checks could not be given (each problem names
   * the client and what goes unchecked without it), after the settings' problems.
   */
  public static ConfigCheck of(VegaRole role, VegaSettings settings, List<Problem> missingClients) {
    return new ConfigCheck(Objects.requireNonNull(role, "role"), Objects.requireNonNull(settings, "settings"),
        missingClients);
  }

  /** Registered as {@code config}, a system check measured by the number of {@code problems}. */
  public CheckRegistration registration(CheckPolicy policy) {
    return new CheckRegistration("config", ComponentType.SYSTEM, "problems", policy, this);
  }

  /** Whether {@code value} has the shape the setting {@code name} needs (true for unknown names). */
  static boolean wellFormed(String name, String value) {
    return Setting.of(name).map(s -> s.accepts(value)).orElse(true);
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
    Validated<Void> v = validated(role, settings);
    if (!v.isValid()) {
      throw new IllegalArgumentException(role.serviceName() + " settings are invalid: " + v.messages());
    }
  }

  /** Everything wrong with {@code role}'s settings, in a stable order; empty when all is well. */
  public static List<Problem> problems(VegaRole role, VegaSettings s) {
    return validated(role, s).problems();
  }

  /** {@code role}'s settings as one validation: valid, or every problem at once. */
  public static Validated<Void> validated(VegaRole role, VegaSettings s) {
    Checker c = new Checker(role, s);
    String env = c.require(Setting.ENVIRONMENT);
    boolean prod = productionLike(env);
    c.prod = prod;
    c.env = shownEnvironment(env);
    switch (role) {
      case API -> {
        c.require(Setting.DATABASE_URL);
        c.auth();
        if (prod) {
          c.require(Setting.SQS_QUEUE_URL);
        }
        c.storage(Setting.SOURCE_BUCKET);
      }
      case WORKER -> {
        c.require(Setting.DATABASE_URL);
        if (prod) {
          c.require(Setting.SQS_QUEUE_URL);
        }
        String mode = c.require(Setting.EXECUTION_MODE);
        c.expect(Setting.EXECUTION_MODE, mode, "ecs");
        if ("ecs".equals(mode) || prod) {
          c.require(Setting.ECS_CLUSTER);
          c.require(Setting.RUNNER_TASK_DEFINITION);
        }
      }
      case RUNNER -> {
        c.require(Setting.DATABASE_URL);
        c.require(Setting.LLM_PROXY_BASE_URL);
        c.storage(Setting.SOURCE_BUCKET, Setting.ARTIFACTS_BUCKET);
      }
      case LLM_PROXY -> {
        if (prod) {
          c.require(Setting.PROVIDER_SECRET_ID);
        }
      }
      case MAINTENANCE -> c.require(Setting.DATABASE_URL);
    }
    // Whatever the role, a service setting that is present must be well-formed.
    for (Setting setting : Setting.serviceSettings()) {
      c.wellFormed(setting);
    }
    return c.result();
  }

  /**
   * The auth settings alone ({@code VEGA_AUTH_PROVIDER} and the Cognito ones), so that the Cognito
   * check words them exactly as this check does.
   */
  static List<Problem> authProblems(VegaRole role, VegaSettings s) {
    Checker c = new Checker(role, s);
    String env = Setting.ENVIRONMENT.raw(s);
    c.prod = productionLike(env);
    c.env = shownEnvironment(env);
    c.auth();
    for (Setting setting : List.of(Setting.AUTH_PROVIDER, Setting.COGNITO_REGION, Setting.COGNITO_USER_POOL_ID,
        Setting.COGNITO_APP_CLIENT_ID)) {
      c.wellFormed(setting);
    }
    return c.result().problems();
  }

  /** The environment as hints show it: a malformed value is never echoed (it may be a secret). */
  private static String shownEnvironment(@Nullable String env) {
    return env == null ? "unset" : Setting.ENVIRONMENT.accepts(env) ? env : "<malformed>";
  }

  @Override
  public CheckResult check(CheckContext ctx) {
    List<Problem> problems = new ArrayList<>(problems(role, settings));
    problems.addAll(missingClients);
    String env = Setting.ENVIRONMENT.raw(settings);
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

    Validated<Void> result() {
      return problems.isEmpty() ? Validated.valid(null) : Validated.invalid(problems);
    }

    private boolean reported(Setting setting) {
      for (Problem p : problems) {
        if (p.setting().equals(setting.key())) {
          return true;
        }
      }
      return false;
    }

    private String taskDefinition() {
      return " in the " + role.serviceName() + " task definition";
    }

    @Nullable String require(Setting setting) {
      String v = setting.raw(s);
      if (v == null) {
        problems.add(new Problem(setting.key(), setting.key() + " is not set",
            "set " + setting.key() + taskDefinition() + " (" + setting.shape() + ")"));
      }
      return v;
    }

    void expect(Setting setting, @Nullable String value, String wanted) {
      if (!prod || value == null || value.equals(wanted) || reported(setting)) {
        return;
      }
      String name = setting.key();
      String shown = setting.word() && value.matches("[a-z0-9-]{1,20}") ? "'" + value + "'" : "not '" + wanted + "'";
      problems.add(new Problem(name, name + " is " + shown + ", production needs '" + wanted + "'",
          "set " + name + "=" + wanted + taskDefinition() + " (VEGA_ENVIRONMENT=" + env
              + " is production-like; only local and test are not)"));
    }

    /** The provider, and the Cognito trio when it is Cognito. */
    void auth() {
      String auth = require(Setting.AUTH_PROVIDER);
      expect(Setting.AUTH_PROVIDER, auth, "cognito");
      if ("cognito".equals(auth)) {
        cognito();
      }
    }

    /** The storage backend, and the buckets it needs when it is S3 (or in production). */
    void storage(Setting... buckets) {
      String fs = require(Setting.FILE_STORAGE_BACKEND);
      expect(Setting.FILE_STORAGE_BACKEND, fs, "s3");
      if ("s3".equals(fs) || prod) {
        for (Setting b : buckets) {
          require(b);
        }
      }
    }

    void cognito() {
      String region = require(Setting.COGNITO_REGION);
      String pool = require(Setting.COGNITO_USER_POOL_ID);
      require(Setting.COGNITO_APP_CLIENT_ID);
      // Only well-formed values are compared: the pool's prefix is echoed, and a malformed one may be a secret.
      if (region != null && pool != null && Setting.COGNITO_USER_POOL_ID.accepts(pool)
          && Setting.COGNITO_REGION.accepts(region)) {
        String poolRegion = pool.substring(0, pool.indexOf('_'));
        if (!poolRegion.equals(region)) {
          problems.add(new Problem(Setting.COGNITO_USER_POOL_ID.key(),
              Setting.COGNITO_USER_POOL_ID.key() + " belongs to " + poolRegion + " but "
                  + Setting.COGNITO_REGION.key() + " is " + region,
              "confirm VEGA_COGNITO_REGION, VEGA_COGNITO_USER_POOL_ID and VEGA_COGNITO_APP_CLIENT_ID are "
                  + "correct" + taskDefinition()));
        }
      }
    }

    void wellFormed(Setting setting) {
      if (!reported(setting)) {
        problems.addAll(setting.validate(setting.key(), setting.raw(s), taskDefinition()).problems());
      }
    }
  }
}

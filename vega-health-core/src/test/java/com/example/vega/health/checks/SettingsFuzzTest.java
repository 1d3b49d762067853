package com.example.vega.health.checks;

import com.example.vega.health.VegaRole;
import static com.example.vega.health.testing.Fuzz.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.Observation;
import com.example.vega.health.Status;
import com.example.vega.health.Validated;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.testing.Fuzz;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the {@code VEGA_*} settings, on top of {@link ConfigCheckTest}'s table: each
 * case is a random mix, per setting, of absent, valid, a valid value with small edits, and hostile
 * values (blank, 100 KB, control characters, non-ASCII, random UTF-16, URL metacharacters), with
 * a password planted in the database URL, in the proxy token, or pasted into a wrong setting. Every
 * case goes through {@link ConfigCheck} for every {@link VegaRole}, {@link ConfigCheck#validate}
 * and {@link VegaChecks#forRole} (some cases also run the registered checks once, against a
 * closed local port). Properties:
 *
 * <ul>
 *   <li>nothing throws, except {@code validate}'s IllegalArgumentException, which names every
 *       setting the check names;
 *   <li>a setting that is present but has a control character, non-ASCII, inner whitespace, or
 *       more than 4096 characters is never accepted: the check is DOWN and names it;
 *   <li>the planted password appears in no message, hint or observed value;
 *   <li>the whole batch ends within a generous bound (a hang guard, not a speed test).
 * </ul>
 *
 * Defaults: seed 8, 2,000 cases; override with {@code -Dvega.fuzz.seed} and {@code -Dvega.fuzz.cases}.
 * The cases the fuzzer found (seed 8) are kept below as fixed regression tests.
 */
class SettingsFuzzTest {
  /** Every setting ConfigCheck has a rule for, with a well-formed example of each. */
  static final Map<String, List<String>> VALID = new LinkedHashMap<>();

  static {
    VALID.put("VEGA_ENVIRONMENT", List.of("prod", "dev", "local", "test"));
    VALID.put("VEGA_DATABASE_URL", List.of("jdbc:postgresql://db.internal:5432/vega",
        "postgresql://vega@db:5432/vega?sslmode=require"));
    VALID.put("VEGA_AUTH_PROVIDER", List.of("cognito", "local"));
    VALID.put("VEGA_COGNITO_REGION", List.of("us-west-1", "eu-central-1"));
    VALID.put("VEGA_COGNITO_USER_POOL_ID", List.of("us-west-1_AbC123", "eu-central-1_Zz9"));
    VALID.put("VEGA_COGNITO_APP_CLIENT_ID", List.of("4l0hk2u2h7qg3c6gkk1dkcbq4j"));
    VALID.put("VEGA_SCAN_WORKER_EXECUTION_MODE", List.of("ecs", "local"));
    VALID.put("VEGA_LLM_PROXY_BASE_URL", List.of("http://proxy.internal:8080", "https://llm-proxy.dev.vega.example.com/v1"));
    VALID.put("VEGA_FILE_STORAGE_BACKEND", List.of("s3", "local"));
    VALID.put("VEGA_S3_ARTIFACTS_BUCKET", List.of("vega-prod-artifacts"));
    VALID.put("VEGA_S3_SOURCE_BUCKET", List.of("vega-prod-source"));
    VALID.put("VEGA_S3_FRONTEND_BUCKET", List.of("vega.example.com"));
    VALID.put("VEGA_SQS_QUEUE_URL", List.of("https://sqs.us-west-1.amazonaws.com/123456789012/vega-prod-scans",
        "http://127.0.0.1:4566/000000000000/scans.fifo"));
    VALID.put("VEGA_ECS_CLUSTER", List.of("vega-prod", "arn:aws:ecs:us-west-1:123456789012:cluster/vega-prod"));
    VALID.put("VEGA_RUNNER_TASK_DEFINITION", List.of("vega-v16-runner:42",
        "arn:aws:ecs:us-west-1:123456789012:task-definition/vega-v16-runner:7"));
    VALID.put("VEGA_RUNNER_TASK_ROLE_ARN", List.of("arn:aws:iam::123456789012:role/vega-runner"));
    VALID.put("VEGA_WORKER_TASK_ROLE_ARN", List.of("arn:aws:iam::123456789012:role/vega/worker"));
    VALID.put("VEGA_PROVIDER_SECRET_ID", List.of("vega/prod/provider-key",
        "arn:aws:secretsmanager:us-west-1:123456789012:secret:vega/provider-AbCdEf"));
    VALID.put("VEGA_EXPECTED_MIGRATION", List.of("004_findings_columns.sql", "12_x", "V4__findings_columns.sql"));
    // Nothing listens on port 1: the provider is never reached.
    VALID.put("VEGA_PROVIDER_KEY_CHECK_URL", List.of("http://127.0.0.1:1/v1/models"));
    VALID.put("VEGA_PROVIDER_KEY_HEADER", List.of("Authorization", "x-api-key"));
    VALID.put("VEGA_LLM_PROXY_TOKEN_REF", List.of(
        "arn:aws:secretsmanager:us-west-1:123456789012:secret:vega/prod/scan-tokens/scan-1-AbCdEf",
        "file:/tmp/vega-scan-tokens-1/token-scan-1-2"));
    VALID.put("VEGA_SCAN_TOKEN_SECRET_PREFIX", List.of("vega/prod/scan-tokens/"));
  }

  private static final Fuzz FUZZ = Fuzz.of("SettingsFuzzTest", 8L, 2_000);
  private static VegaChecks.Clients clients;

  @BeforeAll
  static void clients() {
    // Nothing listens on port 1: checks that are run fail fast, and never reach AWS.
    AwsClients aws = AwsClients.at(URI.create("http://127.0.0.1:1"));
    clients = VegaChecks.Clients.builder().aws(aws.sqs(), aws.s3(), aws.secrets(), aws.ecs(), aws.iam())
        .http(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build())
        .cognitoIssuerBase(URI.create("http://127.0.0.1:1")).build();
  }

  /** One random configuration; the password is planted in one or more places. */
  static Map<String, String> settings(SplittableRandom r) {
    Map<String, String> m = new HashMap<>();
    for (Map.Entry<String, List<String>> e : VALID.entrySet()) {
      String valid = Fuzz.pick(r, e.getValue().toArray(String[]::new));
      int roll = r.nextInt(100);
      if (roll < 25) {
        continue;
      }
      m.put(e.getKey(), roll < 65 ? valid : roll < 85 ? Fuzz.mutate(r, valid) : Fuzz.hostile(r));
    }
    switch (r.nextInt(4)) {
      case 0 -> m.put("VEGA_DATABASE_URL", "postgresql://vega:" + SECRET + "@db.internal:5432/vega");
      case 1 -> m.put("VEGA_DATABASE_URL", "jdbc:postgresql://db.internal:5432/vega?user=vega&password=" + SECRET);
      case 2 -> {
        // Pasted into the wrong setting, alone or with what the setting's shape would have around it.
        String key = Fuzz.pick(r, VALID.keySet().toArray(String[]::new));
        m.put(key, Fuzz.pick(r, SECRET, SECRET + "_x1", " " + SECRET, "x" + SECRET + "y", SECRET.toLowerCase()
            .replace("!", "")));
      }
      default -> { }
    }
    m.put("VEGA_LLM_PROXY_TOKEN", SECRET);
    return m;
  }

  /** Present, but with a shape no VEGA_* setting can have. */
  static boolean obviouslyMalformed(String raw) {
    if (raw.isBlank()) {
      return false; // treated as unset
    }
    String v = raw.trim();
    if (v.isEmpty() || v.length() > 4096) {
      return true;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return true;
      }
    }
    return false;
  }

  @Test
  void everyRoleReportsHostileSettingsByNameWithoutThrowingOrLeakingTheSecret() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> FUZZ.forEachCase(i -> {
      Map<String, String> m = settings(FUZZ.random(i));
      VegaSettings s = m::get;
      for (VegaRole role : VegaRole.values()) {
        List<Validated.Problem> problems = ConfigCheck.problems(role, s);
        CheckResult result = ConfigCheck.of(role, s).check(CheckContext.of(Duration.ofSeconds(1)));
        String named = result.status() == Status.UP ? "" : String.valueOf(result.observation("settings").value());

        for (Validated.Problem p : problems) {
          assertThat(p.message()).as("%s names its setting", role).startsWith(p.setting() + " ");
          assertThat(p.hint()).as("%s hint names its setting", role).contains(p.setting());
          assertThat(named).contains(p.setting());
        }
        assertThat(result.status()).isEqualTo(problems.isEmpty() ? Status.UP : Status.DOWN);
        for (Map.Entry<String, String> e : m.entrySet()) {
          if (VALID.containsKey(e.getKey()) && obviouslyMalformed(e.getValue())) {
            assertThat(problems).as("%s: %s=%s must be reported", role, e.getKey(), printable(e.getValue()))
                .extracting(Validated.Problem::setting).contains(e.getKey());
          }
        }
        assertNoSecret(result);
        try {
          ConfigCheck.validate(role, s);
          assertThat(problems).isEmpty();
        } catch (IllegalArgumentException e) {
          assertThat(problems).isNotEmpty();
          assertThat(e.getMessage()).doesNotContain(SECRET);
          for (Validated.Problem p : problems) {
            assertThat(e.getMessage()).contains(p.setting());
          }
        }
      }
    }));
  }

  @Test
  void forRoleBuildsChecksFromAnySettingsAndTheirResultsNeverCarryTheSecret() {
    // Running every registered check is slow (connection refused, SDK retries): one case in 200.
    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> FUZZ.forEachCase(i -> {
      SplittableRandom r = FUZZ.random(i);
      Map<String, String> m = settings(r);
      VegaSettings s = m::get;
      for (VegaRole role : VegaRole.values()) {
        List<CheckRegistration> regs = VegaChecks.forRole(role, s, clients);
        assertThat(regs).extracting(CheckRegistration::name).contains("config");
        assertThat(VegaChecks.secretValues(s)).as("the planted password is masked").contains(SECRET);
        if (i % 200 == 0) {
          for (CheckRegistration reg : regs) {
            assertNoSecret(runOnce(reg));
          }
        }
      }
    }));
  }

  /** Found at seed 8, case 59: the hint echoed a malformed VEGA_ENVIRONMENT, which may be a secret. */
  @Test
  void malformedEnvironmentIsNotEchoedInHints() {
    Map<String, String> m = new HashMap<>(ConfigCheckTest.worker());
    m.put("VEGA_ENVIRONMENT", SECRET);
    m.put("VEGA_SCAN_WORKER_EXECUTION_MODE", "local");
    CheckResult r = ConfigCheck.of(VegaRole.WORKER, m::get).check(CheckContext.of(Duration.ofSeconds(1)));
    assertThat(r.observation("settings").value()).isEqualTo("VEGA_SCAN_WORKER_EXECUTION_MODE, VEGA_ENVIRONMENT");
    assertThat(r.hint()).contains("(VEGA_ENVIRONMENT=<malformed> is production-like");
    assertNoSecret(r);
  }

  /** Found at seed 8, case 1197: a malformed pool id's prefix was echoed as "its region". */
  @Test
  void malformedPoolIdIsNotEchoedAsItsRegion() {
    Map<String, String> m = new HashMap<>(ConfigCheckTest.api());
    m.put("VEGA_COGNITO_USER_POOL_ID", SECRET + "_x1");
    List<Validated.Problem> problems = ConfigCheck.problems(VegaRole.API, m::get);
    assertThat(problems).extracting(Validated.Problem::message)
        .containsExactly("VEGA_COGNITO_USER_POOL_ID is malformed: expected <region>_<id>, e.g. us-west-1_AbC123");
  }

  /**
   * Found at seed 8, cases 63, 155 and 228: values ConfigCheck accepted but the checks built from
   * them reject (forRole threw IllegalArgumentException), or that no client can use.
   */
  @Test
  void valuesTheChecksCannotUseAreMalformedAndForRoleStillBuilds() {
    Map<String, String> bad = Map.of(
        "VEGA_DATABASE_URL", "postgresql://ve\u202ega@db:5432/vega?sslmode=require",
        "VEGA_LLM_PROXY_BASE_URL", "http://-proxy-:8080",
        "VEGA_SQS_QUEUE_URL", "https://sqs.us-west-1.amazonaws.com:99999/123456789012/scans",
        "VEGA_PROVIDER_SECRET_ID", "arn:aws:secretsmanager:us-west-1:123456789012:secret:a|b");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      assertThat(ConfigCheck.wellFormed(e.getKey(), e.getValue())).as(e.getKey()).isFalse();
    }
    assertThat(ConfigCheck.wellFormed("VEGA_LLM_PROXY_BASE_URL", "http://proxy.internal:8080/a|b")).isFalse();
    assertThat(ConfigCheck.wellFormed("VEGA_DATABASE_URL", "jdbc:postgresql://db/" + "x".repeat(5000))).isFalse();
    for (VegaRole role : VegaRole.values()) {
      assertThat(VegaChecks.forRole(role, bad::get, clients)).extracting(CheckRegistration::name).contains("config");
    }
  }

  private static CheckResult runOnce(CheckRegistration reg) {
    try {
      return reg.check().check(CheckContext.of(Duration.ofSeconds(2)));
    } catch (Exception e) {
      // Allowed by HealthCheck's contract: the monitor turns it into DOWN with the message.
      return CheckResult.down(com.example.vega.health.ErrorKind.OTHER, String.valueOf(e.getMessage()), "");
    }
  }

  private static void assertNoSecret(CheckResult r) {
    assertThat(r.message()).doesNotContain(SECRET);
    assertThat(r.hint()).doesNotContain(SECRET);
    for (Observation o : r.observations()) {
      assertThat(String.valueOf(o.value())).doesNotContain(SECRET);
    }
  }

  private static String printable(String v) {
    String cut = v.length() > 60 ? v.substring(0, 60) + "...(" + v.length() + " chars)" : v;
    StringBuilder sb = new StringBuilder();
    for (char c : cut.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return sb.toString();
  }
}

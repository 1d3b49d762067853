package com.example.vega.health.checks;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.Probe;
import com.example.vega.health.Setting;
import com.example.vega.health.Validated;
import com.example.vega.health.VegaSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The checks each Vega service needs, from its settings alone.
 *
 * <pre>{@code
 * VegaSettings settings = VegaSettings.environment();
 * ConfigCheck.validate(VegaRole.WORKER, settings);          // fail fast on a bad setting
 * HealthMonitor monitor = HealthMonitor.builder()
 *     .service(ServiceInfo.of("vega-worker"))
 *     .registerAll(VegaChecks.forRole(VegaRole.WORKER, settings,
 *         VegaChecks.Clients.builder().sqs(sqs).ecs(ecs).dataSource(dataSource).build()))
 *     .secretValues(VegaChecks.secretValues(settings).toArray(String[]::new))
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p>A check whose settings are missing is not registered; the {@code config} check, always
 * registered, names what is missing. Only the process-local deadlock check feeds liveness: a shared
 * dependency outage must not make ECS restart every task. Critical checks feed readiness.
 */
public final class VegaChecks {
  private static final System.Logger LOG = System.getLogger(VegaChecks.class.getName());

  private VegaChecks() {}

  /** The registrations for {@code role}, built from {@code settings} and the service's clients. */
  public static List<CheckRegistration> forRole(VegaRole role, VegaSettings settings, Clients clients) {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clients, "clients");
    String env = Setting.ENVIRONMENT.raw(settings);
    String environment = Setting.ENVIRONMENT.read(settings).orElse("<env>");
    String who = role.hintName();
    @Nullable String region = region(settings);
    String cluster = Setting.ECS_CLUSTER.read(settings).orElse("<cluster>");
    boolean s3Storage = "s3".equals(Setting.FILE_STORAGE_BACKEND.raw(settings));
    Defaults d = new Defaults(clients);

    List<CheckRegistration> regs = new ArrayList<>();
    regs.add(new DeadlockCheck().registration(DeadlockCheck.defaultPolicy())); // process-local: liveness
    if (clients.dataSource() != null && role != VegaRole.LLM_PROXY) {
      regs.add(PostgresCheck.builder(clients.dataSource()).role(role.serviceName()).environment(environment)
          .expectedMigrations(expectedMigrations(settings)).build()
          .registration(policy(Duration.ofSeconds(15), Duration.ofSeconds(3), true)));
    }

    switch (role) {
      case API -> {
        if ("cognito".equals(Setting.AUTH_PROVIDER.raw(settings)) || ConfigCheck.productionLike(env)) {
          CognitoCheck.Builder b = CognitoCheck.builder(d.http(), settings).role(role);
          if (clients.cognitoIssuerBase != null) {
            b.issuerBase(clients.cognitoIssuerBase);
          }
          regs.add(b.build().registration(policy(Duration.ofSeconds(60), Duration.ofSeconds(3), true)));
        }
        sqs(settings, d, who, environment, cluster, false, regs);
        String source = Setting.SOURCE_BUCKET.read(settings).get();
        String frontend = Setting.FRONTEND_BUCKET.read(settings).get();
        S3Client s3 = s3Storage && (source != null || frontend != null) ? d.s3() : null;
        if (s3 != null) {
          S3Check.Builder b = S3Check.builder(s3).role(who).environment(environment);
          if (source != null) {
            b.sourceBucket(source);
          }
          if (frontend != null) {
            b.frontendBucket(frontend);
          }
          regs.add(b.build().registration(policy(Duration.ofSeconds(60), Duration.ofSeconds(3), false)));
        }
      }
      case WORKER -> {
        sqs(settings, d, who, environment, cluster, true, regs);
        String td = Setting.RUNNER_TASK_DEFINITION.read(settings).get();
        if ("ecs".equals(Setting.EXECUTION_MODE.raw(settings))
            && Setting.ECS_CLUSTER.read(settings).get() != null && td != null && d.ecs() != null) {
          EcsRunTaskCheck.Builder b = EcsRunTaskCheck.builder(Objects.requireNonNull(d.ecs()), cluster, td).role(who).environment(environment);
          String workerRole = Setting.WORKER_TASK_ROLE_ARN.read(settings).get();
          IamClient iam = workerRole == null ? null : d.iam();
          if (workerRole != null && iam != null) {
            b.simulateWith(iam, workerRole);
          }
          String runnerRole = Setting.RUNNER_TASK_ROLE_ARN.read(settings).get();
          if (runnerRole != null) {
            b.passRole(runnerRole);
          }
          // Not critical: without IAM simulation it is UNKNOWN, which would keep readiness down.
          regs.add(b.build().registration(policy(Duration.ofSeconds(60), Duration.ofSeconds(5), false)));
        }
      }
      case RUNNER -> {
        String source = Setting.SOURCE_BUCKET.read(settings).get();
        String artifacts = Setting.ARTIFACTS_BUCKET.read(settings).get();
        S3Client s3 = s3Storage && (source != null || artifacts != null) ? d.s3() : null;
        if (s3 != null) {
          S3Check.Builder b = S3Check.builder(s3).role(who).environment(environment);
          if (source != null) {
            b.sourceBucket(source);
          }
          if (artifacts != null) {
            b.artifactsBucket(artifacts);
          }
          regs.add(b.build().registration(policy(Duration.ofSeconds(60), Duration.ofSeconds(3), true)));
        }
        String proxy = Setting.LLM_PROXY_BASE_URL.read(settings).get();
        if (proxy != null) {
          Supplier<@Nullable String> token = () -> Setting.LLM_PROXY_TOKEN.raw(settings);
          regs.add(LlmProxyCheck.builder(d.http(), URI.create(proxy), token).role(who).environment(environment)
              .region(orElse(region, "<region>")).cluster(cluster).build()
              .registration(policy(Duration.ofSeconds(30), Duration.ofSeconds(3), true)));
        }
      }
      case LLM_PROXY -> {
        String secret = Setting.PROVIDER_SECRET_ID.read(settings).get();
        if (secret != null && d.secrets() != null) {
          regs.add(SecretsCheck.builder(Objects.requireNonNull(d.secrets())).secret(secret).role(who).environment(environment).build()
              .registration(policy(Duration.ofSeconds(60), Duration.ofSeconds(3), true)));
        }
      }
      case MAINTENANCE -> {
        // Postgres only (registered above for every role with a DataSource).
      }
    }
    // First, and built last: it names the clients a check above could not have.
    regs.add(0, ConfigCheck.of(role, settings, d.missing)
        .registration(policy(Duration.ofSeconds(60), Duration.ofSeconds(1), false)));
    LOG.log(System.Logger.Level.DEBUG, "vega-health: {0} registers {1} checks", role.serviceName(), regs.size());
    return List.copyOf(regs);
  }

  /**
   * Values to give {@code HealthMonitor.Builder.secretValues}: the proxy token and the database
   * password as the driver receives it (decoded by {@link DatabaseUrl}, the one parser), so that
   * nothing any driver or SDK says can carry them out. A URL that does not parse has no password
   * to mask here; the monitor's patterns still mask credentials in URLs and key=value pairs.
   */
  public static List<String> secretValues(VegaSettings settings) {
    List<String> out = new ArrayList<>();
    String token = Setting.LLM_PROXY_TOKEN.raw(settings);
    if (token != null) {
      out.add(token);
    }
    String db = Setting.DATABASE_URL.raw(settings);
    if (db != null) {
      try {
        String password = DatabaseUrl.parse(Setting.DATABASE_URL.key(), db).password();
        if (password != null) {
          out.add(password);
        }
      } catch (IllegalArgumentException e) {
        // not a URL the driver can use: the config check reports it, without the value
      }
    }
    return List.copyOf(out);
  }

  /** The expected migrations, for PostgresCheck: VEGA_EXPECTED_MIGRATION (comma-separated), if well-formed. */
  static List<String> expectedMigrations(VegaSettings settings) {
    return Setting.EXPECTED_MIGRATION.readList(settings).orElse(List.of());
  }

  private static void sqs(VegaSettings settings, Defaults d, String who, String environment, String cluster,
      boolean critical, List<CheckRegistration> regs) {
    String url = Setting.SQS_QUEUE_URL.read(settings).get();
    if (url == null) {
      return;
    }
    SqsClient sqs = d.sqs();
    if (sqs == null) {
      return;
    }
    SqsCheck.Builder b = SqsCheck.builder(sqs, url).role(who).environment(environment).cluster(cluster);
    if (d.clients.cloudWatch != null) {
      b.cloudWatch(d.clients.cloudWatch);
    }
    regs.add(b.build().registration(policy(Duration.ofSeconds(30), Duration.ofSeconds(3), critical)));
  }

  /** The policy the profile uses: readiness for critical checks, never liveness. */
  static CheckPolicy policy(Duration interval, Duration timeout, boolean critical) {
    CheckPolicy.Builder b = CheckPolicy.builder().interval(interval).timeout(timeout)
        .failureThreshold(2).successThreshold(2).critical(critical);
    return critical ? b.probes(Probe.READINESS).build() : b.probes().build();
  }

  private static @Nullable String region(VegaSettings settings) {
    String r = settings.value("AWS_REGION");
    if (r == null) {
      r = settings.value("AWS_DEFAULT_REGION");
    }
    if (r == null) {
      r = Setting.COGNITO_REGION.raw(settings);
    }
    // Printed in hints: only a region-shaped value.
    return r != null && Setting.COGNITO_REGION.accepts(r) ? r : null;
  }

  private static String orElse(@Nullable String v, String fallback) {
    return v == null ? fallback : v;
  }

  /**
   * The service's clients. A check whose client is missing is not registered, and the config check
   * says which client is missing and what goes unchecked without it: the module never builds an AWS
   * client (a second credential chain) behind the application's back. The JDK HTTP client, which
   * holds no credentials, is the one default.
   */
  private static final class Defaults {
    private final Clients clients;
    private final List<Validated.Problem> missing = new ArrayList<>();
    private @Nullable HttpClient http;

    Defaults(Clients clients) {
      this.clients = clients;
    }

    private <C> @Nullable C need(@Nullable C client, String type, String why) {
      if (client == null && missing.stream().noneMatch(p -> p.setting().equals(type))) {
        missing.add(new Validated.Problem(type, "no " + type + " given: " + why,
            "pass the service's own " + type + " to VegaChecks.Clients (with Spring, as a bean); "
                + "Vega Health never builds an AWS client from the default credential chain"));
      }
      return client;
    }

    @Nullable SqsClient sqs() {
      return need(clients.sqs, "SqsClient", "the scan queue (VEGA_SQS_QUEUE_URL) is not checked: a missing "
          + "queue, denied access or a growing backlog go unseen");
    }

    @Nullable S3Client s3() {
      return need(clients.s3, "S3Client", "the buckets (VEGA_S3_*_BUCKET) are not checked: a missing bucket, "
          + "a bucket in another region or denied access go unseen");
    }

    @Nullable SecretsManagerClient secrets() {
      return need(clients.secrets, "SecretsManagerClient", "the provider secret (VEGA_PROVIDER_SECRET_ID) is "
          + "not checked: a missing, deleted or undecryptable secret goes unseen");
    }

    @Nullable EcsClient ecs() {
      return need(clients.ecs, "EcsClient", "whether the worker can launch the runner (VEGA_ECS_CLUSTER, "
          + "VEGA_RUNNER_TASK_DEFINITION) is not checked");
    }

    @Nullable IamClient iam() {
      return need(clients.iam, "IamClient", "VEGA_WORKER_TASK_ROLE_ARN is set but its policy cannot be "
          + "simulated, so ecs-runtask cannot verify ecs:RunTask and iam:PassRole");
    }

    HttpClient http() {
      if (clients.http != null) {
        return clients.http;
      }
      if (http == null) {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
      }
      return http;
    }
  }

  /**
   * The clients a service already has. Any may be absent: a check that needs a missing one is not
   * registered, and the config check names the client (see {@link #forRole}).
   */
  public static final class Clients {
    private final @Nullable SqsClient sqs;
    private final @Nullable S3Client s3;
    private final @Nullable SecretsManagerClient secrets;
    private final @Nullable EcsClient ecs;
    private final @Nullable IamClient iam;
    private final @Nullable CloudWatchClient cloudWatch;
    private final @Nullable DataSource dataSource;
    private final @Nullable HttpClient http;
    private final @Nullable URI cognitoIssuerBase;

    private Clients(Builder b) {
      this.sqs = b.sqs;
      this.s3 = b.s3;
      this.secrets = b.secrets;
      this.ecs = b.ecs;
      this.iam = b.iam;
      this.cloudWatch = b.cloudWatch;
      this.dataSource = b.dataSource;
      this.http = b.http;
      this.cognitoIssuerBase = b.cognitoIssuerBase;
    }

    /** No clients: only the checks that need none (config, the JVM, Cognito and the LLM proxy over HTTP). */
    public static Clients none() {
      return builder().build();
    }

    public static Builder builder() {
      return new Builder();
    }

    public @Nullable DataSource dataSource() {
      return dataSource;
    }

    /** Builds {@link Clients}. */
    public static final class Builder {
      private @Nullable SqsClient sqs;
      private @Nullable S3Client s3;
      private @Nullable SecretsManagerClient secrets;
      private @Nullable EcsClient ecs;
      private @Nullable IamClient iam;
      private @Nullable CloudWatchClient cloudWatch;
      private @Nullable DataSource dataSource;
      private @Nullable HttpClient http;
      private @Nullable URI cognitoIssuerBase;

      private Builder() {}

      public Builder sqs(SqsClient c) {
        this.sqs = Objects.requireNonNull(c);
        return this;
      }

      public Builder s3(S3Client c) {
        this.s3 = Objects.requireNonNull(c);
        return this;
      }

      public Builder secrets(SecretsManagerClient c) {
        this.secrets = Objects.requireNonNull(c);
        return this;
      }

      public Builder ecs(EcsClient c) {
        this.ecs = Objects.requireNonNull(c);
        return this;
      }

      /** Enables IAM policy simulation for ecs-runtask (with VEGA_WORKER_TASK_ROLE_ARN). */
      public Builder iam(IamClient c) {
        this.iam = Objects.requireNonNull(c);
        return this;
      }

      /** Enables the age of the oldest message for the sqs check. */
      public Builder cloudWatch(CloudWatchClient c) {
        this.cloudWatch = Objects.requireNonNull(c);
        return this;
      }

      public Builder dataSource(DataSource d) {
        this.dataSource = Objects.requireNonNull(d);
        return this;
      }

      public Builder http(HttpClient c) {
        this.http = Objects.requireNonNull(c);
        return this;
      }

      /** Where the cognito check fetches the JWKS instead of Cognito itself (tests, private endpoints). */
      public Builder cognitoIssuerBase(URI base) {
        this.cognitoIssuerBase = Objects.requireNonNull(base);
        return this;
      }

      public Clients build() {
        return new Clients(this);
      }
    }
  }
}

package com.example.vega.health.checks;

import com.example.vega.health.internal.DatabaseUrl;
import com.example.vega.health.VegaRole;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.HealthProbe;
import com.example.vega.health.Setting;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.token.ScanTokenHandoff;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The checks each Vega service needs, from its settings and the clients it already has.
 *
 * <pre>{@code
 * VegaSettings settings = VegaSettings.environment();
 * ConfigCheck.validate(VegaRole.WORKER, settings);          // fail fast on a bad setting
 * HealthMonitor monitor = HealthMonitor.builder()
 *     .service(ServiceInfo.of("vega-worker"))
 *     .registerAll(VegaChecks.forRole(VegaRole.WORKER, settings,
 *         VegaChecks.Clients.builder().aws(sqs, ecs).dataSource(dataSource).build()))
 *     .secretValues(VegaChecks.secretValues(settings).toArray(String[]::new))
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p>A role is a list of checks and their criticality ({@link #ROLES}); each check says itself which
 * settings and which client it needs ({@code inProfile}). A check whose settings are missing is not
 * registered; the {@code config} check, always registered, names what is missing, clients included:
 * no AWS client is ever built here. Only the process-local deadlock check feeds liveness: a shared
 * dependency outage must not make ECS restart every task. Critical checks feed readiness.
 */
public final class VegaChecks {
  private static final System.Logger LOG = System.getLogger(VegaChecks.class.getName());
  private static final CheckPolicy CONFIG = policy(Duration.ofSeconds(60), Duration.ofSeconds(1), false);

  /** How one check of a profile builds itself; null when the service does not use it. */
  @FunctionalInterface
  interface ProfiledCheck {
    @Nullable CheckRegistration build(Profile profile, CheckPolicy policy);
  }

  /** A check in a role, with how often it runs and whether the service cannot work without it. */
  private record Entry(ProfiledCheck check, CheckPolicy policy) {
    static Entry of(ProfiledCheck check, int intervalSeconds, int timeoutSeconds, boolean critical) {
      return new Entry(check, VegaChecks.policy(Duration.ofSeconds(intervalSeconds), Duration.ofSeconds(timeoutSeconds), critical));
    }
  }

  private static final Entry POSTGRES = Entry.of(PostgresCheck::inProfile, 15, 3, true);

  /** Each role's checks after config and the JVM, in the runbook's order. */
  private static final Map<VegaRole, List<Entry>> ROLES = new EnumMap<>(Map.of(
      VegaRole.API, List.of(POSTGRES,
          Entry.of(CognitoCheck::inProfile, 60, 3, true),
          Entry.of(SqsCheck::inProfile, 30, 3, false), // the api only sends to the queue
          Entry.of((p, policy) -> S3Check.inProfile(p, policy, false, S3Check.Bucket.SOURCE, S3Check.Bucket.FRONTEND),
              60, 3, false)),
      VegaRole.WORKER, List.of(POSTGRES,
          Entry.of(SqsCheck::inProfile, 30, 3, true),
          // Not critical: without IAM simulation it is UNKNOWN, which would keep readiness down.
          Entry.of(EcsRunTaskCheck::inProfile, 60, 5, false)),
      VegaRole.RUNNER, List.of(POSTGRES,
          // The runner reads sources and writes artifacts: both rights are proven (probes).
          Entry.of((p, policy) -> S3Check.inProfile(p, policy, true, S3Check.Bucket.SOURCE, S3Check.Bucket.ARTIFACTS),
              60, 3, true),
          Entry.of(LlmProxyCheck::inProfile, 30, 3, true)),
      VegaRole.LLM_PROXY, List.of(Entry.of(SecretsCheck::inProfile, 60, 3, true), // no database
          // Opt-in (VEGA_PROVIDER_KEY_CHECK_URL): one call to the provider per 5 minutes, whatever polls
          // /v1/healthz. Not critical: a provider outage must not take every proxy task out of service.
          Entry.of(ProviderKeyCheck::inProfile, 300, 5, false)),
      VegaRole.MAINTENANCE, List.of(POSTGRES)));

  private VegaChecks() {}

  /** The registrations for {@code role}, built from {@code settings} and the service's clients. */
  public static List<CheckRegistration> forRole(VegaRole role, VegaSettings settings, Clients clients) {
    Profile profile = new Profile(Objects.requireNonNull(role, "role"), Objects.requireNonNull(settings, "settings"),
        Objects.requireNonNull(clients, "clients"));
    List<CheckRegistration> regs = new ArrayList<>();
    regs.add(new DeadlockCheck().registration(DeadlockCheck.defaultPolicy())); // process-local: liveness
    for (Entry e : Objects.requireNonNull(ROLES.get(role), () -> "no checks declared for role " + role)) {
      CheckRegistration r = e.check().build(profile, e.policy());
      if (r != null) {
        regs.add(r);
      }
    }
    // First, and built last: it names the clients the checks above could not have.
    regs.add(0, ConfigCheck.of(role, settings, profile.missingClients()).registration(CONFIG));
    LOG.log(System.Logger.Level.DEBUG, "vega-health: {0} registers {1} checks", role.serviceName(), regs.size());
    return List.copyOf(regs);
  }

  /**
   * Values to give {@code HealthMonitor.Builder.secretValues}: the proxy token (also one redeemed from
   * {@code VEGA_LLM_PROXY_TOKEN_REF} through {@link ScanTokenHandoff} before this call) and the database
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
    // The token the runner redeemed from its reference through this core, which the check validates.
    ScanTokenHandoff.redeemed(Setting.LLM_PROXY_TOKEN_REF.raw(settings)).ifPresent(out::add);
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

  /** The policy the profile uses: readiness for critical checks, never liveness. */
  static CheckPolicy policy(Duration interval, Duration timeout, boolean critical) {
    CheckPolicy.Builder b = CheckPolicy.builder().interval(interval).timeout(timeout)
        .failureThreshold(2).successThreshold(2).critical(critical);
    return critical ? b.probes(HealthProbe.READINESS).build() : b.probes().build();
  }

  /**
   * The clients a service already has. Any may be absent: a check that needs a missing one is not
   * registered, and the config check names the client and what goes unchecked without it. The JDK
   * HTTP client (it holds no credentials) is the one default.
   *
   * @param sqs for the sqs check
   * @param s3 for the s3 check
   * @param secrets for the secrets check
   * @param ecs for the ecs-runtask check
   * @param iam enables IAM policy simulation for ecs-runtask (with VEGA_WORKER_TASK_ROLE_ARN)
   * @param cloudWatch enables the age of the oldest message for the sqs check
   * @param cognito enables the cognito check's DescribeUserPoolClient (the app client against the pool)
   * @param dataSource for the postgres check
   * @param http for the cognito and llm-proxy checks
   * @param cognitoIssuerBase where the cognito check fetches the JWKS instead of Cognito itself
   *     (tests, private endpoints)
   */
  public record Clients(
      @Nullable SqsClient sqs,
      @Nullable S3Client s3,
      @Nullable SecretsManagerClient secrets,
      @Nullable EcsClient ecs,
      @Nullable IamClient iam,
      @Nullable CloudWatchClient cloudWatch,
      @Nullable CognitoIdentityProviderClient cognito,
      @Nullable DataSource dataSource,
      @Nullable HttpClient http,
      @Nullable URI cognitoIssuerBase) {

    private static final String SQS = "software.amazon.awssdk.services.sqs.SqsClient";
    private static final String S3 = "software.amazon.awssdk.services.s3.S3Client";
    private static final String SECRETS = "software.amazon.awssdk.services.secretsmanager.SecretsManagerClient";
    private static final String ECS = "software.amazon.awssdk.services.ecs.EcsClient";
    private static final String IAM = "software.amazon.awssdk.services.iam.IamClient";
    private static final String CLOUDWATCH = "software.amazon.awssdk.services.cloudwatch.CloudWatchClient";
    private static final String COGNITO =
        "software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient";

    /**
     * The AWS SDK client interfaces the checks use, by class name (a module may be absent): what
     * {@link Builder#aws} takes.
     */
    public static final List<String> AWS_CLIENT_TYPES = List.of(SQS, S3, SECRETS, ECS, IAM, CLOUDWATCH, COGNITO);

    /** No clients: only the checks that need none (config, the JVM, Cognito and the LLM proxy over HTTP). */
    public static Clients none() {
      return builder().build();
    }

    public static Builder builder() {
      return new Builder();
    }

    /** Builds {@link Clients}. */
    public static final class Builder {
      private @Nullable SqsClient sqs;
      private @Nullable S3Client s3;
      private @Nullable SecretsManagerClient secrets;
      private @Nullable EcsClient ecs;
      private @Nullable IamClient iam;
      private @Nullable CloudWatchClient cloudWatch;
      private @Nullable CognitoIdentityProviderClient cognito;
      private @Nullable DataSource dataSource;
      private @Nullable HttpClient http;
      private @Nullable URI cognitoIssuerBase;

      private Builder() {}

      /**
       * The application's AWS SDK clients, each given to the check of its service: SQS, S3,
       * Secrets Manager, ECS, IAM, CloudWatch and the Cognito user pools. Only the synchronous
       * clients of those services are taken ({@link #AWS_CLIENT_TYPES}); the checks open none of
       * their own.
       *
       * @throws IllegalArgumentException naming a client no check uses, or one given twice
       */
      public Builder aws(SdkClient... clients) {
        for (SdkClient c : clients) {
          add(Objects.requireNonNull(c, "client"));
        }
        return this;
      }

      // Routed by the name of the client interface it implements, found on the client's own class:
      // a client class is loaded only when a client of it is given, so its module is there. A
      // stand-in (a mock, a proxy) is routed by its interface too, whatever serviceName() answers.
      // Not a switch on the name: the agent's jar relocates the SDK, and the shade plugin rewrites
      // the names but not the hash codes a string switch compiles to.
      private final Map<String, Consumer<SdkClient>> routes = Map.of(
          SQS, c -> sqs = once(sqs, c, SqsClient.class),
          S3, c -> s3 = once(s3, c, S3Client.class),
          SECRETS, c -> secrets = once(secrets, c, SecretsManagerClient.class),
          ECS, c -> ecs = once(ecs, c, EcsClient.class),
          IAM, c -> iam = once(iam, c, IamClient.class),
          CLOUDWATCH, c -> cloudWatch = once(cloudWatch, c, CloudWatchClient.class),
          COGNITO, c -> cognito = once(cognito, c, CognitoIdentityProviderClient.class));

      private void add(SdkClient c) {
        Consumer<SdkClient> route = routes.get(clientType(c.getClass()));
        if (route == null) {
          throw unused(c);
        }
        route.accept(c);
      }

      /** The one of {@link #AWS_CLIENT_TYPES} that {@code type} implements, or "". */
      private static String clientType(@Nullable Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getSuperclass()) {
          for (Class<?> i : t.getInterfaces()) {
            String found = AWS_CLIENT_TYPES.contains(i.getName()) ? i.getName() : clientType(i);
            if (!found.isEmpty()) {
              return found;
            }
          }
        }
        return "";
      }

      private static <T> T once(@Nullable T current, SdkClient given, Class<T> type) {
        if (current != null && current != given) {
          throw new IllegalArgumentException("two " + type.getSimpleName() + "s given: pass the one the service uses");
        }
        return type.cast(given);
      }

      private static IllegalArgumentException unused(SdkClient c) {
        return new IllegalArgumentException("no check uses a " + c.getClass().getName()
            + ": the checks take " + String.join(", ", AWS_CLIENT_TYPES));
      }

      public Builder dataSource(DataSource d) {
        this.dataSource = Objects.requireNonNull(d);
        return this;
      }

      public Builder http(HttpClient c) {
        this.http = Objects.requireNonNull(c);
        return this;
      }

      public Builder cognitoIssuerBase(URI base) {
        this.cognitoIssuerBase = Objects.requireNonNull(base);
        return this;
      }

      public Clients build() {
        return new Clients(sqs, s3, secrets, ecs, iam, cloudWatch, cognito, dataSource, http, cognitoIssuerBase);
      }
    }
  }
}

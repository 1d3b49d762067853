package com.example.vega.health.spring;

import com.example.vega.health.Caller;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.Setting;
import com.example.vega.health.telemetry.HealthTelemetry;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.checks.DeadlockCheck;
import com.example.vega.health.checks.PostgresCheck;
import com.example.vega.health.checks.VegaChecks;
import com.example.vega.health.VegaRole;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.TrustedProxies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import software.amazon.awssdk.core.SdkClient;

/**
 * Vega Health for a Spring Boot service: a started {@link HealthMonitor} with the checks for the
 * beans the application has (its DataSource, the JVM, and the AWS clients of its role), and the
 * probe server on its own port.
 *
 * <p>Every check is a {@link CheckRegistration}: a service adds its own by declaring one as a bean.
 * {@code vega.health.checks.<name>.*} turns any of them off or tunes it.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "vega.health.enabled", matchIfMissing = true)
@EnableConfigurationProperties(VegaHealthProperties.class)
public final class VegaHealthAutoConfiguration {

  /** The postgres check's policy unless tuned: critical (it feeds readiness), every 10 s, 3 s timeout. */
  static final CheckPolicy POSTGRES_POLICY = CheckPolicy.builder()
      .interval(Duration.ofSeconds(10)).timeout(Duration.ofSeconds(3)).critical(true).build();

  @Bean
  @ConditionalOnMissingBean
  VegaSettings vegaSettings(Environment environment) {
    return new SpringVegaSettings(environment);
  }

  @Bean
  ResolvedSettings vegaHealthSettings(
      VegaHealthProperties properties, VegaSettings settings, Environment environment) {
    // Before anything uses a duration: every bean of ours depends on these settings.
    AmbiguousDurations.refuse(environment, properties.getChecks().keySet());
    return ResolvedSettings.resolve(properties, settings, environment.getProperty("spring.application.name"));
  }

  @Bean
  @ConditionalOnBooleanProperty(name = "vega.health.checks.jvm-deadlock.enabled", matchIfMissing = true)
  CheckRegistration vegaDeadlockCheck() {
    return new DeadlockCheck().registration(DeadlockCheck.defaultPolicy());
  }

  @Bean
  @ConditionalOnBean(ApplicationAvailability.class)
  @ConditionalOnBooleanProperty(name = "vega.health.checks.app-readiness.enabled", matchIfMissing = true)
  CheckRegistration vegaReadinessStateCheck(ApplicationAvailability availability) {
    return new ReadinessStateCheck(availability).registration(ReadinessStateCheck.POLICY);
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  HealthMonitor vegaHealthMonitor(
      ResolvedSettings resolved,
      VegaHealthProperties properties,
      VegaSettings settings,
      ObjectProvider<CheckRegistration> checks,
      ObjectProvider<VegaHealthCustomizer> customizers,
      ObjectProvider<DataSource> dataSources,
      ObjectProvider<HealthTelemetry> telemetry,
      ListableBeanFactory beans) {
    List<CheckRegistration> all = new ArrayList<>(checks.orderedStream().toList());
    all.addAll(roleChecks(resolved, settings, beans));
    List<CheckRegistration> tuned = CheckTuning.apply(all, properties.getChecks());
    HealthTelemetry t = telemetry.getIfAvailable();
    HealthMonitor.Builder builder = HealthMonitor.builder()
        .service(resolved.service())
        .registerAll(t == null ? tuned : t.instrument(tuned))
        // VEGA_HEALTH_START_SPREAD, _MAX_BACKOFF and _STARTUP_DEADLINE, as properties or variables
        .settings(settings)
        .failOpen(properties.getReadiness().isFailOpen());
    // vega.health.start-spread, max-backoff and startup-deadline, when set, win over the VEGA_*
    // names. A bare number in each is seconds (@DurationUnit), as in the variables.
    Duration spread = properties.getStartSpread();
    if (spread != null) {
      withKey("vega.health.start-spread", spread, () -> builder.startSpread(spread));
    }
    Duration backoff = properties.getMaxBackoff();
    if (backoff != null) {
      withKey("vega.health.max-backoff", backoff, () -> builder.maxBackoff(backoff));
    }
    Duration deadline = properties.getStartupDeadline();
    if (deadline != null) {
      withKey("vega.health.startup-deadline", deadline, () -> builder.startupDeadline(deadline));
    }
    if (t != null) {
      builder.listener(t); // check runs as spans, status changes as log records
    }
    // Whatever a driver or server echoes back, these never leave the module.
    dataSources.orderedStream().forEach(ds -> builder.secretValues(DataSourceSecrets.password(ds)));
    builder.secretValues(properties.getDetail().getToken());
    // Tracing: the tracing module adds its scan context to checks and listeners through a
    // VegaHealthCustomizer bean; nothing here needs to change for it.
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /** Applies a bound duration; one the builder refuses stops startup naming its key. */
  private static void withKey(String key, Duration value, Runnable apply) {
    try {
      apply.run();
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationPropertyValueException(
          key, value, e.getMessage() + "; " + CheckTuning.BARE_SECONDS);
    }
  }

  /**
   * The checks of the role beyond the DataSource and the JVM, built from the clients the
   * application already has (never a second credential chain).
   */
  static List<CheckRegistration> roleChecks(
      ResolvedSettings resolved, VegaSettings settings, ListableBeanFactory beans) {
    if (resolved.role() == null || !AwsClientBeans.SDK) {
      return List.of();
    }
    VegaRole role = VegaRole.of(resolved.role());
    // vega.health.environment counts like VEGA_ENVIRONMENT (production rules, hints); neither set:
    // not set, so that the config check names it.
    String env = Caller.UNKNOWN_ENVIRONMENT.equals(resolved.environment()) ? null : resolved.environment();
    VegaSettings withEnvironment = key -> Setting.ENVIRONMENT.key().equals(key) && settings.value(key) == null
        ? env : settings.get(key);
    List<CheckRegistration> out = new ArrayList<>();
    for (CheckRegistration r : VegaChecks.forRole(role, withEnvironment, AwsClientBeans.clients(beans))) {
      // The JVM and the DataSource checks are beans of their own here, so properties can turn them off.
      if (!r.name().equals(DeadlockCheck.NAME) && !r.name().equals(PostgresCheck.NAME)) {
        out.add(r);
      }
    }
    return out;
  }

  /** The application's AWS SDK clients, each only if its module is on the class path. */
  static final class AwsClientBeans {
    private static final ClassLoader CL = AwsClientBeans.class.getClassLoader();
    static final boolean SDK = ClassUtils.isPresent("software.amazon.awssdk.core.SdkClient", CL);

    private AwsClientBeans() {}

    /** The one bean of each client type the checks use, where its module is on the class path. */
    static VegaChecks.Clients clients(ListableBeanFactory beans) {
      VegaChecks.Clients.Builder c = VegaChecks.Clients.builder();
      for (String type : VegaChecks.Clients.AWS_CLIENT_TYPES) {
        if (ClassUtils.isPresent(type, CL)) {
          Object client = beans.getBeanProvider(ClassUtils.resolveClassName(type, CL)).getIfUnique();
          if (client != null) {
            c.aws((SdkClient) client);
          }
        }
      }
      return c.build();
    }
  }

  /** vega.health.trusted-proxies, else VEGA_HEALTH_TRUSTED_PROXIES; a malformed network stops startup naming the key. */
  @Bean
  @ConditionalOnMissingBean
  TrustedProxies vegaTrustedProxies(VegaHealthProperties properties, VegaSettings settings) {
    return DetailAccessFactory.trustedProxies(properties.getTrustedProxies(), settings);
  }

  @Bean
  @ConditionalOnMissingBean
  DetailAccess vegaHealthDetailAccess(VegaHealthProperties properties, TrustedProxies proxies) {
    return DetailAccessFactory.from(properties.getDetail()).behind(proxies);
  }

  @Bean
  VegaHealthLifecycle vegaHealthLifecycle(
      HealthMonitor monitor, VegaHealthProperties properties, DetailAccess access) {
    return new VegaHealthLifecycle(monitor, properties.getServer(), access);
  }

  /** The postgres check, when the application has one DataSource. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnSingleCandidate(DataSource.class)
  @ConditionalOnBooleanProperty(name = "vega.health.checks.postgres.enabled", matchIfMissing = true)
  static final class PostgresCheckConfiguration {

    @Bean
    CheckRegistration vegaPostgresCheck(DataSource dataSource, ResolvedSettings resolved, VegaSettings settings,
        VegaHealthProperties properties) {
      PostgresCheck.Builder b = PostgresCheck.builder(dataSource)
          .role(resolved.service().serviceId())
          .environment(resolved.environment())
          .expectedMigrations(resolved.expectedMigrations())
          .houseRules(settings);
      VegaHealthProperties.Postgres p = properties.getPostgres();
      // The properties win once set; left at their defaults, VEGA_MIGRATIONS_TABLE/_COLUMN (houseRules) hold.
      if (!"schema_migrations".equals(p.getMigrationsTable()) || !"version".equals(p.getMigrationsColumn())) {
        migrationsTable(b, p);
      }
      return b.build().registration(POSTGRES_POLICY);
    }

    private static void migrationsTable(PostgresCheck.Builder b, VegaHealthProperties.Postgres p) {
      try {
        b.migrationsTable(p.getMigrationsTable(), p.getMigrationsColumn());
      } catch (IllegalArgumentException e) {
        boolean table = e.getMessage() != null && e.getMessage().startsWith(Setting.MIGRATIONS_TABLE.key());
        throw new InvalidConfigurationPropertyValueException(
            "vega.health.postgres.migrations-" + (table ? "table" : "column"),
            table ? p.getMigrationsTable() : p.getMigrationsColumn(), "not a plain SQL identifier");
      }
    }
  }

  /** Reads a pool's password only to mask it; HikariCP is optional. */
  static final class DataSourceSecrets {
    private static final boolean HIKARI =
        ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource", DataSourceSecrets.class.getClassLoader());

    private DataSourceSecrets() {}

    static String[] password(DataSource ds) {
      if (HIKARI && ds instanceof com.zaxxer.hikari.HikariDataSource h && h.getPassword() != null) {
        return new String[] {h.getPassword()};
      }
      return new String[0];
    }
  }
}

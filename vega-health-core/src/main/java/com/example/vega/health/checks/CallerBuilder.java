package com.example.vega.health.checks;

import com.example.vega.health.failure.Caller;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the builders of the AWS and LLM-proxy checks share: who calls, as hints name it (the task
 * role, the environment in log group names, the region, the ECS cluster). Set it whole with
 * {@link #caller(Caller)} or piece by piece.
 *
 * <p>The region hints name is, in order: the one set with {@link #region}, the client's own, the
 * caller's, else {@code <region>}. The client's wins over the caller's because it is where the
 * calls actually go (a bucket "in another region" is another region than the client's).
 *
 * @param <B> the concrete builder
 */
public abstract class CallerBuilder<B extends CallerBuilder<B>> {
  private String role;
  private String environment = "dev";
  private String cluster = Caller.UNKNOWN_CLUSTER;
  private @Nullable String region;
  private @Nullable String fallbackRegion;

  CallerBuilder(String defaultRole) {
    this.role = defaultRole;
  }

  /** Role, environment and cluster from {@code caller}; its region where nothing better is known. */
  public B caller(Caller caller) {
    Objects.requireNonNull(caller, "caller");
    this.role = caller.role();
    this.environment = caller.environment();
    this.cluster = caller.cluster();
    this.fallbackRegion = caller.knowsRegion() ? caller.region() : null;
    return self();
  }

  /** The role whose task role and logs the hints name, e.g. {@code worker}. */
  public B role(String role) {
    this.role = Objects.requireNonNull(role, "role");
    return self();
  }

  /** The environment in log group names ({@code /vega/<env>/...}); default {@code dev}. */
  public B environment(String environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
    return self();
  }

  /** The region named in hints; default the client's. */
  public B region(String region) {
    this.region = Objects.requireNonNull(region, "region");
    return self();
  }

  /** The ECS cluster named in hints (VEGA_ECS_CLUSTER). */
  public B cluster(String cluster) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    return self();
  }

  /** The caller for hints; {@code clientRegion} is the client's region id, null when it has none. */
  Caller buildCaller(@Nullable String clientRegion) {
    String r = region != null ? region : clientRegion != null ? clientRegion
        : fallbackRegion != null ? fallbackRegion : Caller.UNKNOWN_REGION;
    return new Caller(role, environment, r, cluster);
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }
}

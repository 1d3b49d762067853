package com.example.vega.health.checks;

import com.example.vega.health.Caller;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the builders of the AWS and LLM-proxy checks share: who calls, as hints name it (the task
 * role, the environment in log group names, the region, the ECS cluster), given whole as one
 * {@link Caller}. Until one is given, the caller is the builder's default role, with environment,
 * region and cluster unknown ({@code <env>}, {@code <region>}, {@code <cluster>}) and the logs
 * worded neutrally.
 *
 * <p>The region hints name is, in order: the one set with {@link #region}, the client's own, the
 * caller's, else {@code <region>}. The client's wins over the caller's because it is where the
 * calls actually go (a bucket "in another region" is another region than the client's).
 *
 * @param <B> the concrete builder
 */
public abstract class CallerBuilder<B extends CallerBuilder<B>> {
  private Caller caller;
  private @Nullable String region;

  CallerBuilder(String defaultRole) {
    this.caller = new Caller(defaultRole, Caller.UNKNOWN_ENVIRONMENT, Caller.UNKNOWN_REGION, Caller.UNKNOWN_CLUSTER);
  }

  /** Role, environment and cluster from {@code caller}; its region where nothing better is known. */
  public B caller(Caller caller) {
    this.caller = Objects.requireNonNull(caller, "caller");
    return self();
  }

  /** The region named in hints, over the client's and the caller's; an AWS region such as us-west-1. */
  public B region(String region) {
    this.region = Caller.requireRegion(Objects.requireNonNull(region, "region"));
    return self();
  }

  /** The caller for hints; {@code clientRegion} is the client's region id, null when it has none. */
  Caller buildCaller(@Nullable String clientRegion) {
    // A client may name a region hints cannot (an emulator's "local"): hints then name the caller's.
    String r = region != null ? region
        : clientRegion != null && Caller.isRegion(clientRegion) ? clientRegion : caller.region();
    return new Caller(caller.role(), caller.environment(), r, caller.cluster(), caller.logsHint());
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }
}

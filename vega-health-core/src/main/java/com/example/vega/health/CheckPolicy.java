package com.example.vega.health;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How the monitor runs one check. Validated when built; immutable.
 *
 * @param interval time between the starts of two runs
 * @param timeout a run not finished by then is abandoned and reported DOWN
 * @param failureThreshold consecutive worse results before the reported status gets worse
 * @param successThreshold consecutive better results before the reported status gets better
 * @param initialStatus what is reported before the first result
 * @param critical whether the service cannot do its work without this dependency
 * @param probes the cheap probes this check feeds; empty means detail only
 */
public record CheckPolicy(
    Duration interval,
    Duration timeout,
    int failureThreshold,
    int successThreshold,
    Status initialStatus,
    boolean critical,
    Set<HealthProbe> probes) {

  /**
   * The longest interval or timeout: a year. Longer ones cannot be scheduled in nanoseconds on
   * every clock (the monitor's arithmetic would overflow), and no check needs them.
   */
  public static final Duration MAX_DURATION = Duration.ofDays(365);

  /** Defaults: every 15 s, 2 s timeout, status flips after 2 results, not critical, detail only. */
  public static final CheckPolicy DEFAULT = builder().build();

  public CheckPolicy {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(initialStatus, "initialStatus");
    Objects.requireNonNull(probes, "probes");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, was " + interval);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    if (interval.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException("interval must be at most " + MAX_DURATION + ", was " + interval);
    }
    if (timeout.compareTo(interval) > 0) {
      throw new IllegalArgumentException(
          "timeout (" + timeout + ") must not exceed interval (" + interval + ")");
    }
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failureThreshold must be at least 1, was " + failureThreshold);
    }
    if (successThreshold < 1) {
      throw new IllegalArgumentException("successThreshold must be at least 1, was " + successThreshold);
    }
    probes = probes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(probes));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this policy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.interval = interval;
    b.timeout = timeout;
    b.failureThreshold = failureThreshold;
    b.successThreshold = successThreshold;
    b.initialStatus = initialStatus;
    b.critical = critical;
    b.probes = probes.isEmpty() ? EnumSet.noneOf(HealthProbe.class) : EnumSet.copyOf(probes);
    b.probesSet = true;
    return b;
  }

  public boolean feeds(HealthProbe probe) {
    return probes.contains(probe);
  }

  /** Builds a {@link CheckPolicy}; {@link #build()} validates. */
  public static final class Builder {
    private Duration interval = Duration.ofSeconds(15);
    private Duration timeout = Duration.ofSeconds(2);
    private int failureThreshold = 2;
    private int successThreshold = 2;
    private Status initialStatus = Status.UNKNOWN;
    private boolean critical;
    private EnumSet<HealthProbe> probes = EnumSet.noneOf(HealthProbe.class);
    private boolean probesSet;

    private Builder() {}

    public Builder interval(Duration interval) {
      this.interval = interval;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder failureThreshold(int n) {
      this.failureThreshold = n;
      return this;
    }

    public Builder successThreshold(int n) {
      this.successThreshold = n;
      return this;
    }

    public Builder initialStatus(Status status) {
      this.initialStatus = status;
      return this;
    }

    /** Critical checks feed readiness unless {@link #probes} says otherwise. */
    public Builder critical(boolean critical) {
      this.critical = critical;
      return this;
    }

    public Builder probes(HealthProbe... probes) {
      this.probes = EnumSet.noneOf(HealthProbe.class);
      this.probes.addAll(java.util.Arrays.asList(probes));
      this.probesSet = true;
      return this;
    }

    public CheckPolicy build() {
      Set<HealthProbe> p = probes;
      if (!probesSet) {
        p = critical ? EnumSet.of(HealthProbe.READINESS) : EnumSet.noneOf(HealthProbe.class);
      }
      return new CheckPolicy(
          interval, timeout, failureThreshold, successThreshold, initialStatus, critical, p);
    }
  }
}

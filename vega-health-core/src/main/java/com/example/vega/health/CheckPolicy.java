package com.example.vega.health;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

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
 * @param maxBackoff the longest wait between runs while the dependency throttles or fails with
 *     5xx: after k such results in a row the next run waits {@code interval * 2^k}, at most this
 *     (rounded down to whole intervals, so runs stay on the task's phase); any other result resets
 *     it. Equal to the interval: no backoff. Default the smaller of 8 intervals and 5 minutes.
 */
public record CheckPolicy(
    Duration interval,
    Duration timeout,
    int failureThreshold,
    int successThreshold,
    Status initialStatus,
    boolean critical,
    Set<HealthProbe> probes,
    Duration maxBackoff) {

  /**
   * The longest interval or timeout: a year. Longer ones cannot be scheduled in nanoseconds on
   * every clock (the monitor's arithmetic would overflow), and no check needs them.
   */
  public static final Duration MAX_DURATION = Duration.ofDays(365);

  /** The default backoff cap's absolute bound: a throttled dependency is asked again within 5 minutes. */
  static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);
  private static final int DEFAULT_BACKOFF_INTERVALS = 8;

  /** Defaults: every 15 s, 2 s timeout, status flips after 2 results, not critical, detail only. */
  public static final CheckPolicy DEFAULT = builder().build();

  /**
   * The policy of earlier versions, without a backoff cap: {@code maxBackoff} is the default for
   * the interval.
   */
  public CheckPolicy(Duration interval, Duration timeout, int failureThreshold, int successThreshold,
      Status initialStatus, boolean critical, Set<HealthProbe> probes) {
    this(interval, timeout, failureThreshold, successThreshold, initialStatus, critical, probes,
        defaultMaxBackoff(Objects.requireNonNull(interval, "interval")));
  }

  public CheckPolicy {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(initialStatus, "initialStatus");
    Objects.requireNonNull(probes, "probes");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
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
    if (maxBackoff.compareTo(interval) < 0 || maxBackoff.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException("maxBackoff must be from the interval (" + interval + ") to "
          + MAX_DURATION + ", was " + maxBackoff);
    }
    probes = probes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(probes));
  }

  /** The smaller of 8 intervals and 5 minutes, but never below the interval. */
  static Duration defaultMaxBackoff(Duration interval) {
    if (interval.compareTo(DEFAULT_MAX_BACKOFF) >= 0) {
      return interval;
    }
    Duration eight = interval.multipliedBy(DEFAULT_BACKOFF_INTERVALS);
    return eight.compareTo(DEFAULT_MAX_BACKOFF) < 0 ? eight : DEFAULT_MAX_BACKOFF;
  }

  /**
   * How many intervals the next run waits after {@code consecutive} throttled or 5xx results in a
   * row: {@code 2^consecutive}, capped at whole intervals within {@link #maxBackoff}; 1 for none.
   */
  public long backoffFactor(int consecutive) {
    long cap = Math.max(1, maxBackoff.toNanos() / interval.toNanos());
    return consecutive >= 62 ? cap : Math.min(cap, 1L << consecutive);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this policy. */
  public Builder toBuilder() {
    Builder b = new Builder().interval(interval).timeout(timeout).failureThreshold(failureThreshold)
        .successThreshold(successThreshold).initialStatus(initialStatus).critical(critical)
        .probes(probes.toArray(HealthProbe[]::new));
    // A cap left at its default stays a default: it follows the interval if that is changed.
    b.maxBackoff = maxBackoff.equals(defaultMaxBackoff(interval)) ? null : maxBackoff;
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
    private @Nullable Duration maxBackoff; // null: the default for the interval

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

    /**
     * The longest wait between runs while the dependency throttles or fails with 5xx; the
     * interval itself turns backoff off. Default the smaller of 8 intervals and 5 minutes.
     */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
      return this;
    }

    public CheckPolicy build() {
      Set<HealthProbe> p = probes;
      if (!probesSet) {
        p = critical ? EnumSet.of(HealthProbe.READINESS) : EnumSet.noneOf(HealthProbe.class);
      }
      Objects.requireNonNull(interval, "interval");
      return new CheckPolicy(interval, timeout, failureThreshold, successThreshold, initialStatus, critical, p,
          maxBackoff != null ? maxBackoff : defaultMaxBackoff(interval));
    }
  }
}

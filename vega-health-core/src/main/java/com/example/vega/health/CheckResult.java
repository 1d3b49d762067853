package com.example.vega.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one run of a check found. Immutable.
 *
 * <p>Checks build results with {@link #up(String)}, {@link #degraded}, {@link #down} and
 * {@link #unknown}, then add observed values with {@link #with}. The monitor fills in
 * {@link #duration()} and {@link #time()}.
 *
 * @param status what the run found (before flap damping)
 * @param message a short human sentence: what is wrong, or what is right
 * @param hint the runbook's next step for exactly this failure; empty when UP
 * @param errorKind why it is not UP; {@link ErrorKind#NONE} when it is
 * @param observations observed values with units, in the order the check added them
 * @param duration how long the run took
 * @param time when the run finished
 */
public record CheckResult(
    Status status,
    String message,
    String hint,
    ErrorKind errorKind,
    List<Observation> observations,
    Duration duration,
    @Nullable Instant time) {

  public CheckResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(hint, "hint");
    Objects.requireNonNull(errorKind, "errorKind");
    Objects.requireNonNull(duration, "duration");
    observations = List.copyOf(observations);
  }

  public static CheckResult up(String message) {
    return new CheckResult(Status.UP, message, "", ErrorKind.NONE, List.of(), Duration.ZERO, null);
  }

  public static CheckResult degraded(ErrorKind kind, String message, String hint) {
    return new CheckResult(Status.DEGRADED, message, hint, kind, List.of(), Duration.ZERO, null);
  }

  public static CheckResult down(ErrorKind kind, String message, String hint) {
    return new CheckResult(Status.DOWN, message, hint, kind, List.of(), Duration.ZERO, null);
  }

  public static CheckResult unknown(String message, String hint) {
    return new CheckResult(
        Status.UNKNOWN, message, hint, ErrorKind.NO_EVIDENCE, List.of(), Duration.ZERO, null);
  }

  /** This result with one more observed value. */
  public CheckResult with(String name, Object value, @Nullable String unit) {
    return with(List.of(Observation.of(name, value, unit)));
  }

  /** This result with more observed values appended. */
  public CheckResult with(List<Observation> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<Observation> all = new ArrayList<>(observations.size() + more.size());
    all.addAll(observations);
    all.addAll(more);
    return new CheckResult(status, message, hint, errorKind, all, duration, time);
  }

  /** This result with the monitor's timing filled in. */
  public CheckResult timed(Duration duration, Instant time) {
    return new CheckResult(status, message, hint, errorKind, observations, duration, time);
  }

  /** This result with the text fields replaced (used to redact secrets and bound sizes). */
  public CheckResult withText(String message, String hint, List<Observation> observations) {
    return new CheckResult(status, message, hint, errorKind, observations, duration, time);
  }

  /** The first observed value of that name, or null. */
  public @Nullable Observation observation(String name) {
    for (Observation o : observations) {
      if (o.name().equals(name)) {
        return o;
      }
    }
    return null;
  }
}

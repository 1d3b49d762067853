package com.example.vega.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A setting's value, or every problem found with it, in the spirit of Micrometer's
 * {@code Validated}: validations are combined with {@link #and} so that all problems are collected
 * at once and reported together, never one per restart. A problem names the setting and what it
 * expects; it never carries the rejected value, which may be a secret.
 *
 * <pre>{@code
 * Validated<String> env = Setting.ENVIRONMENT.read(settings);
 * Validated<String> queue = Setting.SQS_QUEUE_URL.read(settings);
 * env.and(queue).orElseThrow();     // one IllegalArgumentException naming both, if both are bad
 * }</pre>
 *
 * @param <T> the value's type
 */
public final class Validated<T> {
  private final @Nullable T value;
  private final List<Problem> problems;

  /**
   * One thing wrong with a setting.
   *
   * @param setting where the value came from, e.g. {@code VEGA_SQS_QUEUE_URL} or a property key
   * @param message what is wrong, never echoing a secret
   * @param hint the next step
   */
  public record Problem(String setting, String message, String hint) {
    public Problem {
      Objects.requireNonNull(setting, "setting");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(hint, "hint");
    }
  }

  private Validated(@Nullable T value, List<Problem> problems) {
    this.value = value;
    this.problems = List.copyOf(problems);
  }

  /** A valid value; null means the setting is not set, which is valid unless a caller requires it. */
  public static <T> Validated<T> valid(@Nullable T value) {
    return new Validated<>(value, List.of());
  }

  public static <T> Validated<T> invalid(Problem problem) {
    return new Validated<>(null, List.of(Objects.requireNonNull(problem, "problem")));
  }

  public static <T> Validated<T> invalid(List<Problem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an invalid value needs at least one problem");
    }
    return new Validated<>(null, problems);
  }

  public boolean isValid() {
    return problems.isEmpty();
  }

  /** Valid and set. */
  public boolean isPresent() {
    return value != null;
  }

  /** The value; null when it is not set or not valid. */
  public @Nullable T get() {
    return value;
  }

  /** The value, or {@code fallback} when it is not set or not valid. */
  public T orElse(T fallback) {
    return value != null ? value : fallback;
  }

  /** Every problem, in the order found; empty when valid. */
  public List<Problem> problems() {
    return problems;
  }

  /** The value mapped, when there is one; problems pass through unchanged. */
  public <R> Validated<R> map(Function<? super T, ? extends R> f) {
    if (!isValid()) {
      return new Validated<>(null, problems);
    }
    return valid(value == null ? null : f.apply(value));
  }

  /** This value with {@code other}'s problems added: valid only when both are. */
  public Validated<T> and(Validated<?> other) {
    if (other.problems.isEmpty()) {
      return this;
    }
    List<Problem> all = new ArrayList<>(problems);
    all.addAll(other.problems);
    return new Validated<>(isValid() ? null : value, all);
  }

  /**
   * The value (null when not set) or an {@link IllegalArgumentException} whose message names every
   * problem, separated by {@code "; "}.
   */
  public @Nullable T orElseThrow() {
    if (isValid()) {
      return value;
    }
    throw new IllegalArgumentException(messages());
  }

  /** Every problem's message, separated by {@code "; "}. */
  public String messages() {
    StringBuilder sb = new StringBuilder();
    for (Problem p : problems) {
      sb.append(sb.length() == 0 ? "" : "; ").append(p.message());
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return isValid() ? "Valid[" + (value == null ? "not set" : "set") + "]" : "Invalid[" + messages() + "]";
  }
}

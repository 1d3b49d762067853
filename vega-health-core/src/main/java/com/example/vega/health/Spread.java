package com.example.vega.health;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Where each check's runs fall in time on this task, so that a fleet's tasks, started within the
 * same second, do not call a shared dependency at the same instant. Each check gets a phase in
 * [0, 1) from a hash of (instance id, check name): stable for a task, different across tasks. The
 * first run comes at {@code phase * min(interval, startSpread)} after start (prompt, for
 * readiness), every later run at {@code start + phase * interval + k * interval} (k >= 1), so in
 * steady state the fleet's runs are spread over the whole interval. A start spread of zero turns
 * spreading off: every check runs at start, then every interval from there.
 */
final class Spread {
  /** The default start spread: first results within 5 s of start. */
  static final Duration DEFAULT_START_SPREAD = Duration.ofSeconds(5);

  private final String instanceId;
  private final Duration startSpread;

  Spread(String instanceId, Duration startSpread) {
    this.instanceId = instanceId;
    this.startSpread = startSpread;
  }

  String instanceId() {
    return instanceId;
  }

  /**
   * This task's id, cheapest first and without a network call: the container id at the end of
   * {@code ECS_CONTAINER_METADATA_URI_V4} (or v3), else {@code HOSTNAME}, else a random UUID
   * drawn once per process.
   */
  static String detectInstanceId(UnaryOperator<@Nullable String> env) {
    for (String key : new String[] {"ECS_CONTAINER_METADATA_URI_V4", "ECS_CONTAINER_METADATA_URI"}) {
      String uri = env.apply(key);
      if (uri != null && !uri.isBlank()) {
        String u = uri.trim();
        while (u.endsWith("/")) {
          u = u.substring(0, u.length() - 1);
        }
        String last = u.substring(u.lastIndexOf('/') + 1);
        if (!last.isEmpty()) {
          return last;
        }
      }
    }
    String host = env.apply("HOSTNAME");
    return host != null && !host.isBlank() ? host.trim() : RandomId.ID;
  }

  /** The check's phase in [0, 1); 0 when spreading is off. */
  double phase(String checkName) {
    if (startSpread.isZero()) {
      return 0;
    }
    byte[] h = sha256(instanceId + '\u0000' + checkName);
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (h[i] & 0xff);
    }
    return (bits >>> 11) * 0x1.0p-53;
  }

  /** Nanoseconds from start to the check's first run. */
  long firstDelayNanos(double phase, Duration interval) {
    return (long) (phase * Math.min(interval.toNanos(), startSpread.toNanos()));
  }

  /** Nanoseconds from start to the check's phase point: every later run is one interval apart from it. */
  static long anchorOffsetNanos(double phase, Duration interval) {
    return (long) (phase * interval.toNanos());
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Drawn once per process, only when no id is found. */
  private static final class RandomId {
    static final String ID = UUID.randomUUID().toString();
  }
}

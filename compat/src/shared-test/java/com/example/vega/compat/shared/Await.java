package com.example.vega.compat.shared;

import java.time.Duration;
import java.util.concurrent.Callable;

/** A bounded wait for what arrives asynchronously (exported spans, a check's first run). */
public final class Await {
  private static final Duration LIMIT = Duration.ofSeconds(30);

  private Await() {}

  /** Polls {@code poll} every 200 ms until it returns non-null; fails after 30 s. */
  public static <T> T until(Callable<T> poll) throws Exception {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      T t = poll.call();
      if (t != null) {
        return t;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not within " + LIMIT.toSeconds() + " s");
  }
}

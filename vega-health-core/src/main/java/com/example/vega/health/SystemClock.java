package com.example.vega.health;

import java.time.Instant;

/** {@link HealthClock#system()}. */
enum SystemClock implements HealthClock {
  INSTANCE;

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }
}

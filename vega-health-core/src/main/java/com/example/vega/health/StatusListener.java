package com.example.vega.health;

import org.jspecify.annotations.Nullable;

/**
 * Hears every change of a check's reported status. Called on a monitor thread; must be quick.
 * An exception thrown here is logged and does not affect the monitor.
 */
@FunctionalInterface
public interface StatusListener {
  void onChange(@Nullable CheckState previous, CheckState current);

  /**
   * Hears every result, whether or not the reported status changed (after {@link #onChange} when
   * it did). For meters that record each run, such as its duration. Does nothing by default.
   */
  default void onResult(CheckState current) {}
}

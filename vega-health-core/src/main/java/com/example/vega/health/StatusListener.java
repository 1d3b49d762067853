package com.example.vega.health;

import org.jspecify.annotations.Nullable;

/**
 * Hears every change of a check's reported status. Called on a monitor thread; must be quick.
 * An exception thrown here is logged and does not affect the monitor.
 */
@FunctionalInterface
public interface StatusListener {
  void onChange(@Nullable CheckState previous, CheckState current);
}

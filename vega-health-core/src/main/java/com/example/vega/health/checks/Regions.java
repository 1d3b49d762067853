package com.example.vega.health.checks;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.regions.Region;

/** A client's region for hints. */
final class Regions {
  private Regions() {}

  /** The region's id, or null when the client has none (hints then name the caller's). */
  static @Nullable String id(@Nullable Region region) {
    return region == null ? null : region.id();
  }
}

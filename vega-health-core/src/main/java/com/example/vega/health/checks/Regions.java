package com.example.vega.health.checks;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.regions.Region;

/** Region names for hints. */
final class Regions {
  private Regions() {}

  static String of(@Nullable Region region) {
    return region == null ? "<region>" : region.id();
  }
}

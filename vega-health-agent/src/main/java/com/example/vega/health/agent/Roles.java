package com.example.vega.health.agent;

import com.example.vega.health.checks.VegaRole;
import java.util.Optional;

/** Role names as people type them ({@code worker}, {@code vega-worker}, {@code llm_proxy}), through {@link VegaRole#of}. */
final class Roles {
  static final String NAMES = "api, worker, runner, llm-proxy, maintenance";

  private Roles() {}

  static Optional<VegaRole> parse(String name) {
    try {
      return Optional.of(VegaRole.of(name));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}

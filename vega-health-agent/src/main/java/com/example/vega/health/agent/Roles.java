package com.example.vega.health.agent;

import com.example.vega.health.VegaRole;
import java.util.Optional;

/**
 * Role names as people type them ({@code worker}, {@code vega-worker}, {@code llm_proxy}), through
 * {@link VegaRole#of}. Internal to the agent jar (public for the doctor's package).
 */
public final class Roles {
  public static final String NAMES = "api, worker, runner, llm-proxy, maintenance";

  private Roles() {}

  public static Optional<VegaRole> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(VegaRole.of(name));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}

package com.example.vega.health.agent;

import com.example.vega.health.checks.VegaRole;
import java.util.Locale;
import java.util.Optional;

/** Role names as people type them: {@code worker}, {@code vega-worker}, {@code llm_proxy}. Internal to the agent jar. */
public final class Roles {
  public static final String NAMES = "api, worker, runner, llm-proxy, maintenance";

  private Roles() {}

  public static Optional<VegaRole> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    if (n.startsWith("vega-")) {
      n = n.substring(5);
    }
    if (n.equals("v16-runner")) {
      n = "runner";
    }
    for (VegaRole r : VegaRole.values()) {
      if (r.hintName().equals(n)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}

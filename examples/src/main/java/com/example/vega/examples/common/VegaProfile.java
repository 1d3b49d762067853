package com.example.vega.examples.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.io.InputStreamReader;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Vega's house rules, as data: the settings in {@code vega-house-rules.properties} that every Vega
 * service adds to its environment, so that Vega Health's hints name Vega's migration script and
 * log group and its postgres check requires migration 004's columns. The library itself ships
 * neutral defaults (docs/outside-vega.md).
 */
public final class VegaProfile {
  static final String RESOURCE = "/vega-house-rules.properties";

  private VegaProfile() {}

  /** The house rules as environment variables, e.g. {@code VEGA_MIGRATIONS_RUN_HINT}. */
  public static Map<String, String> environment() {
    Properties p = new Properties();
    try (InputStream in = Objects.requireNonNull(VegaProfile.class.getResourceAsStream(RESOURCE), RESOURCE)) {
      p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    Map<String, String> env = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> env.put(k, p.getProperty(k)));
    return Map.copyOf(env);
  }
}

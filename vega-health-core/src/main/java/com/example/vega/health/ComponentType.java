package com.example.vega.health;

import java.util.Locale;

/** What kind of thing a check watches: health+json's {@code componentType}. */
public enum ComponentType {
  /** A service the application calls: a queue, a proxy, an identity provider. */
  COMPONENT,
  /** Where data lives: a database, a bucket. */
  DATASTORE,
  /** The process itself or its configuration: the JVM, the settings. */
  SYSTEM;

  private final String healthJson = name().toLowerCase(Locale.ROOT);

  /** The word health+json uses: {@code component}, {@code datastore} or {@code system}. */
  public String healthJson() {
    return healthJson;
  }
}

package com.example.vega.health;

/** What kind of thing a check watches: health+json's {@code componentType}. */
public enum ComponentType {
  /** A service the application calls: a queue, a proxy, an identity provider. */
  COMPONENT("component"),
  /** Where data lives: a database, a bucket. */
  DATASTORE("datastore"),
  /** The process itself or its configuration: the JVM, the settings. */
  SYSTEM("system");

  private final String healthJson;

  ComponentType(String healthJson) {
    this.healthJson = healthJson;
  }

  /** The word health+json uses: {@code component}, {@code datastore} or {@code system}. */
  public String healthJson() {
    return healthJson;
  }
}

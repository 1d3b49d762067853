package com.example.vega.health;

/**
 * The status of one check, or of a whole service.
 *
 * <p>Ordered from best to worst for aggregation: {@code UP < DEGRADED < UNKNOWN < DOWN}.
 */
public enum Status {
  /** The dependency answered and everything observed is within bounds. */
  UP("pass"),
  /** It works, but something is off: throttled, slow, a backlog growing, a token expiring soon. */
  DEGRADED("warn"),
  /** The check could not gather evidence either way. Never reported as UP. */
  UNKNOWN("warn"),
  /** The dependency does not work for this service. */
  DOWN("fail");

  private final String healthJson;

  Status(String healthJson) {
    this.healthJson = healthJson;
  }

  /** The {@code application/health+json} status word: pass, warn or fail. */
  public String healthJson() {
    return healthJson;
  }

  /** The worse of the two. */
  public Status worst(Status other) {
    return other.ordinal() > ordinal() ? other : this;
  }

  /** Whether going from this status to {@code next} is a change for the worse. */
  public boolean isWorseThan(Status other) {
    return ordinal() > other.ordinal();
  }
}

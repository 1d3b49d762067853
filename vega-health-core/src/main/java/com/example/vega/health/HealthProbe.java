package com.example.vega.health;

/** The cheap endpoints a check's status can feed, besides the full {@code /v1/healthz} detail. */
public enum HealthProbe {
  /**
   * {@code /v1/healthz/live}: process-local checks only. An orchestrator restarts the task when it
   * fails, so a shared dependency must never feed it.
   */
  LIVENESS,
  /** {@code /v1/healthz/ready}: local checks plus the dependencies critical for this role. */
  READINESS
}

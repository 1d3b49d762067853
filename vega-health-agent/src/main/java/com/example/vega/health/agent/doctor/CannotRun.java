package com.example.vega.health.agent.doctor;

/** Anything that stops the doctor from running: printed as one line on stderr, exit 2. */
final class CannotRun extends Exception {
  private static final long serialVersionUID = 1L;

  CannotRun(String message) {
    super(message, null, false, false);
  }
}

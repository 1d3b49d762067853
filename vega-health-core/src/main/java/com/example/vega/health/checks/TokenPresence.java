package com.example.vega.health.checks;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Caller;
import com.example.vega.health.token.TokenReference;
import org.jspecify.annotations.Nullable;

/**
 * What {@link LlmProxyCheck}'s look at a token reference found, without reading it (a read
 * consumes it): present, absent, scheduled for deletion, not known, or a failure to report.
 */
record TokenPresence(State state, @Nullable CheckResult failure) {
  enum State { PRESENT, ABSENT, SCHEDULED_FOR_DELETION, NOT_KNOWN, FAILED }

  static final TokenPresence PRESENT = new TokenPresence(State.PRESENT, null);
  static final TokenPresence ABSENT = new TokenPresence(State.ABSENT, null);
  static final TokenPresence SCHEDULED_FOR_DELETION = new TokenPresence(State.SCHEDULED_FOR_DELETION, null);
  static final TokenPresence NOT_KNOWN = new TokenPresence(State.NOT_KNOWN, null);

  static TokenPresence failed(CheckResult failure) {
    return new TokenPresence(State.FAILED, failure);
  }

  /** DescribeSecret on a reference's secret ({@link ScanTokenSecret}, which needs the SDK). */
  interface SecretLookup {
    TokenPresence describe(String arn, CheckContext ctx, Caller who);
  }

  /** Looks at the reference without reading it: the file's permissions, or DescribeSecret via {@code lookup}. */
  static TokenPresence of(TokenReference r, @Nullable SecretLookup lookup, CheckContext ctx, Caller who) {
    if (r.kind() == TokenReference.Kind.SECRET_ARN) {
      return lookup == null ? NOT_KNOWN : lookup.describe(r.value(), ctx, who);
    }
    return switch (r.fileState()) {
      case OWNER_ONLY -> PRESENT;
      case ABSENT -> ABSENT;
      case OPEN -> failed(CheckResult.down(ErrorKind.MISCONFIGURED,
          "the scan token file " + r + " may be read or written by group or others: the runner refuses it",
          "the hand-off writes owner-only token files (rw-------) in an owner-only directory: check what "
              + "changed the permissions, and that the worker writes it with ScanTokenHandoff.files()"));
      case NOT_A_FILE -> failed(CheckResult.down(ErrorKind.MISCONFIGURED,
          "VEGA_LLM_PROXY_TOKEN_REF names " + r + ", which is not a regular file: the runner refuses it",
          "the worker passes the reference ScanTokenHandoff.put returned; check the worker's launch code"));
      case UNREADABLE -> failed(CheckResult.unknown("whether the scan token file " + r
              + " is owner-only cannot be read here",
          "check that the runner runs on a POSIX file system as the worker's user"));
    };
  }

  /** A reference whose token is not there and never was while this check looked. */
  static CheckResult neverPresent(TokenReference r, String what, State state) {
    String gone = state == State.SCHEDULED_FOR_DELETION ? "is scheduled for deletion" : "does not exist";
    String hint = r.kind() == TokenReference.Kind.SECRET_ARN
        ? "the worker puts the token before it launches the runner: check the worker's log for 'cannot hand the "
            + "scan token over' and secretsmanager:CreateSecret on VEGA_SCAN_TOKEN_SECRET_PREFIX* for the worker "
            + "task role (a runner that already read it deletes it: this check never saw it present)"
        : "the worker writes the token file before it launches the runner: check the worker's log, that the "
            + "runner runs on the worker's host as its user, and that no other runner of this scan read it first "
            + "(this check never saw it present)";
    return CheckResult.down(ErrorKind.NOT_FOUND, "the scan " + what + " named by VEGA_LLM_PROXY_TOKEN_REF " + gone
        + " and was never seen present here; the token itself was not read", hint);
  }
}

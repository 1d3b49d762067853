package com.example.vega.health.checks.internal;

import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;

/**
 * Classifies an HTTP status: 429 and 5xx are transient (DEGRADED: the next run asks again), 401
 * and 403 are about credentials or access, any other 4xx says what the caller's dependency makes of
 * it (a missing resource, a wrong URL). Hints stay with the caller: only it knows the dependency.
 */
public final class HttpFailures {
  private HttpFailures() {}

  /**
   * The kind of failure {@code status} means; {@link ErrorKind#NONE} below 400.
   *
   * @param credentialsSent whether the request carried credentials: a 403 then means they were
   *     rejected ({@link ErrorKind#AUTHENTICATION}), otherwise that something denies the caller
   *     ({@link ErrorKind#ACCESS_DENIED})
   * @param otherClientError what any other 4xx means for this dependency, e.g. {@link
   *     ErrorKind#NOT_FOUND} for a resource named in the URL, {@link ErrorKind#MISCONFIGURED} for a
   *     wrong base URL
   */
  public static ErrorKind kind(int status, boolean credentialsSent, ErrorKind otherClientError) {
    if (status < 400) {
      return ErrorKind.NONE;
    }
    if (status == 429) {
      return ErrorKind.THROTTLED;
    }
    if (status >= 500) {
      return ErrorKind.SERVER_ERROR;
    }
    if (status == 401 || status == 403 && credentialsSent) {
      return ErrorKind.AUTHENTICATION;
    }
    return status == 403 ? ErrorKind.ACCESS_DENIED : otherClientError;
  }

  /** A result of {@code kind}: DEGRADED when it is transient (throttled, 5xx), DOWN otherwise. */
  public static CheckResult result(ErrorKind kind, String message, String hint) {
    if (kind == ErrorKind.NONE) {
      throw new IllegalArgumentException("not a failure: " + kind);
    }
    Status status = kind == ErrorKind.THROTTLED || kind == ErrorKind.SERVER_ERROR ? Status.DEGRADED : Status.DOWN;
    return status == Status.DEGRADED ? CheckResult.degraded(kind, message, hint) : CheckResult.down(kind, message, hint);
  }
}

package com.example.vega.health;

/** Why a check is not UP, in words a machine can switch on. {@link #NONE} when it is UP. */
public enum ErrorKind {
  NONE,
  /** The TCP connection was refused: nothing listens, or a security group rejects it. */
  CONNECTION_REFUSED,
  /** The host name does not resolve. */
  UNKNOWN_HOST,
  /** No TCP connection within the timeout: a security group or route drops the packets. */
  CONNECT_TIMEOUT,
  /** Connected, but no answer within the timeout. */
  TIMEOUT,
  /** Credentials were rejected (database password, expired AWS credentials). */
  AUTHENTICATION,
  /** The caller is known but not allowed to do this (IAM AccessDenied, KMS denied). */
  ACCESS_DENIED,
  /** The resource does not exist (database, queue, bucket, secret, cluster, migration table). */
  NOT_FOUND,
  /** The resource exists but is not usable (task definition INACTIVE, secret scheduled for deletion). */
  INACTIVE,
  /** The service asked us to slow down. */
  THROTTLED,
  /** The service failed with a 5xx. */
  SERVER_ERROR,
  /** A pool or queue is full: callers wait. */
  SATURATED,
  /** Work is piling up: a backlog grows while consumers should be draining it. */
  BACKLOG,
  /** An expected database migration is not applied. */
  MIGRATION_MISSING,
  /** A token or credential has expired, or will soon. */
  EXPIRED,
  /** A setting is missing or malformed. */
  MISCONFIGURED,
  /** Not enough evidence to say either way. */
  NO_EVIDENCE,
  /** Anything else: the message says what. */
  OTHER;

  /**
   * Whether a failure of this kind is evidence of a fault by itself, so that asking again will not
   * change the answer: refused, unknown host, bad credentials, denied, missing, inactive, a
   * migration missing, expired, misconfigured. A timeout, throttling, a 5xx, a full pool or a
   * failure without evidence is not: the service may only be starting, or the dependency busy.
   */
  public boolean conclusive() {
    return switch (this) {
      case CONNECTION_REFUSED, UNKNOWN_HOST, AUTHENTICATION, ACCESS_DENIED, NOT_FOUND, INACTIVE,
          MIGRATION_MISSING, EXPIRED, MISCONFIGURED -> true;
      default -> false;
    };
  }

  /** Whether this is "no answer in time": a connect or an answer that did not come within the timeout. */
  public boolean timeout() {
    return this == TIMEOUT || this == CONNECT_TIMEOUT;
  }
}

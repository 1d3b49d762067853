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
  OTHER
}

package com.example.vega.health;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Classifies any {@link Throwable}: the network causes every client shares (refused, unknown host,
 * no connection in time, no answer in time), whatever wraps them.
 *
 * <pre>{@code
 * ErrorKind kind = Failures.network(e);   // CONNECTION_REFUSED, UNKNOWN_HOST, ... or null
 * CheckResult r = Failures.of(e);         // DOWN with the kind and a generic runbook hint
 * }</pre>
 */
public final class Failures {
  /** Cause chains deeper than this are cut: a cycle through an overridden getCause() must end. */
  private static final int MAX_DEPTH = 64;

  private Failures() {}

  /**
   * The network failure anywhere in {@code e}'s cause chain, the outermost first: {@link
   * ErrorKind#CONNECTION_REFUSED}, {@link ErrorKind#UNKNOWN_HOST}, {@link ErrorKind#CONNECT_TIMEOUT}
   * or {@link ErrorKind#TIMEOUT}; null when there is none.
   */
  public static @Nullable ErrorKind network(Throwable e) {
    Throwable t = networkCause(e);
    return t == null ? null : networkKind(t);
  }

  /**
   * The network kind of this one throwable, not looking at its causes; null when it is not a
   * network failure.
   */
  public static @Nullable ErrorKind networkKind(Throwable t) {
    // The JDK's HttpClient reports a name that does not resolve as a ConnectException caused by an
    // UnresolvedAddressException: by type, not a refused connection.
    if (t instanceof UnresolvedAddressException
        || t instanceof ConnectException && t.getCause() != null
            && cause(t.getCause(), UnresolvedAddressException.class) != null) {
      return ErrorKind.UNKNOWN_HOST;
    }
    if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
      return ErrorKind.CONNECTION_REFUSED;
    }
    if (t instanceof UnknownHostException) {
      return ErrorKind.UNKNOWN_HOST;
    }
    if (t instanceof HttpConnectTimeoutException) {
      return ErrorKind.CONNECT_TIMEOUT;
    }
    if (t instanceof SocketTimeoutException) {
      // The one message read (docs/checks.md): java.net.Socket throws this one type for a connect
      // and for a read, and says "Connect timed out" for a connect, "Read timed out" for an answer.
      return String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("connect")
          ? ErrorKind.CONNECT_TIMEOUT : ErrorKind.TIMEOUT;
    }
    if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
      return ErrorKind.TIMEOUT;
    }
    return null;
  }

  /**
   * A check that threw: DOWN with the network kind and a generic hint, or {@link ErrorKind#OTHER}
   * naming the deepest cause. Checks that know their dependency word their own results; this is
   * what is left when one did not.
   */
  public static CheckResult of(Throwable e) {
    Throwable cause = networkCause(e);
    Throwable shown = cause != null ? cause : root(e);
    ErrorKind kind = cause != null ? networkKind(cause) : ErrorKind.OTHER;
    String hint = switch (kind == null ? ErrorKind.OTHER : kind) {
      case CONNECTION_REFUSED ->
          "nothing accepted the connection: check the endpoint setting and the security group";
      case UNKNOWN_HOST -> "the host name does not resolve: check the endpoint setting and the VPC's DNS";
      case CONNECT_TIMEOUT -> "no connection in time: check the security group and that this task's "
          + "subnets route to the dependency";
      case TIMEOUT -> "the dependency did not answer in time: check that it is up and reachable from this task";
      default -> "the check failed unexpectedly: see this service's log for the cause";
    };
    String msg = shown.getMessage();
    return CheckResult.down(kind == null ? ErrorKind.OTHER : kind,
        shown.getClass().getSimpleName() + (msg == null ? "" : ": " + msg), hint);
  }

  /**
   * The hint for a call that got no answer in time where the evidence does not say whether it was
   * connecting or waiting for the answer (an SDK call timeout, the monitor's deadline, an HTTP
   * request timeout): a cold or CPU-starved task is as likely as a network path, so the hint points
   * at neither as the cause. A connect timeout is evidence of the path and has hints of its own.
   *
   * @param what who did not answer, e.g. {@code S3}
   * @param task whose CPU to look at, e.g. {@code the runner task}
   * @param route what the task's route leads to, e.g. {@code the S3 endpoint in us-west-1 (VPC endpoint or NAT)}
   */
  public static String noAnswerHint(String what, String task, String route) {
    return what + " did not answer in time (the connection and the answer are not told apart): if it persists, "
        + "look at " + task + "'s CPU and memory (raise the task definition's limits if it is starved), then at "
        + "its route to " + route;
  }

  /** The first throwable of {@code type} in {@code e}'s cause chain, or null. */
  public static <T extends Throwable> @Nullable T cause(Throwable e, Class<T> type) {
    Throwable t = e;
    for (int i = 0; t != null && i < MAX_DEPTH; i++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** The first line of a message, at most 200 characters: what a result quotes of a server's text. */
  public static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  private static @Nullable Throwable networkCause(Throwable e) {
    Throwable t = e;
    for (int i = 0; t != null && i < MAX_DEPTH; i++, t = t.getCause()) {
      if (networkKind(t) != null) {
        return t;
      }
    }
    return null;
  }

  private static Throwable root(Throwable e) {
    Throwable root = e;
    Throwable t = e.getCause();
    for (int i = 0; t != null && i < MAX_DEPTH; i++, t = t.getCause()) {
      root = t;
    }
    return root;
  }
}

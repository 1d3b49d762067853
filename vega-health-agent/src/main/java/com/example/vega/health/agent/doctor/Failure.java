package com.example.vega.health.agent.doctor;

import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import com.example.vega.health.agent.Text;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * What failed, in one sentence, and the runbook's next step: the doctor's one reading of a failure
 * (an AWS SDK exception, a SQL exception), by error code, HTTP status and exception type, never
 * by the SDK's message text. When core publishes its classification, this is the one place that
 * switches to it.
 *
 * @param kind why, for a machine
 * @param status DOWN, or DEGRADED for what passes by itself (throttling, a 5xx), or UNKNOWN when
 *     the doctor's own credentials are the problem (nothing was learnt about the environment)
 * @param what one sentence: what failed
 * @param next the runbook's next step
 */
record Failure(ErrorKind kind, Status status, String what, String next) {
  private static final Set<String> ACCESS_DENIED = Set.of("accessdenied", "accessdeniedexception",
      "unauthorizedoperation", "authorizationerror", "notauthorized", "unauthorizedexception");
  private static final Set<String> CREDENTIALS = Set.of("expiredtoken", "expiredtokenexception",
      "invalidclienttokenid", "unrecognizedclientexception", "invalidaccesskeyid", "signaturedoesnotmatch",
      "authfailure", "requestexpired", "invalidsignatureexception", "missingauthenticationtoken",
      "incompletesignature");
  private static final Set<String> THROTTLING = Set.of("throttling", "throttlingexception",
      "throttledexception", "requestthrottled", "requestthrottledexception", "slowdown",
      "toomanyrequestsexception", "requestlimitexceeded");

  Hop hop(String name, long ms) {
    return Hop.of(name, status, ms, what, next);
  }

  /** An AWS call of a hop failed; the service and action are read from the SDK's own metadata. */
  static Failure aws(SdkException e, String action) {
    return aws(e, serviceOf(e), action);
  }

  static Failure aws(SdkException e, String service, String action) {
    String code = errorCode(e);
    String lc = code.toLowerCase(Locale.ROOT);
    int status = e instanceof SdkServiceException s ? s.statusCode() : 0;
    String svc = service.isEmpty() ? "AWS" : service;
    if (ACCESS_DENIED.contains(lc) || code.isEmpty() && status == 403) {
      return new Failure(ErrorKind.ACCESS_DENIED, Status.DOWN, action + " was denied",
          Runbook.AWS_DENIED.text("action", action));
    }
    if (CREDENTIALS.contains(lc)) {
      return new Failure(ErrorKind.AUTHENTICATION, Status.UNKNOWN,
          "AWS rejected the doctor's credentials (" + code + ") calling " + action,
          Runbook.AWS_CREDENTIALS.text());
    }
    if (THROTTLING.contains(lc) || status == 429 || status >= 500
        || e instanceof SdkServiceException s && s.isThrottlingException()) {
      return new Failure(status >= 500 ? ErrorKind.SERVER_ERROR : ErrorKind.THROTTLED, Status.DEGRADED,
          svc + (status >= 500 ? " answered " + status : " throttled") + " to " + action,
          Runbook.AWS_TRANSIENT.text("service", svc, "region", "the region"));
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
        || cause(e, SocketTimeoutException.class) != null) {
      return new Failure(ErrorKind.TIMEOUT, Status.UNKNOWN, "no answer from " + svc + " to " + action + " in time",
          Runbook.AWS_NETWORK.text("service", svc, "region", "its region"));
    }
    if (cause(e, ConnectException.class) != null || cause(e, NoRouteToHostException.class) != null) {
      return new Failure(ErrorKind.CONNECTION_REFUSED, Status.UNKNOWN,
          "the " + svc + " endpoint refused the connection for " + action,
          Runbook.AWS_NETWORK.text("service", svc, "region", "its region"));
    }
    if (cause(e, UnknownHostException.class) != null) {
      return new Failure(ErrorKind.UNKNOWN_HOST, Status.UNKNOWN, "the " + svc + " endpoint does not resolve",
          Runbook.AWS_NETWORK.text("service", svc, "region", "its region"));
    }
    if (e instanceof SdkClientException && !(e instanceof SdkServiceException)
        && String.valueOf(e.getMessage()).startsWith("Unable to load credentials")) {
      // The SDK has no type or code for "no credentials anywhere in the chain": its message is all there is.
      return new Failure(ErrorKind.AUTHENTICATION, Status.UNKNOWN, "no AWS credentials found to call " + action,
          Runbook.AWS_CREDENTIALS.text());
    }
    if (e instanceof SdkServiceException && code.isEmpty()) {
      // No error code: not an answer of the service itself (an emulator or proxy at the endpoint, a 404).
      return new Failure(ErrorKind.OTHER, Status.UNKNOWN, svc + " answered HTTP " + status + " to " + action,
          Runbook.AWS_ENDPOINT.text("service", svc, "SERVICE", envName(svc), "action", action));
    }
    String said = e instanceof AwsServiceException a && a.awsErrorDetails() != null
        && a.awsErrorDetails().errorMessage() != null ? ": " + Text.oneLine(a.awsErrorDetails().errorMessage(), 160) : "";
    return new Failure(ErrorKind.OTHER, Status.UNKNOWN,
        action + " failed (" + (code.isEmpty() ? e.getClass().getSimpleName() : code) + said + ")",
        Runbook.AWS_OTHER.text("action", action));
  }

  /** The service's error code, or "" when there is none (HEAD answers, proxies). */
  static String errorCode(Throwable e) {
    if (e instanceof AwsServiceException a && a.awsErrorDetails() != null && a.awsErrorDetails().errorCode() != null) {
      return a.awsErrorDetails().errorCode();
    }
    return "";
  }

  private static String serviceOf(SdkException e) {
    if (e instanceof AwsServiceException a && a.awsErrorDetails() != null && a.awsErrorDetails().serviceName() != null) {
      return a.awsErrorDetails().serviceName();
    }
    return "";
  }

  private static String envName(String service) {
    return service.toUpperCase(Locale.ROOT).replace(' ', '_');
  }

  /** Postgres: what the driver's SQL state and the cause's type say. */
  static Failure sql(SQLException e, String address) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (cause(e, ConnectException.class) != null) {
      return new Failure(ErrorKind.CONNECTION_REFUSED, Status.DOWN, "connection refused on " + address,
          Runbook.DB_REFUSED.text());
    }
    if (cause(e, UnknownHostException.class) != null) {
      return new Failure(ErrorKind.UNKNOWN_HOST, Status.DOWN, "the database host of " + address + " does not resolve",
          Runbook.DB_HOST.text());
    }
    if (cause(e, SocketTimeoutException.class) != null || state.startsWith("08")) {
      return new Failure(ErrorKind.TIMEOUT, Status.DOWN, "no connection to " + address + " in time (" + state + ")",
          Runbook.DB_TIMEOUT.text("address", address));
    }
    if (state.equals("28P01") || state.equals("28000")) {
      return new Failure(ErrorKind.AUTHENTICATION, Status.DOWN, "Postgres rejected the credentials for " + address,
          Runbook.DB_AUTH.text());
    }
    if (state.equals("3D000")) {
      return new Failure(ErrorKind.NOT_FOUND, Status.DOWN, "the database in " + address + " does not exist",
          Runbook.DB_NAME.text());
    }
    if (state.equals("42P01")) {
      return new Failure(ErrorKind.MIGRATION_MISSING, Status.DOWN, "a table is missing: " + Text.oneLine(e.getMessage()),
          Runbook.DB_TABLE.text("env", "<env>"));
    }
    if (state.equals("42703")) {
      return new Failure(ErrorKind.MIGRATION_MISSING, Status.DOWN, "a column is missing: " + Text.oneLine(e.getMessage()),
          Runbook.DB_COLUMN.text());
    }
    return new Failure(ErrorKind.OTHER, Status.DOWN, "Postgres error " + state + ": " + Text.oneLine(e.getMessage()),
        Runbook.DB_OTHER.text());
  }

  /** One sentence for anything else thrown (no stack, no class path). */
  /** The exception's own message, or its type when it has none. */
  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  static String sentence(Throwable e) {
    if (e instanceof SdkException s) {
      return aws(s, "the call").what();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return Text.oneLine(root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()));
  }

  static <T extends Throwable> @Nullable T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}

package com.example.vega.health.agent.doctor;

import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import com.example.vega.health.agent.Text;
import com.example.vega.health.checks.internal.AwsFailures;
import com.example.vega.health.Failures;
import com.example.vega.health.checks.internal.SqlFailures;
import java.sql.SQLException;
import java.util.Locale;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * What failed, in one sentence, and the runbook's next step: the doctor's one reading of a failure
 * (an AWS SDK exception, a SQL exception, anything else thrown), through core's classification
 * ({@link AwsFailures}, {@link SqlFailures}, {@link Failures}): by error code, SQLSTATE, HTTP status
 * and exception type, never by the SDK's message text.
 *
 * @param kind why, for a machine
 * @param status DOWN, or DEGRADED for what passes by itself (throttling, a 5xx), or UNKNOWN when
 *     the doctor's own credentials are the problem (nothing was learnt about the environment)
 * @param what one sentence: what failed
 * @param next the runbook's next step
 */
record Failure(ErrorKind kind, Status status, String what, String next) {
  Hop hop(String name, long ms) {
    return Hop.of(name, status, ms, what, next);
  }

  /**
   * The hop of a call the doctor made with its own credentials: a denial judges those credentials'
   * rights, not a task role's, so it says whose they are.
   */
  Hop hop(String name, long ms, Context ctx) {
    Hop h = hop(name, ms);
    return kind == ErrorKind.ACCESS_DENIED ? h.withEvidence(java.util.List.of(RoleRights.asCaller(ctx))) : h;
  }

  /** An AWS call of a hop failed; the service and action are read from the SDK's own metadata. */
  static Failure aws(SdkException e, String action) {
    return aws(e, serviceOf(e), action);
  }

  static Failure aws(SdkException e, String service, String action) {
    String code = AwsFailures.errorCode(e);
    int status = AwsFailures.statusCode(e);
    String svc = service.isEmpty() ? "AWS" : service;
    ErrorKind kind = AwsFailures.kind(e, svc);
    String network = Runbook.AWS_NETWORK.text("service", svc, "region", "its region");
    return switch (kind) {
      case ACCESS_DENIED -> new Failure(kind, Status.DOWN, action + " was denied",
          Runbook.AWS_DENIED.text("action", action));
      case AUTHENTICATION -> new Failure(kind, Status.UNKNOWN, code.isEmpty()
          ? "no AWS credentials found to call " + action
          : "AWS rejected the doctor's credentials (" + code + ") calling " + action, Runbook.AWS_CREDENTIALS.text());
      case THROTTLED, SERVER_ERROR -> new Failure(kind, Status.DEGRADED,
          svc + (kind == ErrorKind.SERVER_ERROR ? " answered " + status : " throttled") + " to " + action,
          Runbook.AWS_TRANSIENT.text("service", svc, "region", "the region"));
      case TIMEOUT, CONNECT_TIMEOUT -> new Failure(ErrorKind.TIMEOUT, Status.UNKNOWN,
          "no answer from " + svc + " to " + action + " in time", network);
      case CONNECTION_REFUSED -> new Failure(kind, Status.UNKNOWN,
          "the " + svc + " endpoint refused the connection for " + action, network);
      case UNKNOWN_HOST -> new Failure(kind, Status.UNKNOWN, "the " + svc + " endpoint does not resolve", network);
      default -> other(e, svc, action, code, status);
    };
  }

  private static Failure other(SdkException e, String svc, String action, String code, int status) {
    if (e instanceof SdkServiceException && code.isEmpty()) {
      // No error code: not an answer of the service itself (an emulator or proxy at the endpoint, a 404).
      return new Failure(ErrorKind.OTHER, Status.UNKNOWN, svc + " answered HTTP " + status + " to " + action,
          Runbook.AWS_ENDPOINT.text("service", svc, "SERVICE", envName(svc), "action", action));
    }
    // The service's own words (its error message), never the SDK's wrapper text around them.
    String said = e instanceof AwsServiceException a && a.awsErrorDetails() != null
        && a.awsErrorDetails().errorMessage() != null ? ": " + Text.oneLine(a.awsErrorDetails().errorMessage(), 160) : "";
    return new Failure(ErrorKind.OTHER, Status.UNKNOWN,
        action + " failed (" + (code.isEmpty() ? e.getClass().getSimpleName() : code) + said + ")",
        Runbook.AWS_OTHER.text("action", action));
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

  /**
   * Postgres: the kind core's postgres check reads ({@link SqlFailures#of}: each SQLSTATE it knows
   * along the cause chain, then the network cause), worded with the doctor's next steps. A SQLSTATE
   * core does not know, such as a class 08 connection exception without a network cause, says no
   * more than its state and message: it is not read as a timeout.
   */
  static Failure sql(SQLException e, String address) {
    // The doctor opens its own connection for each of its queries: connecting.
    CheckResult core = SqlFailures.of(e, new SqlFailures.Target(address, null, "the service", "doctor"), true);
    ErrorKind kind = core.errorKind();
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String detail = Text.oneLine(e.getMessage());
    return switch (kind) {
      case CONNECTION_REFUSED -> new Failure(kind, Status.DOWN, "connection refused on " + address,
          Runbook.DB_REFUSED.text());
      case UNKNOWN_HOST -> new Failure(kind, Status.DOWN, "the database host of " + address + " does not resolve",
          Runbook.DB_HOST.text());
      case CONNECT_TIMEOUT -> new Failure(kind, Status.DOWN, "no connection to " + address + " in time",
          Runbook.DB_TIMEOUT.text("address", address));
      case AUTHENTICATION -> new Failure(kind, Status.DOWN, "Postgres rejected the credentials for " + address,
          Runbook.DB_AUTH.text());
      case NOT_FOUND -> new Failure(kind, Status.DOWN, "the database in " + address + " does not exist",
          Runbook.DB_NAME.text());
      case MIGRATION_MISSING -> core.message().startsWith("a column")
          ? new Failure(kind, Status.DOWN, Text.oneLine(core.message()), Runbook.DB_COLUMN.text())
          : new Failure(kind, Status.DOWN, Text.oneLine(core.message()), Runbook.DB_TABLE.text("env", "<env>"));
      // Connected but no answer, no connection slots, shutting down: core's words and steps.
      case TIMEOUT, SATURATED, SERVER_ERROR -> new Failure(kind, Status.DOWN, Text.oneLine(core.message()), core.hint());
      default -> new Failure(ErrorKind.OTHER, Status.DOWN,
          "Postgres error" + (state.isEmpty() ? "" : " " + state) + ": " + detail, Runbook.DB_OTHER.text());
    };
  }

  /** The exception's own message, or its type when it has none. */
  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /** One sentence for anything else thrown (no stack, no class path). */
  static String sentence(Throwable e) {
    if (e instanceof SdkException s) {
      return aws(s, "the call").what();
    }
    ErrorKind net = Failures.network(e);
    if (net != null) {
      return switch (net) {
        case CONNECTION_REFUSED -> "connection refused";
        case UNKNOWN_HOST -> "the host name does not resolve";
        case CONNECT_TIMEOUT -> "no connection in time";
        default -> "no answer in time";
      };
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return Text.oneLine(root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()));
  }
}

package com.example.vega.health.checks;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The one mapping from an AWS SDK failure to a result, shared by every AWS check, so that access
 * denied, throttling, 5xx, timeouts and credential problems read the same whichever service said
 * them. Checks handle their own "not found" codes first and hand everything else here.
 */
final class AwsFailures {
  private static final Set<String> ACCESS_DENIED =
      Set.of("accessdenied", "accessdeniedexception", "unauthorizedoperation", "authorizationerror",
          "notauthorized", "unauthorizedexception");
  private static final Set<String> CREDENTIALS =
      Set.of("expiredtoken", "expiredtokenexception", "invalidclienttokenid",
          "unrecognizedclientexception", "invalidaccesskeyid", "signaturedoesnotmatch",
          "authfailure", "requestexpired", "invalidsignatureexception", "missingauthenticationtoken",
          "incompletesignature");
  private static final Set<String> THROTTLING =
      Set.of("throttling", "throttlingexception", "throttledexception", "requestthrottled",
          "requestthrottledexception", "slowdown", "toomanyrequestsexception",
          "requestlimitexceeded", "provisionedthroughputexceededexception", "bandwidthlimitexceeded",
          "aws.simplequeueservice.throttled");

  /**
   * One attempt per check run. The check runs again on its next interval, and flap damping needs
   * several results to change the status, so the SDK's own retries only hide what the dependency
   * said (throttled, 5xx, refused) behind backoff sleeps that end in "no answer in time". Measured
   * in FaultMatrixIT: with the SDK's retries, throttling past a 500 ms timeout was first reported as
   * a timeout in some runs, detected as throttling only after 3 to 4 s.
   */
  private static final SdkPlugin NO_RETRIES =
      config -> config.overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));

  private AwsFailures() {}

  /** A per-request override bounding the call by what is left of the check's budget. */
  static Budget budget(CheckContext ctx) {
    return new Budget(ctx);
  }

  /**
   * Per-request override: one attempt (no SDK retries, see {@link #NO_RETRIES}), bounded by what is
   * left of the check's budget less a small margin, so the SDK gives up before the monitor abandons
   * the run and the check still says what happened.
   */
  static final class Budget implements Consumer<AwsRequestOverrideConfiguration.Builder> {
    private final CheckContext ctx;

    private Budget(CheckContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void accept(AwsRequestOverrideConfiguration.Builder o) {
      o.apiCallTimeout(callTimeout(ctx.remaining())).addPlugin(NO_RETRIES);
    }
  }

  /**
   * The SDK's own timeout for a call with {@code left} of the check's budget: a little less, so the
   * SDK gives up first and the check can still say what the failed attempts were (throttled, 5xx)
   * before the monitor's deadline abandons the run and only "no answer in time" is known. Measured
   * in FaultMatrixIT: with the whole budget, a slow answer was often reported by the monitor's
   * generic deadline rather than by the check.
   */
  static Duration callTimeout(Duration left) {
    long ms = left.toMillis();
    long margin = Math.min(250, Math.max(25, ms / 5));
    return Duration.ofMillis(Math.max(1, ms - margin));
  }

  /** The service's error code, or "" when there is none (S3 HEAD answers have no body). */
  static String errorCode(Throwable e) {
    if (e instanceof AwsServiceException a && a.awsErrorDetails() != null) {
      String c = a.awsErrorDetails().errorCode();
      return c == null ? "" : c;
    }
    return "";
  }

  static int statusCode(Throwable e) {
    return e instanceof SdkServiceException s ? s.statusCode() : 0;
  }

  /**
   * S3 throttles with 503 Slow Down. Answers to HEAD (HeadBucket, HeadObject) carry no body, so
   * the code is lost; a bare 503 from S3 is read as throttling, which is what S3 documents it for.
   */
  private static boolean isS3SlowDown(String service, String code, int status) {
    return status == 503 && "S3".equals(service) && (code.isEmpty() || code.equalsIgnoreCase("SlowDown"));
  }

  static boolean isAccessDenied(Throwable e) {
    String code = errorCode(e).toLowerCase(Locale.ROOT);
    return ACCESS_DENIED.contains(code) || (code.isEmpty() && statusCode(e) == 403);
  }

  /**
   * The result for a failure of {@code action} (e.g. {@code sqs:GetQueueAttributes}) on
   * {@code resource}, for anything that is not specific to the check.
   */
  static CheckResult map(Throwable e, String service, String action, String resource, Caller who) {
    String code = errorCode(e);
    String lc = code.toLowerCase(Locale.ROOT);
    int status = statusCode(e);
    if (isAccessDenied(e)) {
      return accessDenied(action, resource, who);
    }
    if (CREDENTIALS.contains(lc)) {
      return CheckResult.down(ErrorKind.AUTHENTICATION,
          "AWS rejected the credentials (" + code + ") calling " + action,
          "the " + who.role() + " task's AWS credentials are expired or invalid: check that the task "
              + "definition sets the " + who.role() + " task role and that no static AWS_ACCESS_KEY_ID "
              + "or AWS_SESSION_TOKEN overrides it");
    }
    if (THROTTLING.contains(lc) || status == 429 || isS3SlowDown(service, code, status)
        || (e instanceof SdkServiceException s && s.isThrottlingException())) {
      return CheckResult.degraded(ErrorKind.THROTTLED,
          service + " throttled " + action + (code.isEmpty() ? "" : " (" + code + ")"),
          throttledHint(service));
    }
    if (status >= 500) {
      return CheckResult.degraded(ErrorKind.SERVER_ERROR,
          service + " answered " + status + " to " + action + (code.isEmpty() ? "" : " (" + code + ")"),
          serverErrorHint(service, who));
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
        || cause(e, SocketTimeoutException.class) != null) {
      return timeout(service, action, who);
    }
    if (cause(e, ConnectException.class) != null || cause(e, NoRouteToHostException.class) != null) {
      return CheckResult.down(ErrorKind.CONNECTION_REFUSED,
          "connection refused by the " + service + " endpoint calling " + action,
          endpointHint(service, who));
    }
    UnknownHostException uh = cause(e, UnknownHostException.class);
    if (uh != null) {
      return CheckResult.down(ErrorKind.UNKNOWN_HOST,
          "the " + service + " endpoint " + (uh.getMessage() == null ? "" : uh.getMessage() + " ")
              + "does not resolve",
          "check AWS_REGION and AWS_ENDPOINT_URL_" + service.toUpperCase(Locale.ROOT).replace(' ', '_')
              + " and the VPC's DNS resolution for the " + service + " endpoint");
    }
    if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("Unable to load credentials")) {
      return CheckResult.down(ErrorKind.AUTHENTICATION,
          "no AWS credentials found to call " + action,
          "set the " + who.role() + " task role in the task definition (locally: AWS_PROFILE or "
              + "AWS_ACCESS_KEY_ID)");
    }
    String msg = e instanceof AwsServiceException a && a.awsErrorDetails() != null
        ? a.awsErrorDetails().errorMessage() : e.getMessage();
    return CheckResult.down(ErrorKind.OTHER,
        action + " failed: " + (code.isEmpty() ? e.getClass().getSimpleName() : code)
            + (msg == null ? "" : ": " + firstLine(msg)),
        "see the " + who.serviceName() + " logs: " + who.logsTail("30m"));
  }

  /**
   * No answer in time. Also what the AWS checks tell the monitor from {@code onTimeout}, since the
   * monitor's deadline and the SDK's call timeout end at the same moment and either may win.
   */
  static CheckResult timeout(String service, String action, Caller who) {
    return CheckResult.down(ErrorKind.TIMEOUT,
        "no answer from " + service + " calling " + action + " in time",
        endpointHint(service, who));
  }

  static CheckResult accessDenied(String action, String resource, Caller who) {
    return CheckResult.down(ErrorKind.ACCESS_DENIED,
        action + " denied on " + resource,
        "the " + who.role() + " task role may not call " + action + " on " + resource + ": "
            + who.iamHint());
  }

  private static String throttledHint(String service) {
    return service + " is throttling this account: the check tries again on its next run; if it "
        + "persists, look for another caller using up the " + service + " request rate";
  }

  private static String serverErrorHint(String service, Caller who) {
    return "a transient " + service + " error: the check tries again on its next run; if it persists "
        + "check the AWS Health Dashboard for " + who.region();
  }

  private static String endpointHint(String service, Caller who) {
    return "check that the " + who.role() + " task's security group allows outbound HTTPS to the "
        + service + " endpoint in " + who.region() + " (or its VPC endpoint), and AWS_ENDPOINT_URL if set";
  }

  static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
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

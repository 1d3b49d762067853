package com.example.vega.health.checks.internal;

import com.example.vega.health.Failures;
import com.example.vega.health.Caller;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Classifies an AWS SDK failure, so that access denied, bad credentials, throttling, 5xx, timeouts
 * and network failures read the same whichever service said them. Callers handle their own "not
 * found" codes first (they differ per service) and hand everything else here. Needs the AWS SDK's
 * core on the class path.
 *
 * <pre>{@code
 * catch (SdkException e) {
 *   return AwsFailures.of(e, "SQS", "sqs:GetQueueAttributes", "queue vega-scans", caller);
 * }
 * }</pre>
 */
public final class AwsFailures {
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

  private AwsFailures() {}

  /** The service's error code, or "" when there is none (S3 HEAD answers have no body). */
  public static String errorCode(Throwable e) {
    if (e instanceof AwsServiceException a && a.awsErrorDetails() != null) {
      String c = a.awsErrorDetails().errorCode();
      return c == null ? "" : c;
    }
    return "";
  }

  /** The HTTP status of the service's answer, or 0 when there was none. */
  public static int statusCode(Throwable e) {
    return e instanceof SdkServiceException s ? s.statusCode() : 0;
  }

  /** Whether the service denied the call (IAM, an SCP, a resource or endpoint policy). */
  public static boolean isAccessDenied(Throwable e) {
    String code = errorCode(e).toLowerCase(Locale.ROOT);
    return ACCESS_DENIED.contains(code) || (code.isEmpty() && statusCode(e) == 403);
  }

  /**
   * The kind of failure {@code e} is: {@link ErrorKind#ACCESS_DENIED}, {@link
   * ErrorKind#AUTHENTICATION}, {@link ErrorKind#THROTTLED}, {@link ErrorKind#SERVER_ERROR}, a network
   * kind, or {@link ErrorKind#OTHER}. {@code service} is the service's name as hints write it
   * ({@code S3}, {@code SQS}): S3's bare 503 is its throttling.
   */
  public static ErrorKind kind(Throwable e, String service) {
    String code = errorCode(e);
    String lc = code.toLowerCase(Locale.ROOT);
    int status = statusCode(e);
    if (isAccessDenied(e)) {
      return ErrorKind.ACCESS_DENIED;
    }
    if (CREDENTIALS.contains(lc)) {
      return ErrorKind.AUTHENTICATION;
    }
    if (THROTTLING.contains(lc) || status == 429 || isS3SlowDown(service, code, status)
        || (e instanceof SdkServiceException s && s.isThrottlingException())) {
      return ErrorKind.THROTTLED;
    }
    if (status >= 500) {
      return ErrorKind.SERVER_ERROR;
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return ErrorKind.TIMEOUT;
    }
    ErrorKind net = Failures.network(e);
    if (net != null) {
      // Without an answer, a slow connect and a slow answer read alike: the endpoint is not reached.
      return net == ErrorKind.CONNECT_TIMEOUT ? ErrorKind.TIMEOUT : net;
    }
    if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("Unable to load credentials")) {
      return ErrorKind.AUTHENTICATION;
    }
    return ErrorKind.OTHER;
  }

  /**
   * The result for a failure of {@code action} (e.g. {@code sqs:GetQueueAttributes}) on
   * {@code resource}, for anything that is not specific to the caller's check.
   */
  public static CheckResult of(Throwable e, String service, String action, String resource, Caller who) {
    String code = errorCode(e);
    ErrorKind kind = kind(e, service);
    return switch (kind) {
      case ACCESS_DENIED -> accessDenied(action, resource, who);
      case AUTHENTICATION -> code.isEmpty()
          ? CheckResult.down(ErrorKind.AUTHENTICATION, "no AWS credentials found to call " + action,
              "set the " + who.role() + " task role in the task definition (locally: AWS_PROFILE or "
                  + "AWS_ACCESS_KEY_ID)")
          : CheckResult.down(ErrorKind.AUTHENTICATION,
              "AWS rejected the credentials (" + code + ") calling " + action,
              "the " + who.role() + " task's AWS credentials are expired or invalid: check that the task "
                  + "definition sets the " + who.role() + " task role and that no static AWS_ACCESS_KEY_ID "
                  + "or AWS_SESSION_TOKEN overrides it");
      case THROTTLED -> CheckResult.degraded(ErrorKind.THROTTLED,
          service + " throttled " + action + (code.isEmpty() ? "" : " (" + code + ")"),
          service + " is throttling this account: the check tries again on its next run; if it "
              + "persists, look for another caller using up the " + service + " request rate");
      case SERVER_ERROR -> CheckResult.degraded(ErrorKind.SERVER_ERROR,
          service + " answered " + statusCode(e) + " to " + action + (code.isEmpty() ? "" : " (" + code + ")"),
          "a transient " + service + " error: the check tries again on its next run; if it persists "
              + "check the AWS Health Dashboard for " + who.region());
      case TIMEOUT -> timeout(service, action, who);
      case CONNECTION_REFUSED -> CheckResult.down(ErrorKind.CONNECTION_REFUSED,
          "connection refused by the " + service + " endpoint calling " + action, endpointHint(service, who));
      case UNKNOWN_HOST -> {
        java.net.UnknownHostException uh = Failures.cause(e, java.net.UnknownHostException.class);
        String host = uh == null ? null : uh.getMessage();
        yield CheckResult.down(ErrorKind.UNKNOWN_HOST,
            "the " + service + " endpoint " + (host == null ? "" : host + " ") + "does not resolve",
            "check AWS_REGION and AWS_ENDPOINT_URL_" + service.toUpperCase(Locale.ROOT).replace(' ', '_')
                + " and the VPC's DNS resolution for the " + service + " endpoint");
      }
      default -> {
        String msg = e instanceof AwsServiceException a && a.awsErrorDetails() != null
            ? a.awsErrorDetails().errorMessage() : e.getMessage();
        yield CheckResult.down(ErrorKind.OTHER,
            action + " failed: " + (code.isEmpty() ? e.getClass().getSimpleName() : code)
                + (msg == null ? "" : ": " + Failures.firstLine(msg)),
            "see " + who.logs());
      }
    };
  }

  /**
   * No answer in time. Also what an AWS check tells the monitor when it is abandoned at its
   * deadline, since the monitor's deadline and the SDK's call timeout end at about the same moment
   * and either may win.
   */
  public static CheckResult timeout(String service, String action, Caller who) {
    // A call that ran out of time says nothing of where it was stuck (resolving credentials, the
    // connection, or the answer), and on a cold or CPU-starved task the first call is often slow:
    // the hint does not point at a security group on this evidence.
    return CheckResult.down(ErrorKind.TIMEOUT,
        "no answer from " + service + " calling " + action + " in time",
        Failures.noAnswerHint(service, "the " + who.role() + " task", "the " + service + " endpoint in "
            + who.region() + " (VPC endpoint or NAT, AWS_ENDPOINT_URL if set)"));
  }

  /** {@code action} denied on {@code resource}: which task role, and where its policy is. */
  public static CheckResult accessDenied(String action, String resource, Caller who) {
    return CheckResult.down(ErrorKind.ACCESS_DENIED,
        action + " denied on " + resource,
        "the " + who.role() + " task role may not call " + action + " on " + resource + ": "
            + who.iamHint());
  }

  /**
   * S3 throttles with 503 Slow Down. Answers to HEAD (HeadBucket, HeadObject) carry no body, so
   * the code is lost; a bare 503 from S3 is read as throttling, which is what S3 documents it for.
   */
  private static boolean isS3SlowDown(String service, String code, int status) {
    return status == 503 && "S3".equals(service) && (code.isEmpty() || code.equalsIgnoreCase("SlowDown"));
  }

  private static String endpointHint(String service, Caller who) {
    return "check that the " + who.role() + " task's security group allows outbound HTTPS to the "
        + service + " endpoint in " + who.region() + " (or its VPC endpoint), and AWS_ENDPOINT_URL if set";
  }
}

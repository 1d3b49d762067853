package com.example.vega.health.checks;

import com.example.vega.health.DependencyCall;
import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ComponentType;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.Setting;
import com.example.vega.health.checks.internal.AwsFailures;
import com.example.vega.health.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The scan queue: GetQueueAttributes only (visible, in flight, delayed), and the backlog's trend
 * across runs, so that messages piling up while nobody consumes them is reported as the runbook's
 * "scan stuck in queued". With a CloudWatch client, the age of the oldest message is read too.
 *
 * <p>It never receives or peeks at a message: that would raise receive counts and could push
 * scans to a dead-letter queue.
 */
public final class SqsCheck implements HealthCheck {
  static final String ACTION = "sqs:GetQueueAttributes";
  private static final List<QueueAttributeName> ATTRIBUTES = List.of(
      QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
      QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
      QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);

  private final SqsClient sqs;
  private final @Nullable CloudWatchClient cloudWatch;
  private final String queueUrl;
  private final String queueName;
  private final Caller who;
  private final int degradedAfter;
  private final int downAfter;
  private final Duration maxOldestAge;
  // Samples of earlier runs: the monitor runs a check at most once at a time, but runs happen on
  // different threads, so access is synchronized.
  private final Deque<Sample> samples = new ArrayDeque<>();

  /** One run's backlog: visible messages and the oldest message's age in seconds (-1: unknown). */
  record Sample(long visible, long oldestAgeSeconds) {}

  private SqsCheck(Builder b, Caller who) {
    this.sqs = b.sqs;
    this.cloudWatch = b.cloudWatch;
    this.queueUrl = b.queueUrl;
    this.queueName = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    this.who = who;
    this.degradedAfter = b.degradedAfter;
    this.downAfter = b.downAfter;
    this.maxOldestAge = b.maxOldestAge;
  }

  /** A check of the queue at {@code queueUrl} (VEGA_SQS_QUEUE_URL) through the given client. */
  public static Builder builder(SqsClient sqs, String queueUrl) {
    return new Builder(sqs, queueUrl);
  }

  /**
   * In a role profile: needs VEGA_SQS_QUEUE_URL and the service's SqsClient; a CloudWatch client
   * adds the oldest message's age.
   */
  static @Nullable CheckRegistration inProfile(Profile p, CheckPolicy policy) {
    String url = p.valid(Setting.SQS_QUEUE_URL);
    SqsClient sqs = url == null ? null : p.client(p.clients().sqs(), "SqsClient", "the scan queue "
        + "(VEGA_SQS_QUEUE_URL) is not checked: a missing queue, denied access or a growing backlog go unseen");
    if (url == null || sqs == null) {
      return null;
    }
    Builder b = builder(sqs, url).caller(p.caller());
    CloudWatchClient cw = p.clients().cloudWatch();
    if (cw != null) {
      b.cloudWatch(cw);
    }
    return b.build().registration(policy);
  }

  /** Registered as {@code sqs}, a component measured by {@code visible} messages. */
  public CheckRegistration registration(CheckPolicy policy) {
    return new CheckRegistration("sqs", ComponentType.COMPONENT, "visible", policy, this);
  }

  @Override
  public CheckResult check(CheckContext ctx) {
    Map<QueueAttributeName, String> attrs;
    AwsBudget budget = AwsBudget.of(ctx);
    try {
      attrs = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(ATTRIBUTES)
          .overrideConfiguration(budget)).attributes();
    } catch (QueueDoesNotExistException e) {
      return missing();
    } catch (SdkException e) {
      String code = AwsFailures.errorCode(e);
      if (code.contains("NonExistentQueue") || code.contains("QueueDoesNotExist")) {
        return missing();
      }
      return AwsFailures.of(e, "SQS", ACTION, "queue " + queueName, who);
    }
    long visible = number(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    long inFlight = number(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    long delayed = number(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
    long age = cloudWatch == null || visible == 0 ? -1 : oldestAge(ctx);

    int growing;
    synchronized (samples) {
      samples.addLast(new Sample(visible, age));
      while (samples.size() > downAfter) {
        samples.removeFirst();
      }
      growing = growingSamples(new ArrayList<>(samples));
    }

    String counts = visible + " visible, " + inFlight + " in flight, " + delayed + " delayed";
    String ageText = age < 0 ? "" : ", oldest " + age + "s";
    CheckResult result;
    if (visible > 0 && growing >= downAfter) {
      result = CheckResult.down(ErrorKind.BACKLOG, stuck(counts + ageText, growing), backlogHint());
    } else if (visible > 0 && growing >= degradedAfter) {
      result = CheckResult.degraded(ErrorKind.BACKLOG, stuck(counts + ageText, growing), backlogHint());
    } else if (age >= 0 && age > maxOldestAge.toSeconds()) {
      result = CheckResult.degraded(ErrorKind.BACKLOG,
          "scan stuck in queued: queue " + queueName + " oldest message " + age + "s old (over "
              + maxOldestAge.toSeconds() + "s), " + counts, backlogHint());
    } else {
      result = CheckResult.up("queue " + queueName + ": " + counts + ageText);
    }
    result = result.with("visible", visible, "messages")
        .with("inFlight", inFlight, "messages")
        .with("delayed", delayed, "messages");
    return age < 0 ? result : result.with("oldestMessageAge", age, "s");
  }

  private String stuck(String counts, int growing) {
    return "scan stuck in queued: queue " + queueName + " backlog grew over " + growing
        + " samples (" + counts + ")";
  }

  private String backlogHint() {
    return "messages are piling up — the worker is not consuming them: check the worker is running "
        + "(aws ecs describe-services --region " + who.region() + " --cluster " + who.cluster()
        + " --services vega-worker), then see " + who.logs("vega-worker")
        + "; check the IAM policy on the worker task role allows sqs:ReceiveMessage";
  }

  /**
   * How many of the latest samples (counting the newest) form a run in which the backlog never
   * shrank and grew overall: by visible count, or by the oldest message's age where known.
   */
  static int growingSamples(List<Sample> s) {
    int n = s.size();
    if (n < 2) {
      return n;
    }
    int run = 1;
    for (int i = n - 1; i > 0; i--) {
      Sample cur = s.get(i);
      Sample prev = s.get(i - 1);
      boolean visibleNotShrinking = cur.visible() >= prev.visible() && prev.visible() > 0;
      boolean ageNotShrinking = cur.oldestAgeSeconds() >= 0 && prev.oldestAgeSeconds() >= 0
          && cur.oldestAgeSeconds() >= prev.oldestAgeSeconds();
      if (!(visibleNotShrinking || ageNotShrinking)) {
        break;
      }
      run++;
    }
    Sample first = s.get(n - run);
    Sample last = s.get(n - 1);
    boolean grew = last.visible() > first.visible()
        || (first.oldestAgeSeconds() >= 0 && last.oldestAgeSeconds() > first.oldestAgeSeconds());
    return grew ? run : 1;
  }

  private long oldestAge(CheckContext ctx) {
    Instant now = ctx.clock().now();
    try {
      GetMetricStatisticsResponse r = Objects.requireNonNull(cloudWatch).getMetricStatistics(m -> m
          .namespace("AWS/SQS").metricName("ApproximateAgeOfOldestMessage")
          .dimensions(Dimension.builder().name("QueueName").value(queueName).build())
          .startTime(now.minus(Duration.ofMinutes(10))).endTime(now)
          .period(60).statistics(Statistic.MAXIMUM)
          .overrideConfiguration(AwsBudget.of(ctx)));
      Datapoint latest = null;
      for (Datapoint d : r.datapoints()) {
        if (latest == null || d.timestamp().isAfter(latest.timestamp())) {
          latest = d;
        }
      }
      return latest == null || latest.maximum() == null ? -1 : latest.maximum().longValue();
    } catch (SdkException e) {
      // The age is extra evidence: the queue's own counts still answer the question.
      return -1;
    }
  }

  private CheckResult missing() {
    return CheckResult.down(ErrorKind.NOT_FOUND, "queue " + queueName + " does not exist",
        "check VEGA_SQS_QUEUE_URL in the " + who.serviceName() + " task definition points at the "
            + "scan queue in " + who.region());
  }

  private static long number(@Nullable String s) {
    if (s == null) {
      return 0;
    }
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** GetQueueAttributes, and with CloudWatch GetMetricStatistics (made when the queue is not empty). */
  @Override
  public List<DependencyCall> callsPerRun() {
    DependencyCall attributes = new DependencyCall("sqs", "GetQueueAttributes", 1);
    return cloudWatch == null ? List.of(attributes)
        : List.of(attributes, new DependencyCall("cloudwatch", "GetMetricStatistics", 1));
  }

  @Override
  public CheckResult onTimeout(Duration timeout) {
    return AwsFailures.timeout("SQS", ACTION, who);
  }

  /** Builds an {@link SqsCheck}; {@link #build()} validates. */
  public static final class Builder extends CallerBuilder<Builder> {
    private final SqsClient sqs;
    private final String queueUrl;
    private @Nullable CloudWatchClient cloudWatch;
    private int degradedAfter = 3;
    private int downAfter = 6;
    private Duration maxOldestAge = Duration.ofMinutes(15);

    private Builder(SqsClient sqs, String queueUrl) {
      super("worker");
      this.sqs = Objects.requireNonNull(sqs, "sqs");
      this.queueUrl = Setting.SQS_QUEUE_URL.require(queueUrl);
    }

    /** Reads ApproximateAgeOfOldestMessage from CloudWatch too. */
    public Builder cloudWatch(CloudWatchClient cloudWatch) {
      this.cloudWatch = Objects.requireNonNull(cloudWatch, "cloudWatch");
      return this;
    }

    /**
     * Samples in a row over which a non-empty backlog grows before the check reports DEGRADED, and
     * then DOWN. Defaults 3 and 6.
     */
    public Builder backlogSamples(int degradedAfter, int downAfter) {
      if (degradedAfter < 2 || downAfter < degradedAfter) {
        throw new IllegalArgumentException("backlogSamples must be 2 <= degradedAfter <= downAfter, was "
            + degradedAfter + ", " + downAfter);
      }
      this.degradedAfter = degradedAfter;
      this.downAfter = downAfter;
      return this;
    }

    /** An oldest message older than this is DEGRADED (needs CloudWatch); default 15 minutes. */
    public Builder maxOldestAge(Duration maxOldestAge) {
      if (maxOldestAge.isNegative() || maxOldestAge.isZero()) {
        throw new IllegalArgumentException("maxOldestAge must be positive, was " + maxOldestAge);
      }
      this.maxOldestAge = maxOldestAge;
      return this;
    }

    public SqsCheck build() {
      return new SqsCheck(this, buildCaller(Regions.id(sqs.serviceClientConfiguration().region())));
    }
  }
}

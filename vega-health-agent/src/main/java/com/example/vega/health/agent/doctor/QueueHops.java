package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import com.example.vega.health.agent.Text;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * "Scan stuck in queued": the queue's depth sampled twice and the age of its oldest message judged as
 * the runbook does (see {@link #depth}), and whether the worker's task role may receive, delete and
 * change the visibility of its messages (IAM policy simulation, as the ecs-runtask check does).
 */
final class QueueHops {
  static final List<String> WORKER_ACTIONS =
      List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility");

  private QueueHops() {}

  /**
   * The runbook's judgment: a queue with visible messages whose oldest message is beyond
   * {@code maxAge}, or whose oldest message's age grows, is stuck. The age comes from CloudWatch's
   * ApproximateAgeOfOldestMessage (a queue attribute it is not), else from the SentTimestamp of
   * messages peeked twice (ReceiveMessage with VisibilityTimeout=0, which the worker can still
   * receive at once); without either, a non-empty queue is UNKNOWN: a steady count says nothing
   * about a dead worker.
   */
  static Hop depth(Context ctx, String queueUrl, Duration sample, Duration maxAge) throws CannotRun {
    String hop = "sqs scan queue";
    long start = System.nanoTime();
    SqsClient sqs = ctx.aws(a -> a.sqs());
    try {
      Depth first = depth(sqs, queueUrl);
      Age cloudWatch = first.visible() == 0 ? Age.NONE : cloudWatchAge(ctx, queueUrl);
      String noPeek = cloudWatch.known() || first.visible() == 0 ? "" : whyNotPeek(first.redrivePolicy());
      Peek before = noPeek.isEmpty() && !cloudWatch.known() && first.visible() > 0 ? peek(ctx, sqs, queueUrl) : null;
      long ms = Hop.since(start);
      Thread.sleep(sample.toMillis());
      Depth second = depth(sqs, queueUrl);
      Peek after = before != null && before.oldestId() != null ? peek(ctx, sqs, queueUrl) : null;
      String counts = "visible " + second.visible() + " (was " + first.visible() + " " + sample.toSeconds()
          + "s ago), in flight " + second.inFlight() + ", delayed " + second.delayed();
      if (second.visible() == 0) {
        return Hop.up(hop, ms, counts + ": empty");
      }
      Age age = cloudWatch;
      if (!age.known() && before != null && after != null && after.oldestId() != null) {
        // Growing: the same oldest message waits at both peeks.
        boolean same = after.oldestId().equals(before.oldestId());
        age = new Age(after.ageSeconds(), same && after.ageSeconds() > before.ageSeconds(), cloudWatch.text()
            + "; oldest message " + after.ageSeconds() + " s old (SentTimestamp of peeked messages"
            + (same ? ", the same oldest message at both peeks" : "") + ")");
      }
      boolean visibleGrew = second.visible() > first.visible();
      String hint = Runbook.QUEUE_PILING.text(ctx);
      if (!age.known()) {
        String why = cloudWatch.text() + (!noPeek.isEmpty() ? "; not peeked: " + noPeek
            : before == null ? "" : "; " + (after != null ? after.text() : before.text()));
        if (visibleGrew) {
          return Hop.of(hop, Status.DEGRADED, ms, counts + ": growing; " + why, hint);
        }
        return Hop.of(hop, Status.UNKNOWN, ms, counts + "; cannot judge the backlog: " + why,
            Runbook.QUEUE_AGE_UNKNOWN.text(ctx));
      }
      String detail = counts + ", " + age.text();
      if (age.seconds() > maxAge.toSeconds()) {
        return Hop.of(hop, Status.DOWN, ms, detail + ": scan stuck in queued (over " + maxAge.toSeconds() + " s)",
            hint);
      }
      if (age.growing() || visibleGrew) {
        return Hop.of(hop, Status.DEGRADED, ms, detail + ": growing", hint);
      }
      return Hop.up(hop, ms, detail + ": being consumed");
    } catch (QueueDoesNotExistException e) {
      return Hop.of(hop, Status.DOWN, Hop.since(start), "the queue does not exist", Runbook.QUEUE_MISSING.text());
    } catch (SdkException e) {
      return Failure.aws(e, "SQS", "sqs:GetQueueAttributes").hop(hop, Hop.since(start), ctx);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Hop.of(hop, Status.UNKNOWN, Hop.since(start), "interrupted", "");
    }
  }

  /** The age of the oldest message, and whether it grew; {@code seconds < 0} when not known. */
  record Age(long seconds, boolean growing, String text) {
    static final Age NONE = new Age(-1, false, "");

    boolean known() {
      return seconds >= 0;
    }
  }

  /** What two peeked messages' SentTimestamps say: the oldest one's id and age, or why not. */
  record Peek(@Nullable String oldestId, long ageSeconds, String text) {}

  /** Peeks at most 2 × 10 messages only when that cannot push one to the dead-letter queue. */
  static final int PEEK_MIN_RECEIVES = 10;

  /**
   * Why not to peek: each peek counts as a receive toward the redrive policy's maxReceiveCount, so a
   * queue that moves a message to its dead-letter queue after few receives is not peeked.
   */
  static String whyNotPeek(@Nullable String redrivePolicy) {
    if (redrivePolicy == null || redrivePolicy.isBlank()) {
      return "";
    }
    try {
      Object max = JsonBody.parseObject(redrivePolicy).get("maxReceiveCount");
      long n = max instanceof Double d ? d.longValue() : max instanceof String s ? Long.parseLong(s.trim()) : -1;
      if (n >= PEEK_MIN_RECEIVES) {
        return "";
      }
      return "the redrive policy moves a message to the dead-letter queue after " + (n < 0 ? "?" : n)
          + " receives, and a peek counts as one";
    } catch (JsonBody.Malformed | NumberFormatException e) {
      return "the redrive policy is not readable, and a peek counts as a receive";
    }
  }

  /** ReceiveMessage with VisibilityTimeout=0: the messages stay visible to the worker. */
  private static Peek peek(Context ctx, SqsClient sqs, String queueUrl) {
    try {
      List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
          .visibilityTimeout(0).waitTimeSeconds(0)
          .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
      Message oldest = null;
      long oldestSent = Long.MAX_VALUE;
      for (Message m : messages) {
        long sent = num(m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP));
        if (sent > 0 && sent < oldestSent) {
          oldestSent = sent;
          oldest = m;
        }
      }
      if (oldest == null) {
        return new Peek(null, -1, "a peek returned no message with a SentTimestamp");
      }
      long age = Math.max(0, Duration.between(Instant.ofEpochMilli(oldestSent), ctx.clock.instant()).toSeconds());
      return new Peek(oldest.messageId(), age, "");
    } catch (SdkException e) {
      return new Peek(null, -1, "no peek: " + Failure.aws(e, "SQS", "sqs:ReceiveMessage").what());
    }
  }

  /**
   * ApproximateAgeOfOldestMessage is a CloudWatch metric, not a queue attribute: its newest
   * datapoint, and whether it is above the one before.
   */
  static Age cloudWatchAge(Context ctx, String queueUrl) throws CannotRun {
    String name = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    CloudWatchClient cw = ctx.aws(a -> a.cloudWatch());
    try {
      Instant now = ctx.clock.instant();
      List<Datapoint> points = new ArrayList<>(cw.getMetricStatistics(b -> b.namespace("AWS/SQS")
          .metricName("ApproximateAgeOfOldestMessage")
          .dimensions(Dimension.builder().name("QueueName").value(name).build())
          .startTime(now.minus(Duration.ofMinutes(15))).endTime(now).period(60)
          .statistics(Statistic.MAXIMUM)).datapoints());
      points.removeIf(p -> p.timestamp() == null || p.maximum() == null);
      points.sort(java.util.Comparator.comparing(Datapoint::timestamp));
      if (points.isEmpty()) {
        return new Age(-1, false, "oldest message age: no CloudWatch datapoint in 15 min");
      }
      Datapoint latest = points.get(points.size() - 1);
      boolean growing = points.size() > 1 && latest.maximum() > points.get(points.size() - 2).maximum();
      return new Age(latest.maximum().longValue(), growing, "oldest message " + latest.maximum().longValue()
          + " s old (CloudWatch, " + latest.timestamp() + ")");
    } catch (SdkException e) {
      return new Age(-1, false, "oldest message age unknown ("
          + Failure.aws(e, "CloudWatch", "cloudwatch:GetMetricStatistics").what() + ")");
    }
  }

  record Depth(long visible, long inFlight, long delayed, @Nullable String redrivePolicy) {}

  private static Depth depth(SqsClient sqs, String queueUrl) {
    GetQueueAttributesResponse r = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED,
        QueueAttributeName.REDRIVE_POLICY));
    Map<QueueAttributeName, String> a = r.attributes();
    return new Depth(num(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
        num(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)),
        num(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)),
        a.get(QueueAttributeName.REDRIVE_POLICY));
  }

  private static long num(@Nullable String s) {
    try {
      return s == null ? 0 : Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * The worker's task role (VEGA_WORKER_TASK_ROLE_ARN, else the vega-worker service's task
   * definition) against the queue's ARN, through iam:SimulatePrincipalPolicy.
   */
  static Hop workerPermissions(Context ctx, String queueUrl) throws CannotRun {
    String hop = "vega-worker task role → sqs";
    long start = System.nanoTime();
    String role = workerRole(ctx);
    if (role == null) {
      return Hop.of(hop, Status.UNKNOWN, Hop.since(start), "the worker's task role is not known",
          Runbook.WORKER_SQS_NO_EVIDENCE.text());
    }
    RoleRights.QueueArn lookup = RoleRights.queueArn(ctx, hop, queueUrl, start);
    String queueArn = lookup.arn();
    if (queueArn == null) {
      return lookup.unknown();
    }
    List<RoleRights.Need> needs = new ArrayList<>();
    for (String action : WORKER_ACTIONS) {
      needs.add(new RoleRights.Need(action, List.of(queueArn)));
    }
    String queue = Text.oneLine(queueArn, 200);
    return RoleRights.simulate(ctx, hop, role, needs,
        (arn, denied) -> Runbook.WORKER_SQS_DENIED.text("role", arn, "denied", String.join(", ", actions(denied)),
            "queue", queue),
        Runbook.WORKER_SQS_NO_EVIDENCE.text());
  }

  /** {@code "sqs:DeleteMessage on arn:…"} → {@code sqs:DeleteMessage}: the hint names the queue once. */
  private static List<String> actions(List<String> denied) {
    List<String> actions = new ArrayList<>();
    for (String d : denied) {
      String a = d.contains(" on ") ? d.substring(0, d.indexOf(" on ")) : d;
      if (!actions.contains(a)) {
        actions.add(a);
      }
    }
    return actions;
  }

  static @Nullable String workerRole(Context ctx) throws CannotRun {
    String role = ctx.setting(Settings.WORKER_TASK_ROLE_ARN);
    if (role != null) {
      return role;
    }
    try {
      Service worker = EcsHops.service(ctx, "vega-worker");
      if (worker == null || worker.taskDefinition() == null) {
        return null;
      }
      TaskDefinition td = EcsHops.taskDefinition(ctx, worker.taskDefinition());
      return td == null ? null : td.taskRoleArn();
    } catch (SdkException e) {
      return null;
    }
  }
}

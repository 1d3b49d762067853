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
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * "Scan stuck in queued": the queue's depth sampled twice (a growing backlog shows), the age of its
 * oldest message from CloudWatch, and whether the worker's task role may receive, delete and
 * change the visibility of its messages (IAM policy simulation, as the ecs-runtask check does).
 */
final class QueueHops {
  static final List<String> WORKER_ACTIONS =
      List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility");

  private QueueHops() {}

  static Hop depth(Context ctx, String queueUrl, Duration sample) throws CannotRun {
    String hop = "sqs scan queue";
    long start = System.nanoTime();
    SqsClient sqs = ctx.aws(a -> a.sqs());
    try {
      long[] first = depth(sqs, queueUrl);
      long ms = Hop.since(start);
      Thread.sleep(sample.toMillis());
      long[] second = depth(sqs, queueUrl);
      String detail = "visible " + second[0] + " (was " + first[0] + " " + sample.toSeconds() + "s ago), in flight "
          + second[1] + ", delayed " + second[2] + ", " + oldestAge(ctx, queueUrl);
      if (second[0] > 0 && second[0] > first[0]) {
        return Hop.of(hop, Status.DEGRADED, ms, detail + ": growing", Runbook.QUEUE_PILING.text(ctx));
      }
      return Hop.up(hop, ms, detail);
    } catch (QueueDoesNotExistException e) {
      return Hop.of(hop, Status.DOWN, Hop.since(start), "the queue does not exist", Runbook.QUEUE_MISSING.text());
    } catch (SdkException e) {
      return Failure.aws(e, "SQS", "sqs:GetQueueAttributes").hop(hop, Hop.since(start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Hop.of(hop, Status.UNKNOWN, Hop.since(start), "interrupted", "");
    }
  }

  /** ApproximateAgeOfOldestMessage is a CloudWatch metric, not a queue attribute. */
  static String oldestAge(Context ctx, String queueUrl) throws CannotRun {
    String name = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    CloudWatchClient cw = ctx.aws(a -> a.cloudWatch());
    try {
      Instant now = ctx.clock.instant();
      List<Datapoint> points = cw.getMetricStatistics(b -> b.namespace("AWS/SQS")
          .metricName("ApproximateAgeOfOldestMessage")
          .dimensions(Dimension.builder().name("QueueName").value(name).build())
          .startTime(now.minus(Duration.ofMinutes(15))).endTime(now).period(60)
          .statistics(Statistic.MAXIMUM)).datapoints();
      Datapoint latest = null;
      for (Datapoint p : points) {
        if (latest == null || p.timestamp().isAfter(latest.timestamp())) {
          latest = p;
        }
      }
      return latest == null || latest.maximum() == null ? "oldest message age: no CloudWatch datapoint in 15 min"
          : "oldest message " + latest.maximum().longValue() + " s old (CloudWatch, " + latest.timestamp() + ")";
    } catch (SdkException e) {
      return "oldest message age unknown (" + Failure.aws(e, "CloudWatch", "cloudwatch:GetMetricStatistics").what() + ")";
    }
  }

  private static long[] depth(SqsClient sqs, String queueUrl) {
    GetQueueAttributesResponse r = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
    Map<QueueAttributeName, String> a = r.attributes();
    return new long[] {
        num(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
        num(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)),
        num(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))};
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
    String queueArn;
    try {
      queueArn = ctx.aws(a -> a.sqs()).getQueueAttributes(b -> b.queueUrl(queueUrl)
          .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
    } catch (QueueDoesNotExistException e) {
      return Hop.of(hop, Status.UNKNOWN, Hop.since(start), "the queue does not exist", Runbook.QUEUE_MISSING.text());
    } catch (SdkException e) {
      return Failure.aws(e, "SQS", "sqs:GetQueueAttributes").hop(hop, Hop.since(start));
    }
    List<EvaluationResult> results;
    try {
      String arn = queueArn;
      results = ctx.aws(a -> a.iam()).simulatePrincipalPolicy(b -> b.policySourceArn(role)
          .actionNames(WORKER_ACTIONS).resourceArns(arn)).evaluationResults();
    } catch (SdkException e) {
      Failure f = Failure.aws(e, "IAM", "iam:SimulatePrincipalPolicy");
      return Hop.of(hop, Status.UNKNOWN, Hop.since(start), "no evidence: " + f.what(),
          Runbook.WORKER_SQS_NO_EVIDENCE.text());
    }
    List<String> denied = new ArrayList<>();
    List<String> evidence = new ArrayList<>();
    for (String action : WORKER_ACTIONS) {
      String decision = "not evaluated";
      for (EvaluationResult r : results) {
        if (action.equalsIgnoreCase(r.evalActionName())) {
          decision = r.evalDecisionAsString();
        }
      }
      evidence.add(action + ": " + decision);
      if (!PolicyEvaluationDecisionType.ALLOWED.toString().equals(decision)) {
        denied.add(action);
      }
    }
    long ms = Hop.since(start);
    String who = "role " + EcsHops.shortArn(role);
    if (!denied.isEmpty()) {
      return new Hop(hop, Status.DOWN, ms, who + " may not " + String.join(", ", denied) + " on the scan queue",
          Runbook.WORKER_SQS_DENIED.text("role", role, "denied", String.join(", ", denied), "queue",
              Text.oneLine(queueArn, 200)), evidence);
    }
    return new Hop(hop, Status.UP, ms, who + " may receive, delete and change the visibility of scan messages", "",
        evidence);
  }

  private static @Nullable String workerRole(Context ctx) throws CannotRun {
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

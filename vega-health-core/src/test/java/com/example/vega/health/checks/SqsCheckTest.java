package com.example.vega.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import com.example.vega.health.Caller;
import com.example.vega.health.testing.MotoServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsResponse;
import software.amazon.awssdk.services.sqs.SqsClient;

class SqsCheckTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private SqsClient sqs;

  @BeforeEach
  void reset() {
    MotoServer.shared().reset();
    sqs = AwsClients.moto().sqs();
  }

  private String queueUrl(String name) {
    return MotoServer.shared().endpoint() + "/123456789012/" + name;
  }

  private static CheckResult run(SqsCheck check) {
    return check.check(CheckContext.of(TIMEOUT));
  }

  @Test
  void missingQueueIsDownNotFoundAndRecoversOnceCreated() {
    SqsCheck check = SqsCheck.builder(sqs, queueUrl("vega-scans")).build();

    CheckResult r = run(check);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(r.message()).isEqualTo("queue vega-scans does not exist");
    assertThat(r.hint()).contains("check VEGA_SQS_QUEUE_URL in the vega-worker task definition");

    sqs.createQueue(c -> c.queueName("vega-scans"));
    CheckResult ok = run(check);
    assertThat(ok.status()).isEqualTo(Status.UP);
    assertThat(ok.message()).isEqualTo("queue vega-scans: 0 visible, 0 in flight, 0 delayed");
    assertThat(ok.observation("visible").value()).isEqualTo(0L);
    assertThat(ok.observation("visible").unit()).isEqualTo("messages");
  }

  @Test
  void growingBacklogIsScanStuckInQueuedThenDownThenRecoversWhenDrained() {
    String url = sqs.createQueue(c -> c.queueName("vega-scans")).queueUrl();
    SqsCheck check = SqsCheck.builder(sqs, url).caller(new Caller("worker", "prod", Caller.UNKNOWN_REGION, "vega-prod",
            "the {service} logs (aws logs tail /vega/{environment}/{service} --since 30m)"))
        .backlogSamples(3, 4).build();

    sqs.sendMessage(m -> m.queueUrl(url).messageBody("{\"scan\":1}"));
    assertThat(run(check).status()).isEqualTo(Status.UP);
    sqs.sendMessage(m -> m.queueUrl(url).messageBody("{\"scan\":2}"));
    assertThat(run(check).status()).isEqualTo(Status.UP);
    sqs.sendMessage(m -> m.queueUrl(url).messageBody("{\"scan\":3}"));
    CheckResult degraded = run(check);
    assertThat(degraded.status()).isEqualTo(Status.DEGRADED);
    assertThat(degraded.errorKind()).isEqualTo(ErrorKind.BACKLOG);
    assertThat(degraded.message()).isEqualTo(
        "scan stuck in queued: queue vega-scans backlog grew over 3 samples (3 visible, 0 in flight, 0 delayed)");
    assertThat(degraded.hint())
        .contains("the worker is not consuming them")
        .contains("aws ecs describe-services --region us-west-1 --cluster vega-prod --services vega-worker")
        .contains("then see the vega-worker logs (aws logs tail /vega/prod/vega-worker --since 30m); check the IAM");
    sqs.sendMessage(m -> m.queueUrl(url).messageBody("{\"scan\":4}"));
    CheckResult down = run(check);
    assertThat(down.status()).isEqualTo(Status.DOWN);
    assertThat(down.errorKind()).isEqualTo(ErrorKind.BACKLOG);
    assertThat(down.observation("visible").value()).isEqualTo(4L);

    // The check never received: the messages are all still there, never in flight.
    assertThat(down.observation("inFlight").value()).isEqualTo(0L);
    sqs.purgeQueue(p -> p.queueUrl(url));
    assertThat(run(check).status()).isEqualTo(Status.UP);
  }

  @Test
  void steadyBacklogThatDoesNotGrowIsUp() {
    String url = sqs.createQueue(c -> c.queueName("vega-scans")).queueUrl();
    sqs.sendMessage(m -> m.queueUrl(url).messageBody("x"));
    SqsCheck check = SqsCheck.builder(sqs, url).build();
    for (int i = 0; i < 5; i++) {
      assertThat(run(check).status()).isEqualTo(Status.UP);
    }
  }

  @Test
  void growingAgeOfOldestMessageFromCloudWatchIsABacklog() {
    String url = sqs.createQueue(c -> c.queueName("vega-scans")).queueUrl();
    sqs.sendMessage(m -> m.queueUrl(url).messageBody("x"));
    // moto 5.2.1 does not speak the SDK's CloudWatch wire protocol (it answers 404), so the
    // metric comes from a stub client: the age AWS would publish for the queue.
    AtomicLong age = new AtomicLong();
    List<String> asked = new ArrayList<>();
    CloudWatchClient cw = new CloudWatchClient() {
      @Override
      public GetMetricStatisticsResponse getMetricStatistics(GetMetricStatisticsRequest r) {
        asked.add(r.namespace() + "/" + r.metricName() + "/" + r.dimensions().get(0).value());
        return GetMetricStatisticsResponse.builder().datapoints(Datapoint.builder()
            .timestamp(Instant.now()).maximum((double) age.get()).build()).build();
      }

      @Override
      public String serviceName() {
        return "cloudwatch";
      }

      @Override
      public void close() {}
    };
    SqsCheck check = SqsCheck.builder(sqs, url).cloudWatch(cw).build();
    for (int a : List.of(60, 120, 180)) {
      age.set(a);
      CheckResult r = run(check);
      assertThat(r.observation("oldestMessageAge").value()).isEqualTo((long) a);
    }
    assertThat(asked).contains("AWS/SQS/ApproximateAgeOfOldestMessage/vega-scans");
    CheckResult r = run(check); // the age metric stays at 180: still no shrinking
    assertThat(r.status()).isEqualTo(Status.DEGRADED);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.BACKLOG);
    assertThat(r.message()).startsWith("scan stuck in queued").contains("oldest 180s");
  }

  @Test
  void builderRejectsAMalformedQueueUrlNamingTheSetting() {
    assertThatThrownBy(() -> SqsCheck.builder(sqs, "vega-scans").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VEGA_SQS_QUEUE_URL");
    assertThatThrownBy(() -> SqsCheck.builder(sqs, queueUrl("q")).caller(AwsClients.caller("Worker Role")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("role");
  }
}

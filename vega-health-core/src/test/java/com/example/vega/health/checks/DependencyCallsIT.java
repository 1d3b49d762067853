package com.example.vega.health.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthSnapshot;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.testing.ManualScheduler;
import com.example.vega.health.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Dependency calls per check per minute are set by the check's interval, however often the
 * snapshot is read. Calls are counted by an SDK interceptor on the clients the checks use, while
 * reader threads hammer {@link HealthMonitor#snapshot()}. Numbers go to
 * {@code target/aws-checks-calls.txt} (see docs/benchmarks.md section 3). An integration test: it
 * calls moto. The exact counts come from the first case's manual clock; the second, 10 s of real
 * time on the real scheduler, asserts only bounds that a loaded machine cannot break.
 */
class DependencyCallsIT {
  private static final int READERS = 4;
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private AwsClients aws;
  private AwsClients counted;

  @BeforeEach
  void reset() {
    MotoServer.shared().reset();
    aws = AwsClients.moto();
    counted = AwsClients.moto(new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
        // Every HTTP attempt, retries included: what the dependency actually sees.
        String op = a.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
            + a.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        calls.computeIfAbsent(op, k -> new LongAdder()).increment();
      }
    });
    String url = aws.sqs().createQueue(q -> q.queueName("vega-dev-scans")).queueUrl();
    aws.s3().createBucket(b -> b.bucket("vega-dev-source").createBucketConfiguration(c -> c.locationConstraint(MotoServer.REGION)));
    aws.s3().createBucket(b -> b.bucket("vega-dev-artifacts").createBucketConfiguration(c -> c.locationConstraint(MotoServer.REGION)));
    aws.secrets().createSecret(s -> s.name("vega/dev/provider-api-key").secretString("x"));
    this.queueUrl = url;
  }

  private String queueUrl;

  private static CheckPolicy every(Duration interval, Duration timeout) {
    return CheckPolicy.builder().interval(interval).timeout(timeout).build();
  }

  /** Readers that call snapshot() as fast as they can until stopped. */
  private static final class Readers implements AutoCloseable {
    final AtomicBoolean stop = new AtomicBoolean();
    final LongAdder reads = new LongAdder();
    final AtomicLong maxNanos = new AtomicLong();
    final List<Thread> threads = new ArrayList<>();

    Readers(HealthMonitor m) {
      for (int i = 0; i < READERS; i++) {
        Thread t = new Thread(() -> {
          long n = 0;
          long max = 0;
          while (!stop.get()) {
            long s = System.nanoTime();
            HealthSnapshot snap = m.snapshot();
            snap.status();
            long d = System.nanoTime() - s;
            max = Math.max(max, d);
            n++;
          }
          reads.add(n);
          maxNanos.accumulateAndGet(max, Math::max);
        }, "snapshot-reader-" + i);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
    }
  }

  private Map<String, Long> counts() {
    Map<String, Long> out = new TreeMap<>();
    calls.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  @Test
  void aSimulatedMinuteMakesExactlyTheCallsTheIntervalsImplyWhileSnapshotsAreHammered() throws Exception {
    ManualScheduler scheduler = new ManualScheduler();
    // Calls per interval in steady state: a cold first call retried at start (startupDeadline) is
    // a bounded extra that StartupTest counts, not part of the budget measured here.
    try (HealthMonitor m = HealthMonitor.builder().startSpread(Duration.ZERO).startupDeadline(Duration.ZERO).service(ServiceInfo.of("vega-api"))
        .scheduler(scheduler).runExecutor(Runnable::run)
        .register(SqsCheck.builder(counted.sqs(), queueUrl).build().registration(every(Duration.ofSeconds(15), Duration.ofSeconds(3))))
        .register(S3Check.builder(counted.s3()).sourceBucket("vega-dev-source").artifactsBucket("vega-dev-artifacts")
            .build().registration(every(Duration.ofSeconds(30), Duration.ofSeconds(3))))
        .register(SecretsCheck.builder(counted.secrets()).secret("vega/dev/provider-api-key").build()
            .registration(every(Duration.ofSeconds(60), Duration.ofSeconds(3))))
        .build()) {
      Readers readers = new Readers(m);
      m.start();
      scheduler.runDue();
      for (int s = 1; s < 60; s++) { // one minute: t = 0 .. 59 s
        scheduler.advance(Duration.ofSeconds(1));
      }
      readers.close();
      Map<String, Long> c = counts();
      assertThat(c).containsExactlyInAnyOrderEntriesOf(Map.of(
          "Sqs:GetQueueAttributes", 4L,     // 60 s / 15 s
          "S3:HeadBucket", 4L,              // 60 s / 30 s x 2 buckets
          "SecretsManager:DescribeSecret", 1L)); // 60 s / 60 s
      assertThat(m.snapshot().status()).isEqualTo(Status.UP);
      append("simulated minute (ManualScheduler; sqs 15s, s3 30s x2 buckets, secrets 60s)", c, readers,
          Duration.ofSeconds(60), m.snapshot());
    }
  }

  @Test
  void realTimeCallsFollowTheIntervalNotTheReadRate() throws Exception {
    Duration run = Duration.ofSeconds(10);
    try (HealthMonitor m = HealthMonitor.builder().startSpread(Duration.ZERO).startupDeadline(Duration.ZERO).service(ServiceInfo.of("vega-worker"))
        .register(SqsCheck.builder(counted.sqs(), queueUrl).build()
            .registration(every(Duration.ofSeconds(1), Duration.ofMillis(800))))
        .register(S3Check.builder(counted.s3()).sourceBucket("vega-dev-source").build()
            .registration(every(Duration.ofSeconds(2), Duration.ofMillis(800))))
        .build()) {
      Readers readers = new Readers(m);
      long started = System.nanoTime();
      m.start();
      Thread.sleep(run.toMillis());
      m.close();
      run = Duration.ofNanos(System.nanoTime() - started);
      readers.close();
      Map<String, Long> c = counts();
      // No count within a margin of wall time (a loaded machine may delay any run): a fixed-rate
      // schedule never starts its n-th run before n intervals have passed, so however long the
      // window really was, calls are at most window / interval + 1, and at least the first run's.
      // Calls made per read would be in the hundreds of thousands here.
      long sqs = c.getOrDefault("Sqs:GetQueueAttributes", 0L);
      long s3 = c.getOrDefault("S3:HeadBucket", 0L);
      assertThat(sqs).as("SQS calls in %d ms at 1 s", run.toMillis()).isBetween(1L, run.toSeconds() / 1 + 1);
      assertThat(s3).as("S3 calls in %d ms at 2 s", run.toMillis()).isBetween(1L, run.toSeconds() / 2 + 1);
      assertThat(readers.reads.sum()).as("snapshot reads outnumber the calls").isGreaterThan(10 * (sqs + s3));
      append("real time 10 s (ExecutorScheduler; sqs 1s, s3 2s x1 bucket)", c, readers, run, m.snapshot());
    }
  }

  private static synchronized void append(String title, Map<String, Long> c, Readers r, Duration d,
      HealthSnapshot snap) throws Exception {
    long reads = r.reads.sum();
    Map<String, Long> runs = new TreeMap<>();
    snap.checks().forEach(s -> runs.put(s.name(), s.runs()));
    String line = String.format("%s: window=%d ms; runs=%s; SDK attempts=%s; snapshot reads=%d by %d threads "
            + "(%.0f reads/s), slowest single read %.1f us%n",
        title, d.toMillis(), runs, c, reads, READERS, reads / (d.toMillis() / 1000.0), r.maxNanos.get() / 1000.0);
    Path out = Path.of("target", "aws-checks-calls.txt");
    Files.writeString(out, line, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
  }
}

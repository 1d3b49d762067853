package com.example.vega.health.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.Status;
import com.example.vega.health.checks.SqsCheck;
import com.example.vega.health.testing.ManualScheduler;
import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.trace.ClientSpans;
import com.example.vega.health.trace.ScanTracing;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Health through OpenTelemetry as a plain-Java service (the worker) exports it: meters read back
 * from the SDK's metric reader, status changes as log records, and check runs as spans of which
 * only the failing and the changing ones reach the exporter.
 */
class HealthTelemetryTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final CheckPolicy POLICY = CheckPolicy.builder().interval(INTERVAL)
      .timeout(Duration.ofSeconds(2)).failureThreshold(1).successThreshold(1).build();

  private final ManualScheduler scheduler = new ManualScheduler();
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder()
          .addSpanProcessor(new HealthRunSpanProcessor(SimpleSpanProcessor.create(spans), false)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .setLoggerProvider(SdkLoggerProvider.builder().addLogRecordProcessor(SimpleLogRecordProcessor.create(logs)).build())
      .build();
  private HealthMonitor monitor;

  @AfterEach
  void close() {
    if (monitor != null) {
      monitor.close();
    }
    sdk.close();
  }

  private HealthMonitor start(HealthTelemetry telemetry, CheckRegistration... checks) {
    monitor = HealthMonitor.builder().startSpread(Duration.ZERO).scheduler(scheduler).runExecutor(Runnable::run)
        .registerAll(telemetry.instrument(List.of(checks))).listener(telemetry)
        .secretValues("hunter2").build().start();
    scheduler.runDue();
    return monitor;
  }

  @Test
  void failingAndChangingRunsAreSpansWithTheDependencyCallAsAChildHealthyOnesAreNot() {
    HealthTelemetry telemetry = HealthTelemetry.create(sdk, "worker");
    ClientSpans clients = ClientSpans.create(ScanTracing.create(sdk));
    AtomicReference<Status> answer = new AtomicReference<>(Status.UP);
    start(telemetry, CheckRegistration.of("postgres", ctx -> {
      Span call = clients.startDb(Context.current(), new ClientSpans.Database("vega", "db", 5432), "SELECT", null);
      call.end();
      return answer.get() == Status.UP ? CheckResult.up("ok")
          : CheckResult.down(ErrorKind.CONNECTION_REFUSED, "refused, password hunter2", "check the security group");
    }, POLICY));
    // The first result changes the status from "not checked yet": exported once.
    assertThat(spans.getFinishedSpanItems()).hasSize(2);
    scheduler.advance(INTERVAL); // healthy, no change: held back and dropped with its child
    assertThat(spans.getFinishedSpanItems()).hasSize(2);

    answer.set(Status.DOWN);
    scheduler.advance(INTERVAL);
    List<SpanData> down = spans.getFinishedSpanItems().subList(2, 4);
    SpanData run = down.stream().filter(s -> s.getName().equals("vega.health.check postgres")).findFirst().orElseThrow();
    SpanData call = down.stream().filter(s -> s.getName().equals("SELECT")).findFirst().orElseThrow();
    assertThat(call.getParentSpanId()).isEqualTo(run.getSpanId());
    assertThat(call.getTraceId()).isEqualTo(run.getTraceId());
    assertThat(run.getParentSpanContext().isValid()).isFalse();
    assertThat(run.getAttributes().get(HealthTelemetry.SPAN_STATUS)).isEqualTo("DOWN");
    assertThat(run.getAttributes().get(HealthTelemetry.SPAN_CHANGED)).isTrue();
    assertThat(run.getAttributes().get(HealthTelemetry.SPAN_OUTPUT)).isEqualTo("refused, password ****");
    assertThat(run.getAttributes().get(HealthTelemetry.SPAN_HINT)).isEqualTo("check the security group");

    scheduler.advance(INTERVAL); // still DOWN: a failing run is exported again
    assertThat(spans.getFinishedSpanItems()).hasSize(6);
    answer.set(Status.UP);
    scheduler.advance(INTERVAL); // recovery: a change, exported
    assertThat(spans.getFinishedSpanItems()).hasSize(8);
    scheduler.advance(INTERVAL); // healthy again: dropped
    scheduler.advance(INTERVAL);
    assertThat(spans.getFinishedSpanItems()).hasSize(8);
    assertThat(spans.getFinishedSpanItems().toString()).doesNotContain("hunter2");
  }

  @Test
  void settingExportsHealthyRunsToo() {
    OpenTelemetrySdk all = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
        .addSpanProcessor(new HealthRunSpanProcessor(SimpleSpanProcessor.create(spans), true)).build()).build();
    HealthTelemetry telemetry = HealthTelemetry.withoutMeters(all, "api");
    start(telemetry, CheckRegistration.of("config", ctx -> CheckResult.up("ok"), POLICY));
    scheduler.advance(INTERVAL);

    assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName)
        .containsExactly("vega.health.check config", "vega.health.check config");
    all.close();
  }

  @Test
  void metersCarryStatusDurationChangesAndTimeoutsTaggedByCheckAndRole() {
    HealthTelemetry telemetry = HealthTelemetry.create(sdk, "worker");
    AtomicReference<Status> answer = new AtomicReference<>(Status.UP);
    start(telemetry, CheckRegistration.of("sqs", ctx -> answer.get() == Status.UP ? CheckResult.up("ok")
        : CheckResult.degraded(ErrorKind.THROTTLED, "throttled", "retry later"), POLICY));
    answer.set(Status.DEGRADED);
    scheduler.advance(INTERVAL);

    Attributes tags = Attributes.of(HealthTelemetry.CHECK, "sqs", HealthTelemetry.ROLE, "worker");
    List<MetricData> all = List.copyOf(metrics.collectAllMetrics());
    assertThat(point(all, HealthTelemetry.STATUS, tags)).hasValueSatisfying(p ->
        assertThat(((io.opentelemetry.sdk.metrics.data.DoublePointData) p).getValue()).isEqualTo(0.5));
    assertThat(point(all, HealthTelemetry.CHANGES, tags)).hasValueSatisfying(p ->
        assertThat(((io.opentelemetry.sdk.metrics.data.LongPointData) p).getValue()).isEqualTo(2)); // from UNKNOWN, then UP
    assertThat(point(all, HealthTelemetry.TIMEOUTS, tags)).isPresent();
    assertThat(point(all, HealthTelemetry.DURATION, tags)).hasValueSatisfying(p ->
        assertThat(((io.opentelemetry.sdk.metrics.data.HistogramPointData) p).getCount()).isEqualTo(2));
    assertThat(all).filteredOn(m -> m.getName().equals(HealthTelemetry.DURATION))
        .singleElement().satisfies(m -> assertThat(m.getUnit()).isEqualTo("s"));
  }

  @Test
  void eachStatusChangeIsALogRecordWithCheckFromToOutputAndHint() {
    HealthTelemetry telemetry = HealthTelemetry.create(sdk, "worker");
    AtomicReference<Status> answer = new AtomicReference<>(Status.UP);
    start(telemetry, CheckRegistration.of("secrets", ctx -> answer.get() == Status.UP ? CheckResult.up("ok")
        : CheckResult.down(ErrorKind.ACCESS_DENIED, "access denied for hunter2", "grant secretsmanager:DescribeSecret"),
        POLICY));
    answer.set(Status.DOWN);
    scheduler.advance(INTERVAL);

    List<LogRecordData> records = logs.getFinishedLogRecordItems();
    assertThat(records).allSatisfy(r -> assertThat(r.getEventName()).isEqualTo(HealthTelemetry.STATUS_CHANGE_EVENT));
    LogRecordData down = records.get(records.size() - 1);
    assertThat(down.getAttributes().get(HealthTelemetry.CHECK)).isEqualTo("secrets");
    assertThat(down.getAttributes().get(HealthTelemetry.FROM)).isEqualTo("UP");
    assertThat(down.getAttributes().get(HealthTelemetry.TO)).isEqualTo("DOWN");
    assertThat(down.getAttributes().get(HealthTelemetry.OUTPUT)).isEqualTo("access denied for ****");
    assertThat(down.getAttributes().get(HealthTelemetry.HINT)).isEqualTo("grant secretsmanager:DescribeSecret");
    assertThat(down.getSeverity()).isEqualTo(io.opentelemetry.api.logs.Severity.WARN);
    assertThat(records.toString()).doesNotContain("hunter2");
  }

  @Test
  void theWorkersQueueCheckExportsStatusBacklogAndOldestAgeFromARealQueue() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    try (SqsClient sqs = SqsClient.builder().region(Region.of(MotoServer.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .endpointOverride(moto.endpoint()).httpClient(UrlConnectionHttpClient.create()).build()) {
      String queueUrl = sqs.createQueue(b -> b.queueName("vega-scans")).queueUrl();
      for (int i = 0; i < 3; i++) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("scan"));
      }
      HealthTelemetry telemetry = HealthTelemetry.create(sdk, "worker");
      start(telemetry, SqsCheck.builder(sqs, queueUrl).build().registration(POLICY));

      Attributes tags = Attributes.of(HealthTelemetry.CHECK, "sqs", HealthTelemetry.ROLE, "worker");
      List<MetricData> all = List.copyOf(metrics.collectAllMetrics());
      assertThat(point(all, HealthTelemetry.STATUS, tags)).as("metrics: %s", all).isPresent();
      assertThat(point(all, HealthTelemetry.QUEUE_BACKLOG, tags)).hasValueSatisfying(p ->
          assertThat(((io.opentelemetry.sdk.metrics.data.DoublePointData) p).getValue()).isEqualTo(3.0));
    }
  }

  private static Optional<PointData> point(List<MetricData> all, String name, Attributes tags) {
    return all.stream().filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getData().getPoints().stream())
        .filter(p -> p.getAttributes().equals(tags))
        .map(p -> (PointData) p).findFirst();
  }
}

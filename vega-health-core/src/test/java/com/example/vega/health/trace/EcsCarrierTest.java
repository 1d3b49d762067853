package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.context.Context;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.TaskOverride;
import tools.jackson.databind.ObjectMapper;

class EcsCarrierTest {
  static final String RUNNER = "vega-v16-runner";
  private final TestTelemetry t = new TestTelemetry();
  private final EcsCarrier ecs = EcsCarrier.create(t.tracing);

  @Test
  void runTaskCarriesContextInTheRunnersEnvironmentOverride() {
    Context scan = t.scan("scan-1");
    RunTaskRequest req = RunTaskRequest.builder().cluster("vega").taskDefinition("runner:3")
        .overrides(TaskOverride.builder().containerOverrides(ContainerOverride.builder().name(RUNNER)
            .environment(kv("VEGA_SCAN_ID", "scan-1"), kv("TRACEPARENT", "00-stale")).build()).build())
        .build();

    RunTaskRequest out = ecs.inject(scan, req, RUNNER);

    Map<String, String> env = environment(out, RUNNER);
    assertThat(env).containsOnlyKeys("VEGA_SCAN_ID", "TRACEPARENT", "BAGGAGE");
    Context runner = EcsCarrier.extract(env);
    assertThat(TestTelemetry.spanContext(runner).getTraceId()).isEqualTo(TestTelemetry.spanContext(scan).getTraceId());
    assertThat(TestTelemetry.spanContext(runner).getSpanId()).isEqualTo(TestTelemetry.spanContext(scan).getSpanId());
    assertThat(ScanContext.scanId(runner)).contains("scan-1");
  }

  @Test
  void containerWithoutAnOverrideGetsOneAndOtherContainersAreUntouched() {
    ContainerOverride sidecar = ContainerOverride.builder().name("sidecar").environment(kv("A", "1")).build();
    RunTaskRequest req = RunTaskRequest.builder()
        .overrides(TaskOverride.builder().containerOverrides(sidecar).build()).build();

    RunTaskRequest out = ecs.inject(t.scan("scan-1"), req, RUNNER);

    assertThat(out.overrides().containerOverrides()).hasSize(2);
    assertThat(out.overrides().containerOverrides().get(0)).isEqualTo(sidecar);
    assertThat(environment(out, RUNNER)).containsKeys("TRACEPARENT", "BAGGAGE");
  }

  @Test
  void nearTheLimitTracestateGoesFirstThenBaggageShrinksToTheScanIdThenGoes() {
    Context ctx = ScanContext.withBaggage(withTracestate(t.scan("scan-1")), "tenant", "x".repeat(200));
    int full = JsonLength.of(ecs.inject(ctx, request(0), RUNNER).overrides());
    int noState = JsonLength.of(EcsCarrier.create(new TestTelemetry().tracing)
        .inject(ScanContext.withBaggage(t.scan("scan-1"), "tenant", "x".repeat(200)), request(0), RUNNER).overrides());
    int bare = JsonLength.of(request(0).overrides());

    // Padding chosen so that only the smaller variants fit.
    Map<String, String> e1 = environment(ecs.inject(ctx, request(EcsCarrier.MAX_OVERRIDES_CHARS - full + 1), RUNNER), RUNNER);
    assertThat(e1).containsKeys("TRACEPARENT", "BAGGAGE").doesNotContainKey("TRACESTATE");
    assertThat(t.dropped("ecs", "tracestate")).isEqualTo(1);

    Map<String, String> e2 = environment(ecs.inject(ctx, request(EcsCarrier.MAX_OVERRIDES_CHARS - noState + 1), RUNNER), RUNNER);
    assertThat(e2.get("BAGGAGE")).isEqualTo("vega.scan.id=scan-1");
    assertThat(e2).containsKey("TRACEPARENT");
    assertThat(t.dropped("ecs", "baggage")).isEqualTo(1);

    Map<String, String> e3 = environment(ecs.inject(ctx, request(EcsCarrier.MAX_OVERRIDES_CHARS - bare - 120), RUNNER), RUNNER);
    assertThat(e3).containsKey("TRACEPARENT").doesNotContainKey("BAGGAGE");
    assertThat(t.dropped("ecs", "baggage")).isEqualTo(2);
    assertThat(t.dropped("ecs", "traceparent")).isZero();
  }

  @Test
  void overridesThatCannotTakeEvenTraceparentAreLaunchedWithoutContextAndCounted() {
    RunTaskRequest req = request(EcsCarrier.MAX_OVERRIDES_CHARS - JsonLength.of(request(0).overrides()) - 10);

    RunTaskRequest out = ecs.inject(t.scan("scan-1"), req, RUNNER);

    assertThat(JsonLength.of(out.overrides())).isLessThanOrEqualTo(EcsCarrier.MAX_OVERRIDES_CHARS);
    assertThat(environment(out, RUNNER)).doesNotContainKeys("TRACEPARENT", "BAGGAGE");
    assertThat(t.dropped("ecs", "traceparent")).isEqualTo(1);
  }

  @Test
  void whenNothingFitsAStaleContextAlreadyInTheOverridesDoesNotSurvive() {
    // A request copied from an earlier launch: its context points at the wrong parent.
    KeyValuePair[] env = {kv("VEGA_SCAN_ID", "scan-1"), kv("traceparent", "00-stale")};
    RunTaskRequest req = request(EcsCarrier.MAX_OVERRIDES_CHARS - JsonLength.of(request(0, env).overrides()) - 10, env);
    assertThat(environment(req, RUNNER)).containsKey("traceparent");

    RunTaskRequest out = ecs.inject(t.scan("scan-1"), req, RUNNER);

    assertThat(JsonLength.of(out.overrides())).isLessThanOrEqualTo(EcsCarrier.MAX_OVERRIDES_CHARS);
    assertThat(environment(out, RUNNER)).containsOnlyKeys("VEGA_SCAN_ID");
    assertThat(TestTelemetry.spanContext(EcsCarrier.extract(environment(out, RUNNER))).isValid()).isFalse();
    assertThat(t.dropped("ecs", "traceparent")).isEqualTo(1);
  }

  @Test
  void everyInjectedRequestStaysWithinTheLimit() {
    Context ctx = ScanContext.withBaggage(withTracestate(t.scan("scan-1")), "tenant", "x".repeat(2000));
    for (int pad = 0; pad < EcsCarrier.MAX_OVERRIDES_CHARS; pad += 97) {
      RunTaskRequest out = ecs.inject(ctx, request(pad), RUNNER);
      int before = JsonLength.of(request(pad).overrides());
      if (before <= EcsCarrier.MAX_OVERRIDES_CHARS) {
        assertThat(JsonLength.of(out.overrides())).as("pad %d", pad).isLessThanOrEqualTo(EcsCarrier.MAX_OVERRIDES_CHARS);
      }
    }
  }

  @Test
  void measuredLengthEqualsTheJsonTheAwsSdkSends() throws Exception {
    Context ctx = ScanContext.withBaggage(withTracestate(t.scan("scan-1")), "tenant", "a\"b\\c é\n");
    RunTaskRequest req = ecs.inject(ctx, RunTaskRequest.builder().cluster("vega").taskDefinition("runner")
        .overrides(TaskOverride.builder().cpu("1024").taskRoleArn("arn:aws:iam::1:role/r")
            .containerOverrides(ContainerOverride.builder().name(RUNNER).command("run", "--scan", "s\"1")
                .memory(2048).environment(kv("VEGA_SCAN_ID", "scan-1")).build()).build())
        .build(), RUNNER);

    String body = sentBody(req);

    String overrides = new ObjectMapper().readTree(body).get("overrides").toString();
    assertThat(JsonLength.of(req.overrides())).isEqualTo(overrides.length());
  }

  private static String sentBody(RunTaskRequest req) {
    AtomicReference<String> body = new AtomicReference<>();
    class Captured extends RuntimeException {
      private static final long serialVersionUID = 1L;
    }
    try (EcsClient client = EcsClient.builder()
        .region(Region.US_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x")))
        .endpointOverride(URI.create("http://127.0.0.1:9"))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(software.amazon.awssdk.core.interceptor.Context.BeforeTransmission context,
              ExecutionAttributes attributes) {
            context.requestBody().ifPresent(b -> {
              try (var in = b.contentStreamProvider().newStream()) {
                body.set(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
              }
            });
            throw new Captured();
          }
        }))
        .build()) {
      client.runTask(req);
    } catch (RuntimeException expected) {
      // the interceptor stops the call once the body is captured
    }
    assertThat(body.get()).isNotNull();
    return body.get();
  }

  private static Context withTracestate(Context ctx) {
    var sc = TestTelemetry.spanContext(ctx);
    return io.opentelemetry.api.trace.Span.wrap(io.opentelemetry.api.trace.SpanContext.create(
            sc.getTraceId(), sc.getSpanId(), sc.getTraceFlags(),
            io.opentelemetry.api.trace.TraceState.builder().put("vendor", "v".repeat(100)).build()))
        .storeInContext(ctx);
  }

  private static RunTaskRequest request(int padding, KeyValuePair... environment) {
    ContainerOverride.Builder runner = ContainerOverride.builder().name(RUNNER)
        .command("run", "p".repeat(Math.max(0, padding)));
    if (environment.length > 0) {
      runner.environment(environment);
    }
    return RunTaskRequest.builder().cluster("vega").taskDefinition("runner")
        .overrides(TaskOverride.builder().containerOverrides(runner.build()).build())
        .build();
  }

  private static KeyValuePair kv(String k, String v) {
    return KeyValuePair.builder().name(k).value(v).build();
  }

  private static Map<String, String> environment(RunTaskRequest req, String container) {
    Map<String, String> env = new LinkedHashMap<>();
    List<ContainerOverride> cs = req.overrides().containerOverrides();
    for (ContainerOverride c : cs) {
      if (container.equals(c.name())) {
        c.environment().forEach(kv -> env.put(kv.name(), kv.value()));
      }
    }
    return env;
  }
}

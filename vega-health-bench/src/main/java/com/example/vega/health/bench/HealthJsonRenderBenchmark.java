package com.example.vega.health.bench;

import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthSnapshot;
import com.example.vega.health.Observation;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.http.HealthJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A cold render of health+json (every check rendered from scratch, to UTF-8 bytes): core's own
 * writer ({@link HealthJson#full}) beside jackson-core's streaming {@link JsonGenerator} writing
 * the same document. Setup fails unless both produce the same JSON.
 *
 * <p>{@code healthy}: ten UP checks with six observed values each (the Postgres check's shape).
 * {@code failing}: the same with every check DOWN, so each carries output and hint text with
 * quotes and a newline to escape.
 *
 * <p>Run: {@code java -jar vega-health-bench/target/benchmarks.jar HealthJsonRenderBenchmark}
 * (twice, so that the cells alternate: peer, ours, peer, ours).
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class HealthJsonRenderBenchmark extends AverageTimeBenchmark {
  @Param({"healthy", "failing"})
  public String state;

  private HealthMonitor monitor;
  private HealthSnapshot snapshot;
  private final JsonFactory factory = new JsonFactory();

  @Setup
  public void setUp() throws Exception {
    monitor = TenChecks.started("healthy".equals(state)
        ? CheckResult.up("validation query answered in 3ms on db.internal:5432")
        : CheckResult.down(com.example.vega.health.ErrorKind.CONNECTION_REFUSED,
            "connection refused on \"db.internal:5432\"\n(after 3 attempts)",
            "check VEGA_DATABASE_URL and the database security group: the ALB \\ ECS task's "
                + "security group must reach db.internal on 5432"));
    snapshot = monitor.snapshot();
    ObjectMapper mapper = new ObjectMapper();
    JsonNode a = mapper.readTree(ours());
    JsonNode p = mapper.readTree(jacksonCore());
    if (!a.equals(p)) {
      throw new IllegalStateException("the two renderers disagree:\n" + a + "\n" + p);
    }
    System.out.println("\n[setup] " + state + ": " + ours().length + " bytes, both renderers agree");
  }

  @TearDown
  public void tearDown() {
    monitor.close();
  }

  @Benchmark
  public byte[] ours() {
    return HealthJson.full(snapshot).getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public byte[] jacksonCore() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try (JsonGenerator g = factory.createGenerator(ObjectWriteContext.empty(), out)) {
      writeFull(g, snapshot);
    }
    return out.toByteArray();
  }

  /** The same document as {@link HealthJson#full}, for this benchmark's inputs (no bounds hit). */
  private static void writeFull(JsonGenerator g, HealthSnapshot s) {
    ServiceInfo svc = s.service();
    Status overall = s.status();
    g.writeStartObject();
    g.writeStringProperty("status", overall.healthJson());
    g.writeStringProperty("version", svc.version());
    g.writeStringProperty("releaseId", svc.releaseId());
    g.writeStringProperty("serviceId", svc.serviceId());
    g.writeStringProperty("description", svc.description());
    if (overall != Status.UP) {
      List<String> notUp = new ArrayList<>();
      for (CheckState c : s.checks()) {
        if (c.status() != Status.UP) {
          notUp.add(c.name() + " " + c.status().name());
        }
      }
      g.writeStringProperty("output", String.join(", ", notUp));
    }
    g.writeName("checks");
    g.writeStartObject();
    for (CheckState c : s.checks()) {
      writeCheck(g, c);
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeCheck(JsonGenerator g, CheckState c) {
    CheckResult r = c.lastResult();
    String measurement = c.registration().measurement();
    String time = (r != null && r.time() != null ? r.time() : c.since()).toString();
    Observation primary = r == null ? null : r.observation(measurement);
    g.writeName(c.name() + ":" + measurement);
    g.writeStartArray();
    g.writeStartObject();
    g.writeStringProperty("componentId", c.name());
    g.writeStringProperty("componentType", c.registration().componentType().healthJson());
    g.writeStringProperty("status", c.status().healthJson());
    if (primary != null) {
      observed(g, primary);
    }
    g.writeStringProperty("time", time);
    if (r != null) {
      if (c.status() != Status.UP || r.status() != Status.UP) {
        g.writeStringProperty("output", r.message());
        if (!r.hint().isEmpty()) {
          g.writeStringProperty("hint", r.hint());
        }
      }
      g.writeNumberProperty("durationMs", r.duration().toMillis());
    }
    g.writeStringProperty("since", c.since().toString());
    g.writeEndObject();
    g.writeEndArray();
    if (r == null) {
      return;
    }
    for (Observation o : r.observations()) {
      if (o == primary || o.name().equals(measurement)) {
        continue;
      }
      g.writeName(c.name() + ":" + o.name());
      g.writeStartArray();
      g.writeStartObject();
      g.writeStringProperty("componentId", c.name());
      g.writeStringProperty("componentType", c.registration().componentType().healthJson());
      g.writeStringProperty("status", c.status().healthJson());
      observed(g, o);
      g.writeStringProperty("time", time);
      g.writeEndObject();
      g.writeEndArray();
    }
  }

  private static void observed(JsonGenerator g, Observation o) {
    g.writeName("observedValue");
    Object v = o.value();
    if (v instanceof Integer i) {
      g.writeNumber(i);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Boolean bo) {
      g.writeBoolean(bo);
    } else {
      g.writeString(String.valueOf(v));
    }
    if (o.unit() != null) {
      g.writeStringProperty("observedUnit", o.unit());
    }
  }
}

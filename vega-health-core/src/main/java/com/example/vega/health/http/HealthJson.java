package com.example.vega.health.http;

import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.HealthSnapshot;
import com.example.vega.health.Observation;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.internal.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a snapshot as {@code application/health+json} (draft-inadarei-api-health-check).
 *
 * <p>Each check becomes one entry per observed value, keyed {@code "<check>:<measurement>"}; the
 * entry of the check's own measurement carries {@code output} and our extensions {@code hint},
 * {@code durationMs} and {@code since}. Every string is escaped and bounded, so hostile text from a
 * driver or a server still yields valid JSON of bounded size.
 */
public final class HealthJson {
  public static final String CONTENT_TYPE = "application/health+json";
  static final int MAX_OUTPUT = 1024;
  static final int MAX_HINT = 512;
  static final int MAX_VALUE = 256;
  static final int MAX_OBSERVATIONS = 32;

  private HealthJson() {}

  /** The top-level status only: what unauthorized callers and probes get. */
  public static String statusOnly(Status status) {
    return "{\"status\":\"" + status.healthJson() + "\"}";
  }

  /** fail gives 503; pass and warn give 200. */
  public static int httpStatus(Status status) {
    return status == Status.DOWN ? 503 : 200;
  }

  /** Every field, for authorized callers. */
  public static String full(HealthSnapshot snapshot) {
    ServiceInfo svc = snapshot.service();
    Status overall = snapshot.status();
    Json j = new Json(256 + 512 * snapshot.checks().size());
    j.beginObject()
        .field("status", overall.healthJson(), MAX_VALUE)
        .field("version", svc.version(), MAX_VALUE)
        .field("releaseId", svc.releaseId(), MAX_VALUE)
        .field("serviceId", svc.serviceId(), MAX_VALUE)
        .field("description", svc.description(), MAX_VALUE);
    if (overall != Status.UP) {
      List<String> notUp = new ArrayList<>();
      for (CheckState c : snapshot.checks()) {
        if (c.status() != Status.UP) {
          notUp.add(c.name() + " " + c.status().name());
        }
      }
      j.field("output", String.join(", ", notUp), MAX_OUTPUT);
    }
    j.name("checks").beginObject();
    for (CheckState c : snapshot.checks()) {
      writeCheck(j, c, snapshot);
    }
    j.endObject();
    j.endObject();
    return j.toString();
  }

  private static void writeCheck(Json j, CheckState c, HealthSnapshot snapshot) {
    CheckResult r = c.lastResult();
    String measurement = c.registration().measurement();
    String time = (r != null && r.time() != null ? r.time() : snapshot.time()).toString();
    Observation primary = r == null ? null : r.observation(measurement);

    j.name(c.name() + ":" + measurement).beginArray().beginObject();
    j.name("componentId").value(c.name(), MAX_VALUE);
    j.name("componentType").value(c.registration().componentType(), MAX_VALUE);
    j.name("status").value(c.status().healthJson(), MAX_VALUE);
    if (primary != null) {
      observed(j, primary);
    }
    j.field("time", time, MAX_VALUE);
    if (r != null) {
      if (c.status() != Status.UP || r.status() != Status.UP) {
        j.field("output", r.message(), MAX_OUTPUT);
        if (!r.hint().isEmpty()) {
          j.field("hint", r.hint(), MAX_HINT);
        }
      }
      j.field("durationMs", r.duration().toMillis());
    } else {
      j.field("output", "not checked yet", MAX_OUTPUT);
    }
    j.field("since", c.since().toString(), MAX_VALUE);
    j.endObject().endArray();
    if (r == null) {
      return;
    }
    int n = 0;
    for (Observation o : r.observations()) {
      if (o == primary || o.name().equals(measurement)) {
        continue;
      }
      if (++n > MAX_OBSERVATIONS) {
        break;
      }
      j.name(c.name() + ":" + bounded(o.name())).beginArray().beginObject();
      j.name("componentId").value(c.name(), MAX_VALUE);
      j.name("componentType").value(c.registration().componentType(), MAX_VALUE);
      j.name("status").value(c.status().healthJson(), MAX_VALUE);
      observed(j, o);
      j.field("time", time, MAX_VALUE);
      j.endObject().endArray();
    }
  }

  private static String bounded(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64);
  }

  private static void observed(Json j, Observation o) {
    j.name("observedValue").value(o.value(), MAX_VALUE);
    if (o.unit() != null) {
      j.field("observedUnit", o.unit(), MAX_VALUE);
    }
  }
}

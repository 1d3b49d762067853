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
import org.jspecify.annotations.Nullable;

/**
 * Renders a snapshot as {@code application/health+json} (draft-inadarei-api-health-check).
 *
 * <p>Each check becomes one entry per observed value, keyed {@code "<check>:<measurement>"}; the
 * entry of the check's own measurement carries {@code output} and our extensions {@code hint},
 * {@code durationMs} and {@code since}, and while the check backs off from a throttling or failing
 * dependency, {@code backoff} (how many intervals it waits) and {@code nextCheck} (when it runs
 * next). Every string is escaped and bounded, so hostile text from a
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

  /** Every field, for authorized callers. Renders every check; see {@link Cache} for the fast path. */
  public static String full(HealthSnapshot snapshot) {
    return full(snapshot, null);
  }

  /**
   * Renders snapshots, re-rendering only the checks whose state changed since the last call (a
   * check's entries depend on its immutable {@link CheckState} alone). Thread-safe.
   */
  public static final class Cache {
    private final java.util.concurrent.ConcurrentHashMap<String, Fragment> fragments =
        new java.util.concurrent.ConcurrentHashMap<>();

    private record Fragment(CheckState state, String json) {}

    public String full(HealthSnapshot snapshot) {
      return HealthJson.full(snapshot, this);
    }

    String fragment(CheckState c) {
      Fragment f = fragments.get(c.name());
      if (f == null || f.state != c) {
        f = new Fragment(c, HealthJson.fragment(c));
        fragments.put(c.name(), f);
      }
      return f.json;
    }
  }

  private static String fragment(CheckState c) {
    Json j = new Json(1024);
    writeCheck(j, c);
    return j.toString();
  }

  private static String full(HealthSnapshot snapshot, @Nullable Cache cache) {
    ServiceInfo svc = snapshot.service();
    Status overall = snapshot.status();
    List<CheckState> checks = snapshot.checks();
    Json j = new Json(cache == null ? 512 + 1536 * checks.size() : 512 + 1024 * checks.size());
    j.beginObject()
        .field("status", overall.healthJson(), MAX_VALUE)
        .field("version", svc.version(), MAX_VALUE)
        .field("releaseId", svc.releaseId(), MAX_VALUE)
        .field("serviceId", svc.serviceId(), MAX_VALUE)
        .field("description", svc.description(), MAX_VALUE);
    if (overall != Status.UP) {
      List<String> notUp = new ArrayList<>();
      for (CheckState c : checks) {
        if (c.status() != Status.UP) {
          notUp.add(c.name() + " " + c.status().name());
        }
      }
      j.field("output", String.join(", ", notUp), MAX_OUTPUT);
    }
    List<CheckState> held = snapshot.heldOpen();
    if (!held.isEmpty()) {
      // Our extension: why /ready still answers 200 while this says fail.
      List<String> names = new ArrayList<>(held.size());
      for (CheckState c : held) {
        names.add(c.name());
      }
      j.field("readiness", "held open: " + String.join(", ", names) + " failing is shared by every task, so "
          + "/v1/healthz/ready stays 200 (fail open) and the load balancer and ECS keep this task", MAX_OUTPUT);
    }
    j.name("checks").beginObject();
    for (CheckState c : checks) {
      if (cache != null) {
        j.raw(cache.fragment(c));
      } else {
        writeCheck(j, c);
      }
    }
    return j.endObject().endObject().toString();
  }

  private static void writeCheck(Json j, CheckState c) {
    CheckResult r = c.lastResult();
    String measurement = c.registration().measurement();
    String time = (r != null && r.time() != null ? r.time() : c.since()).toString();
    Observation primary = r == null ? null : r.observation(measurement);

    // Every entry of a check repeats these fields: escape them once per check.
    String common = new Json(128)
        .field("componentId", c.name(), MAX_VALUE)
        .field("componentType", c.registration().componentType().healthJson(), MAX_VALUE)
        .field("status", c.status().healthJson(), MAX_VALUE)
        .toString();
    String timeField = new Json(48).field("time", time, MAX_VALUE).toString();

    j.name(c.name(), ':', measurement).beginArray().beginObject().raw(common);
    if (primary != null) {
      observed(j, primary);
    }
    j.raw(timeField);
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
    java.time.Instant next = c.nextRun();
    if (c.backingOff() && next != null) {
      j.field("backoff", c.backoff());
      j.field("nextCheck", next.toString(), MAX_VALUE);
    }
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
      j.name(c.name(), ':', bounded(o.name())).beginArray().beginObject().raw(common);
      observed(j, o);
      j.raw(timeField);
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

package com.example.vega.health.trace.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The structure one scan's trace must have, hop by hop, and the checker that compares what a
 * receiver got against it. Throws {@link AssertionError} listing every difference.
 */
final class TraceShape {
  /** One expected span: who emits it, its kind, its parent (null for the root) and link target. */
  record Expected(String service, String name, String kind, Key parent, Key link) {}

  record Key(String service, String name) {
    @Override
    public String toString() {
      return service + " / " + name;
    }
  }

  static final String API = "vega-api";
  static final String WORKER = "vega-worker";
  static final String RUNNER = "vega-v16-runner";
  static final String PROXY = "vega-llm-proxy";

  static final Key API_ROOT = new Key(API, "POST /v1/scans");
  static final Key SEND = new Key(API, "send vega-scans");
  static final Key PROCESS = new Key(WORKER, "process vega-scans");
  static final Key RUN_TASK = new Key(WORKER, "ECS.RunTask");
  static final Key RUNNER_ROOT = new Key(RUNNER, RunnerMain.ROOT_SPAN);
  static final Key LLM_CALL = new Key(RUNNER, "POST");

  static final List<Expected> SCAN = List.of(
      new Expected(API, API_ROOT.name(), "SERVER", null, null),
      new Expected(API, "S3.PutObject", "CLIENT", API_ROOT, null),
      new Expected(API, "INSERT scans", "CLIENT", API_ROOT, null),
      new Expected(API, SEND.name(), "PRODUCER", API_ROOT, null),
      new Expected(WORKER, PROCESS.name(), "CONSUMER", SEND, SEND),
      new Expected(WORKER, RUN_TASK.name(), "CLIENT", PROCESS, null),
      new Expected(RUNNER, RUNNER_ROOT.name(), "INTERNAL", RUN_TASK, null),
      new Expected(RUNNER, "S3.GetObject", "CLIENT", RUNNER_ROOT, null),
      new Expected(RUNNER, "UPDATE scans", "CLIENT", RUNNER_ROOT, null),
      new Expected(RUNNER, LLM_CALL.name(), "CLIENT", RUNNER_ROOT, null),
      new Expected(PROXY, "POST /v1/complete", "SERVER", LLM_CALL, null),
      new Expected(RUNNER, "INSERT findings", "CLIENT", RUNNER_ROOT, null),
      new Expected(RUNNER, "S3.PutObject", "CLIENT", RUNNER_ROOT, null));

  private TraceShape() {}

  /** The spans of {@code scanId}: those tagged with it, and any untagged span in their traces. */
  static List<ReceivedSpan> ofScan(List<ReceivedSpan> all, String scanId) {
    Set<String> traces = all.stream()
        .filter(s -> scanId.equals(s.attribute("vega.scan.id")))
        .map(ReceivedSpan::traceId)
        .collect(Collectors.toSet());
    return all.stream()
        .filter(s -> scanId.equals(s.attribute("vega.scan.id")) || traces.contains(s.traceId()))
        .collect(Collectors.toList());
  }

  static void check(List<ReceivedSpan> spans, String scanId) {
    List<String> problems = new ArrayList<>();
    Set<String> traceIds = new TreeSet<>();
    spans.forEach(s -> traceIds.add(s.traceId()));
    if (traceIds.size() != 1) {
      Map<String, List<String>> byTrace = new LinkedHashMap<>();
      spans.forEach(s -> byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s.label()));
      problems.add("scan " + scanId + " spans " + traceIds.size() + " traces, expected 1: " + byTrace);
    }
    for (ReceivedSpan s : spans) {
      if (!scanId.equals(s.attribute("vega.scan.id"))) {
        problems.add(s.label() + " has vega.scan.id=" + s.attribute("vega.scan.id") + ", expected " + scanId);
      }
    }
    Map<Key, ReceivedSpan> byKey = new LinkedHashMap<>();
    for (ReceivedSpan s : spans) {
      ReceivedSpan previous = byKey.put(new Key(s.service(), s.name()), s);
      if (previous != null) {
        problems.add("two spans named " + s.label());
      }
    }
    for (Expected e : SCAN) {
      Key key = new Key(e.service(), e.name());
      ReceivedSpan s = byKey.get(key);
      if (s == null) {
        problems.add("missing span " + key);
        continue;
      }
      if (!e.kind().equals(s.kind())) {
        problems.add(key + " is " + s.kind() + ", expected " + e.kind());
      }
      if (e.parent() == null) {
        if (!s.parentSpanId().isEmpty()) {
          problems.add(key + " should be the root but has parent " + s.parentSpanId());
        }
      } else {
        ReceivedSpan parent = byKey.get(e.parent());
        if (parent == null || !parent.spanId().equals(s.parentSpanId())
            || !parent.traceId().equals(s.traceId())) {
          problems.add(key + " should be a child of " + e.parent() + " but its parent is "
              + describe(spans, s.traceId(), s.parentSpanId()));
        }
      }
      if (e.link() != null) {
        ReceivedSpan target = byKey.get(e.link());
        boolean linked = target != null && s.links().stream().anyMatch(l ->
            Objects.equals(l.get("spanId"), target.spanId()) && Objects.equals(l.get("traceId"), target.traceId()));
        if (!linked) {
          problems.add(key + " should link to " + e.link() + " but links to " + s.links());
        }
      }
    }
    Set<Key> expectedKeys = SCAN.stream().map(e -> new Key(e.service(), e.name())).collect(Collectors.toSet());
    byKey.keySet().stream().filter(k -> !expectedKeys.contains(k))
        .forEach(k -> problems.add("unexpected span " + k));
    if (!problems.isEmpty()) {
      throw new AssertionError("trace of scan " + scanId + " is not one well-formed trace:\n  - "
          + String.join("\n  - ", problems));
    }
  }

  private static String describe(List<ReceivedSpan> spans, String traceId, String spanId) {
    if (spanId.isEmpty()) {
      return "none (a new trace)";
    }
    return spans.stream().filter(s -> s.spanId().equals(spanId) && s.traceId().equals(traceId))
        .map(ReceivedSpan::label).findFirst().orElse("unknown span " + spanId);
  }
}

package com.example.vega.health.trace.e2e;

import com.example.vega.health.testing.ZipkinServer.StoredSpan;
import com.example.vega.health.trace.ScanContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The structure one scan's trace must have, hop by hop, and the checker that compares what the
 * trace backend (Zipkin) stored against it. Throws {@link AssertionError} listing every
 * difference. Names are compared lower-cased (Zipkin stores them so); links are not checked here
 * (Zipkin has none: SqsCarrierTest checks the consumer's link to its producer).
 */
final class TraceShape {
  /** One expected span: who emits it, its kind and its parent (null for the root). */
  record Expected(String service, String name, String kind, Key parent) {
    Expected {
      name = name.toLowerCase(java.util.Locale.ROOT);
    }
  }

  record Key(String service, String name) {
    Key {
      name = name.toLowerCase(java.util.Locale.ROOT);
    }

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
  static final Key PROXY_ROOT = new Key(PROXY, "POST /v1/complete");

  static final List<Expected> SCAN = List.of(
      new Expected(API, API_ROOT.name(), "SERVER", null),
      new Expected(API, "S3.PutObject", "CLIENT", API_ROOT),
      new Expected(API, "INSERT scans", "CLIENT", API_ROOT),
      new Expected(API, SEND.name(), "PRODUCER", API_ROOT),
      new Expected(WORKER, PROCESS.name(), "CONSUMER", SEND),
      new Expected(WORKER, "SecretsManager.CreateSecret", "CLIENT", PROCESS),
      new Expected(WORKER, RUN_TASK.name(), "CLIENT", PROCESS),
      new Expected(WORKER, "delete vega-scans", "CLIENT", PROCESS),
      new Expected(RUNNER, RUNNER_ROOT.name(), "SERVER", RUN_TASK),
      new Expected(RUNNER, "S3.GetObject", "CLIENT", RUNNER_ROOT),
      new Expected(RUNNER, "UPDATE scans", "CLIENT", RUNNER_ROOT),
      new Expected(RUNNER, LLM_CALL.name(), "CLIENT", RUNNER_ROOT),
      new Expected(PROXY, PROXY_ROOT.name(), "SERVER", LLM_CALL),
      new Expected(PROXY, "POST", "CLIENT", PROXY_ROOT),
      new Expected(RUNNER, "INSERT findings", "CLIENT", RUNNER_ROOT),
      new Expected(RUNNER, "S3.PutObject", "CLIENT", RUNNER_ROOT));

  private TraceShape() {}

  /** The spans of {@code scanId}: those tagged with it, and any untagged span in their traces. */
  static List<StoredSpan> ofScan(List<StoredSpan> all, String scanId) {
    Set<String> traces = all.stream()
        .filter(s -> scanId.equals(s.tags().get(ScanContext.SCAN_ID)))
        .map(StoredSpan::traceId)
        .collect(Collectors.toSet());
    return all.stream()
        .filter(s -> scanId.equals(s.tags().get(ScanContext.SCAN_ID)) || traces.contains(s.traceId()))
        .collect(Collectors.toList());
  }

  static void check(List<StoredSpan> spans, String scanId) {
    List<String> problems = new ArrayList<>();
    Set<String> traceIds = new TreeSet<>();
    spans.forEach(s -> traceIds.add(s.traceId()));
    if (traceIds.size() != 1) {
      Map<String, List<String>> byTrace = new LinkedHashMap<>();
      spans.forEach(s -> byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s.label()));
      problems.add("scan " + scanId + " spans " + traceIds.size() + " traces, expected 1: " + byTrace);
    }
    for (StoredSpan s : spans) {
      if (!scanId.equals(s.tags().get(ScanContext.SCAN_ID))) {
        problems.add(s.label() + " has vega.scan.id=" + s.tags().get(ScanContext.SCAN_ID) + ", expected " + scanId);
      }
    }
    Map<Key, StoredSpan> byKey = new LinkedHashMap<>();
    for (StoredSpan s : spans) {
      StoredSpan previous = byKey.put(new Key(s.service(), s.name()), s);
      if (previous != null) {
        problems.add("two spans named " + s.label());
      }
    }
    for (Expected e : SCAN) {
      Key key = new Key(e.service(), e.name());
      StoredSpan s = byKey.get(key);
      if (s == null) {
        problems.add("missing span " + key);
        continue;
      }
      if (!e.kind().equals(s.kind())) {
        problems.add(key + " is " + s.kind() + ", expected " + e.kind());
      }
      if (e.parent() == null) {
        if (!s.parentId().isEmpty()) {
          problems.add(key + " should be the root but has parent " + s.parentId());
        }
      } else {
        StoredSpan parent = byKey.get(e.parent());
        if (parent == null || !parent.id().equals(s.parentId())
            || !parent.traceId().equals(s.traceId())) {
          problems.add(key + " should be a child of " + e.parent() + " but its parent is "
              + describe(spans, s.traceId(), s.parentId()));
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

  private static String describe(List<StoredSpan> spans, String traceId, String spanId) {
    if (spanId.isEmpty()) {
      return "none (a new trace)";
    }
    return spans.stream().filter(s -> s.id().equals(spanId) && s.traceId().equals(traceId))
        .map(StoredSpan::label).findFirst().orElse("unknown span " + spanId);
  }
}

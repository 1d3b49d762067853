package com.example.vega.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceMapTest {
  private final List<TraceCollector.Received> spans = new ArrayList<>();

  private String span(String service, String id, String parent, String name, String kind, Map<String, String> attrs) {
    spans.add(new TraceCollector.Received(service, "t1", id, parent, name, kind, 0, 1, attrs, List.of()));
    return id;
  }

  @Test
  void callsBetweenServicesAndToDependenciesAreCountedWithTheirErrors() {
    span("vega-api", "a1", "", "POST /v1/scans", "SERVER", Map.of());
    span("vega-api", "a2", "a1", "INSERT scans", "CLIENT", Map.of("peer.service", "postgresql"));
    span("vega-api", "a3", "a1", "send vega-scans", "PRODUCER", Map.of("peer.service", "sqs"));
    span("vega-worker", "w1", "a3", "process vega-scans", "CONSUMER", Map.of());
    span("vega-worker", "w2", "w1", "UPDATE scans", "CLIENT", Map.of("peer.service", "postgresql"));
    span("vega-worker", "w3", "w1", "UPDATE scans", "CLIENT", Map.of("peer.service", "postgresql", "error.type", "57014"));
    span("vega-worker", "w4", "w1", "delete vega-scans", "CLIENT", Map.of("peer.service", "sqs"));
    span("vega-v16-runner", "r1", "w1", "vega-v16-runner scan", "SERVER", Map.of());
    span("vega-v16-runner", "r2", "r1", "POST", "CLIENT", Map.of("peer.service", "vega-llm-proxy"));
    span("vega-llm-proxy", "p1", "r2", "POST /v1/complete", "SERVER", Map.of("error.type", "502"));
    span("vega-llm-proxy", "p2", "p1", "POST", "CLIENT", Map.of("peer.service", "llm-provider", "error.type", "401"));
    span("vega-v16-runner", "r3", "r1", "vega.internal", "INTERNAL", Map.of());

    assertThat(ServiceMap.of(spans)).containsExactlyInAnyOrderEntriesOf(Map.of(
        new ServiceMap.Edge("vega-api", "postgresql", ""), new ServiceMap.Count(1, 0),
        new ServiceMap.Edge("vega-api", "sqs", ""), new ServiceMap.Count(1, 0),
        new ServiceMap.Edge("vega-api", "vega-worker", "sqs"), new ServiceMap.Count(1, 0),
        new ServiceMap.Edge("vega-worker", "postgresql", ""), new ServiceMap.Count(2, 1),
        new ServiceMap.Edge("vega-worker", "sqs", ""), new ServiceMap.Count(1, 0),
        new ServiceMap.Edge("vega-worker", "vega-v16-runner", ""), new ServiceMap.Count(1, 0),
        // the proxy call is counted once, by the proxy's own SERVER span (its status is the call's)
        new ServiceMap.Edge("vega-v16-runner", "vega-llm-proxy", ""), new ServiceMap.Count(1, 1),
        new ServiceMap.Edge("vega-llm-proxy", "llm-provider", ""), new ServiceMap.Count(1, 1)));
    assertThat(ServiceMap.render(spans))
        .contains("vega-api         -> vega-worker (via sqs)")
        .containsPattern("vega-worker +-> postgresql +2 +1");
  }

  @Test
  void aTraceWithoutCallsSaysSo() {
    span("vega-api", "a1", "", "GET /v1/healthz", "SERVER", Map.of());
    assertThat(ServiceMap.render(spans)).isEqualTo("(no calls between services)\n");
  }
}

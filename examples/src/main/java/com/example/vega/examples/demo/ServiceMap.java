package com.example.vega.examples.demo;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The service map of one trace, as text: which service called which, how many calls, how many
 * failed. Computed from the spans the way trace backends draw their maps: a SERVER or CONSUMER
 * span whose parent is in another service is a call from that service (through the queue when the
 * parent is a PRODUCER naming one in {@code peer.service}); a CLIENT or PRODUCER span that no
 * other service continued is a call to its {@code peer.service} (a dependency that is not ours:
 * postgresql, s3, sqs, ...). A call failed when its span carries {@code error.type}.
 */
final class ServiceMap {
  private static final Set<String> ENTRY = Set.of("SERVER", "CONSUMER");
  private static final Set<String> EXIT = Set.of("CLIENT", "PRODUCER");

  /** One edge: caller, callee, and the queue in between for a messaging hop (or empty). */
  record Edge(String from, String to, String via) implements Comparable<Edge> {
    @Override
    public int compareTo(Edge o) {
      return (from + ' ' + to + ' ' + via).compareTo(o.from + ' ' + o.to + ' ' + o.via);
    }
  }

  /** Calls and errors of one edge. */
  record Count(long calls, long errors) {}

  private ServiceMap() {}

  static Map<Edge, Count> of(Iterable<TraceCollector.Received> spans) {
    Map<String, TraceCollector.Received> byId = new HashMap<>();
    spans.forEach(s -> byId.put(s.spanId(), s));
    Set<String> continuedElsewhere = new java.util.HashSet<>();
    for (TraceCollector.Received s : spans) {
      TraceCollector.Received parent = byId.get(s.parentId());
      if (parent != null && !parent.service().equals(s.service())) {
        continuedElsewhere.add(parent.spanId());
      }
    }
    Map<Edge, Count> edges = new TreeMap<>();
    for (TraceCollector.Received s : spans) {
      TraceCollector.Received parent = byId.get(s.parentId());
      boolean failed = s.attributes().containsKey("error.type");
      if (ENTRY.contains(s.kind()) && parent != null && !parent.service().equals(s.service())) {
        String via = parent.kind().equals("PRODUCER") ? parent.attributes().getOrDefault("peer.service", "") : "";
        add(edges, new Edge(parent.service(), s.service(), via), failed);
      }
      String peer = s.attributes().get("peer.service");
      if (EXIT.contains(s.kind()) && peer != null
          && (s.kind().equals("PRODUCER") || !continuedElsewhere.contains(s.spanId()))) {
        add(edges, new Edge(s.service(), peer, ""), failed);
      }
    }
    return edges;
  }

  static String render(Iterable<TraceCollector.Received> spans) {
    Map<Edge, Count> edges = of(spans);
    if (edges.isEmpty()) {
      return "(no calls between services)\n";
    }
    StringBuilder b = new StringBuilder(String.format("%-16s    %-26s %6s %7s%n", "caller", "callee", "calls", "errors"));
    edges.forEach((e, c) -> b.append(String.format("%-16s -> %-26s %6d %7d%n", e.from(),
        e.via().isEmpty() ? e.to() : e.to() + " (via " + e.via() + ")", c.calls(), c.errors())));
    return b.toString();
  }

  private static void add(Map<Edge, Count> edges, Edge e, boolean failed) {
    edges.merge(e, new Count(1, failed ? 1 : 0), (a, b) -> new Count(a.calls() + b.calls(), a.errors() + b.errors()));
  }
}

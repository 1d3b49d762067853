package com.example.vega.examples.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Prints one trace as a waterfall: service, span (indented by depth), duration, and a bar. */
final class Waterfall {
  private static final int WIDTH = 40;

  private Waterfall() {}

  static String render(List<TraceCollector.Received> spans) {
    if (spans.isEmpty()) {
      return "(no spans)\n";
    }
    Map<String, TraceCollector.Received> byId = new HashMap<>();
    spans.forEach(s -> byId.put(s.spanId(), s));
    long start = spans.stream().mapToLong(TraceCollector.Received::startNanos).min().orElse(0);
    long end = spans.stream().mapToLong(TraceCollector.Received::endNanos).max().orElse(start + 1);
    double scale = WIDTH / (double) Math.max(1, end - start);
    Map<String, List<TraceCollector.Received>> children = new HashMap<>();
    List<TraceCollector.Received> roots = new ArrayList<>();
    for (TraceCollector.Received s : spans) {
      if (byId.containsKey(s.parentId())) {
        children.computeIfAbsent(s.parentId(), k -> new ArrayList<>()).add(s);
      } else {
        roots.add(s);
      }
    }
    StringBuilder b = new StringBuilder();
    b.append("trace ").append(spans.get(0).traceId()).append(", ").append(spans.size()).append(" spans, ")
        .append(ms(end - start)).append('\n');
    b.append(String.format("%-16s %-44s %-9s %9s  %s%n", "service", "span", "kind", "duration", "timeline"));
    roots.sort(Comparator.comparingLong(TraceCollector.Received::startNanos));
    Set<String> seen = new HashSet<>();
    for (TraceCollector.Received r : roots) {
      walk(b, r, 0, children, start, scale, seen);
    }
    return b.toString();
  }

  private static void walk(StringBuilder b, TraceCollector.Received s, int depth,
      Map<String, List<TraceCollector.Received>> children, long start, double scale, Set<String> seen) {
    if (!seen.add(s.spanId())) {
      return;
    }
    String name = "  ".repeat(depth) + s.name();
    if (name.length() > 44) {
      name = name.substring(0, 43) + "~";
    }
    int from = (int) ((s.startNanos() - start) * scale);
    int len = Math.max(1, (int) ((s.endNanos() - s.startNanos()) * scale));
    b.append(String.format("%-16s %-44s %-9s %9s  %s%s%n", s.service(), name, s.kind().toLowerCase(Locale.ROOT),
        ms(s.endNanos() - s.startNanos()), " ".repeat(Math.min(WIDTH, from)), "#".repeat(Math.min(WIDTH - Math.min(WIDTH, from) + 1, len))));
    List<TraceCollector.Received> kids = new ArrayList<>(children.getOrDefault(s.spanId(), List.of()));
    kids.sort(Comparator.comparingLong(TraceCollector.Received::startNanos));
    for (TraceCollector.Received k : kids) {
      walk(b, k, depth + 1, children, start, scale, seen);
    }
  }

  private static String ms(long nanos) {
    return String.format("%.1f ms", nanos / 1e6);
  }
}

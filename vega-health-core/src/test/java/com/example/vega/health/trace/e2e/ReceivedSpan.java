package com.example.vega.health.trace.e2e;

import java.util.List;
import java.util.Map;

/** One span as the out-of-process receiver wrote it. */
record ReceivedSpan(
    String service, String traceId, String spanId, String parentSpanId, String name, String kind,
    Map<String, Object> attributes, List<Map<String, Object>> links) {

  Object attribute(String key) {
    return attributes.get(key);
  }

  String label() {
    return service + " / " + name;
  }
}

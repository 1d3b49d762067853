package com.example.vega.health.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts trace context that a carrier could not fit (SQS attribute slots, ECS override size), logs
 * the first occurrence of each kind once, and reports it as the {@code vega.trace.context.dropped}
 * counter. Dropping context is sometimes unavoidable; dropping it silently is not allowed.
 */
final class ContextDrops {
  static final String METRIC = "vega.trace.context.dropped";
  private static final AttributeKey<String> CARRIER = AttributeKey.stringKey("carrier");
  private static final AttributeKey<String> FIELD = AttributeKey.stringKey("field");
  private static final System.Logger LOG = System.getLogger(ContextDrops.class.getName());

  private final AtomicLong total = new AtomicLong();
  private final Set<String> logged = ConcurrentHashMap.newKeySet();
  private final LongCounter counter;

  ContextDrops(OpenTelemetry otel) {
    this.counter = otel.getMeter(ScanTracing.INSTRUMENTATION_NAME)
        .counterBuilder(METRIC)
        .setDescription("Trace context fields a carrier could not fit and left out")
        .setUnit("{field}")
        .build();
  }

  void record(String carrier, String field, String why) {
    total.incrementAndGet();
    counter.add(1, Attributes.of(CARRIER, carrier, FIELD, field));
    if (logged.add(carrier + '/' + field)) {
      LOG.log(Level.WARNING,
          "trace context: {0} left out of {1} because {2}; counted in {3} (logged once)",
          field, carrier, why, METRIC);
    }
  }

  long total() {
    return total.get();
  }
}

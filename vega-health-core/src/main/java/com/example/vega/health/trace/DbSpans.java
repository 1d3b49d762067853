package com.example.vega.health.trace;

import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.semconv.DbAttributes;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * {@link ClientSpans}' PostgreSQL spans: the stable database attributes, and the old names too
 * when {@link ClientSpans.DbSemconv#STABLE_AND_OLD} asks for them.
 */
final class DbSpans {
  private final Tracer tracer;
  private final SpanPeers peers;
  private final ClientSpans.DbSemconv dbSemconv;

  DbSpans(Tracer tracer, SpanPeers peers, ClientSpans.DbSemconv dbSemconv) {
    this.tracer = tracer;
    this.peers = peers;
    this.dbSemconv = dbSemconv;
  }

  /** Named by its query summary, "{operation} {table}"; {@code queryText} already sanitized or null. */
  SpanBuilder builder(Context parent, ClientSpans.Database db, String operation, @Nullable String table,
      @Nullable String queryText) {
    String op = operation.toUpperCase(Locale.ROOT);
    String summary = table == null ? op : op + " " + table;
    SpanBuilder b = tracer.spanBuilder(summary)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(parent)
        .setAttribute(DbAttributes.DB_SYSTEM_NAME, ClientSpans.POSTGRESQL)
        .setAttribute(DbAttributes.DB_NAMESPACE, db.namespace())
        .setAttribute(DbAttributes.DB_OPERATION_NAME, op)
        .setAttribute(DbAttributes.DB_QUERY_SUMMARY, summary);
    if (table != null) {
      b.setAttribute(DbAttributes.DB_COLLECTION_NAME, table);
    }
    if (queryText != null) {
      b.setAttribute(DbAttributes.DB_QUERY_TEXT, queryText);
    }
    if (dbSemconv == ClientSpans.DbSemconv.STABLE_AND_OLD) {
      b.setAttribute(Incubating.DB_SYSTEM, ClientSpans.POSTGRESQL)
          .setAttribute(Incubating.DB_NAME, db.namespace())
          .setAttribute(Incubating.DB_OPERATION, op);
      if (table != null) {
        b.setAttribute(Incubating.DB_SQL_TABLE, table);
      }
      if (queryText != null) {
        b.setAttribute(Incubating.DB_STATEMENT, queryText);
      }
      if (db.host() != null) {
        b.setAttribute(Incubating.NET_PEER_NAME, db.host());
      }
      if (db.port() > 0) {
        b.setAttribute(Incubating.NET_PEER_PORT, (long) db.port());
      }
    }
    ClientSpans.server(b, db.host(), db.port());
    peers.peer(b, db.host(), db.port(), ClientSpans.POSTGRESQL);
    return b;
  }
}

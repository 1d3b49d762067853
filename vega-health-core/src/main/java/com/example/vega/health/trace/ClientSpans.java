package com.example.vega.health.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * CLIENT spans for the runner's calls: Postgres, S3 and any AWS API, and HTTP (the LLM proxy).
 * Attribute names follow OpenTelemetry's semantic conventions.
 *
 * <pre>{@code
 * Span db = clients.startDb(Context.current(), "UPDATE", "scans");
 * try (Scope s = db.makeCurrent()) { claim.executeUpdate(); }
 * catch (SQLException e) { ClientSpans.fail(db, e); throw e; }
 * finally { db.end(); }
 * }</pre>
 *
 * <p>What is never recorded: query text (statements can hold literals from user input), URL query
 * strings and user-info (where tokens hide), and headers.
 */
public final class ClientSpans {
  public static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
  public static final AttributeKey<String> DB_OPERATION_NAME = AttributeKey.stringKey("db.operation.name");
  public static final AttributeKey<String> DB_COLLECTION_NAME = AttributeKey.stringKey("db.collection.name");
  public static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  public static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  public static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  public static final AttributeKey<String> AWS_S3_BUCKET = AttributeKey.stringKey("aws.s3.bucket");
  public static final AttributeKey<String> AWS_S3_KEY = AttributeKey.stringKey("aws.s3.key");
  public static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
  public static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");
  public static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private final Tracer tracer;

  private ClientSpans(ScanTracing tracing) {
    this.tracer = tracing.tracer();
  }

  public static ClientSpans create(ScanTracing tracing) {
    return new ClientSpans(Objects.requireNonNull(tracing, "tracing"));
  }

  /**
   * A PostgreSQL call: {@code operation} is the SQL verb or procedure ("UPDATE", "INSERT"),
   * {@code table} the main table or null. Named "{operation} {table}".
   */
  public Span startDb(Context parent, String operation, @Nullable String table) {
    String op = operation.toUpperCase(Locale.ROOT);
    SpanBuilder b = tracer.spanBuilder(table == null ? op : op + " " + table)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(parent)
        .setAttribute(DB_SYSTEM_NAME, "postgresql")
        .setAttribute(DB_OPERATION_NAME, op);
    if (table != null) {
      b.setAttribute(DB_COLLECTION_NAME, table);
    }
    return b.startSpan();
  }

  /** An AWS API call ("ECS", "RunTask"), named "{service}.{operation}". */
  public Span startAws(Context parent, String service, String operation) {
    return aws(parent, service, operation).startSpan();
  }

  /** An S3 call ("GetObject", bucket, key or null), named "S3.{operation}". */
  public Span startS3(Context parent, String operation, String bucket, @Nullable String key) {
    SpanBuilder b = aws(parent, "S3", operation).setAttribute(AWS_S3_BUCKET, bucket);
    if (key != null) {
      b.setAttribute(AWS_S3_KEY, key);
    }
    return b.startSpan();
  }

  /**
   * An outgoing HTTP request, named by its method. Inject the headers from a context holding this
   * span ({@link HttpCarrier#inject}); set {@link #HTTP_RESPONSE_STATUS_CODE} from the response.
   * The recorded URL keeps scheme, host, port and path only.
   */
  public Span startHttp(Context parent, String method, URI uri) {
    String m = method.toUpperCase(Locale.ROOT);
    SpanBuilder b = tracer.spanBuilder(m)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(parent)
        .setAttribute(HTTP_REQUEST_METHOD, m)
        .setAttribute(URL_FULL, safeUrl(uri));
    if (uri.getHost() != null) {
      b.setAttribute(SERVER_ADDRESS, uri.getHost());
    }
    int port = uri.getPort() >= 0 ? uri.getPort()
        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
    if (port > 0) {
      b.setAttribute(SERVER_PORT, (long) port);
    }
    return b.startSpan();
  }

  /**
   * Marks {@code span} failed with the exception's class name only: exception messages from
   * drivers and SDKs can quote connection strings and statements, so they are not recorded.
   */
  public static void fail(Span span, Throwable error) {
    span.setStatus(StatusCode.ERROR);
    span.setAttribute(ERROR_TYPE, error.getClass().getName());
  }

  private SpanBuilder aws(Context parent, String service, String operation) {
    return tracer.spanBuilder(service + "." + operation)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(parent)
        .setAttribute(RPC_SYSTEM, "aws-api")
        .setAttribute(RPC_SERVICE, service)
        .setAttribute(RPC_METHOD, operation);
  }

  static String safeUrl(URI uri) {
    StringBuilder sb = new StringBuilder();
    if (uri.getScheme() != null) {
      sb.append(uri.getScheme()).append("://");
    }
    if (uri.getHost() != null) {
      sb.append(uri.getHost());
    }
    if (uri.getPort() >= 0) {
      sb.append(':').append(uri.getPort());
    }
    if (uri.getRawPath() != null) {
      sb.append(uri.getRawPath());
    }
    return sb.toString();
  }
}

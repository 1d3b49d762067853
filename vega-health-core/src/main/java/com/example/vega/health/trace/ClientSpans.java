package com.example.vega.health.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.opentelemetry.semconv.incubating.AwsIncubatingAttributes;
import io.opentelemetry.semconv.incubating.CloudIncubatingAttributes;
import io.opentelemetry.semconv.incubating.RpcIncubatingAttributes;
import java.net.URI;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * CLIENT spans for the services' calls: Postgres, S3 and any AWS API, and HTTP (the LLM proxy).
 * Names and attributes follow OpenTelemetry's semantic conventions (the version pinned in the
 * build; docs/tracing.md), the same ones OpenTelemetry's own JDBC (stable database conventions)
 * and AWS SDK instrumentation set, so a backend's database and AWS views work on them.
 *
 * <pre>{@code
 * ClientSpans.Database scans = ClientSpans.Database.postgres(jdbcUrl);
 * Span db = clients.startDb(Context.current(), scans, "UPDATE", "scans");
 * try (Scope s = db.makeCurrent()) { claim.executeUpdate(); }
 * catch (SQLException e) { ClientSpans.fail(db, e); throw e; }
 * finally { db.end(); }
 * }</pre>
 *
 * <p>What is never recorded: query text (statements can hold literals from user input), URL query
 * strings and user-info (where tokens hide), headers, and exception messages.
 */
public final class ClientSpans {
  static final String POSTGRESQL = DbAttributes.DbSystemNameValues.POSTGRESQL;
  /**
   * {@code rpc.system} of AWS calls. Semantic conventions 1.43 no longer list the value among
   * their constants, but OpenTelemetry's AWS SDK instrumentation of the same release still sets it.
   */
  static final String AWS_API = "aws-api";

  /**
   * The database a service talks to, recorded on each of its spans as {@code db.namespace},
   * {@code server.address} and {@code server.port}.
   *
   * @param namespace the database name
   * @param host the server's host, or null when unknown
   * @param port the server's port, or -1 when unknown
   */
  public record Database(String namespace, @Nullable String host, int port) {
    public Database {
      Objects.requireNonNull(namespace, "namespace");
    }

    /**
     * From a PostgreSQL JDBC URL ({@code jdbc:postgresql://host:5432/vega?user=...}): host, port
     * (5432 by default) and database name; parameters (credentials) are ignored.
     */
    public static Database postgres(String jdbcUrl) {
      String url = jdbcUrl.startsWith("jdbc:") ? jdbcUrl.substring(5) : jdbcUrl;
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
      }
      String path = uri.getPath() == null ? "" : uri.getPath();
      String name = path.startsWith("/") ? path.substring(1) : path;
      return new Database(name.isEmpty() ? "postgres" : name, uri.getHost(),
          uri.getPort() >= 0 ? uri.getPort() : 5432);
    }
  }

  private final Tracer tracer;

  private ClientSpans(ScanTracing tracing) {
    this.tracer = tracing.tracer();
  }

  public static ClientSpans create(ScanTracing tracing) {
    return new ClientSpans(Objects.requireNonNull(tracing, "tracing"));
  }

  /**
   * A PostgreSQL call: {@code operation} is the SQL verb ("UPDATE", "INSERT"), {@code table} the
   * main table or null. Named by its query summary, "{operation} {table}".
   */
  public Span startDb(Context parent, Database db, String operation, @Nullable String table) {
    String op = operation.toUpperCase(Locale.ROOT);
    String summary = table == null ? op : op + " " + table;
    SpanBuilder b = tracer.spanBuilder(summary)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(parent)
        .setAttribute(DbAttributes.DB_SYSTEM_NAME, POSTGRESQL)
        .setAttribute(DbAttributes.DB_NAMESPACE, db.namespace())
        .setAttribute(DbAttributes.DB_OPERATION_NAME, op)
        .setAttribute(DbAttributes.DB_QUERY_SUMMARY, summary);
    if (table != null) {
      b.setAttribute(DbAttributes.DB_COLLECTION_NAME, table);
    }
    server(b, db.host(), db.port());
    return b.startSpan();
  }

  /** An AWS API call ("ECS", "RunTask") in {@code region}, named "{service}.{operation}". */
  public Span startAws(Context parent, String region, String service, String operation) {
    return aws(parent, region, service, operation).startSpan();
  }

  /** An S3 call ("GetObject", bucket, key or null), named "S3.{operation}". */
  public Span startS3(Context parent, String region, String operation, String bucket, @Nullable String key) {
    SpanBuilder b = aws(parent, region, "S3", operation)
        .setAttribute(AwsIncubatingAttributes.AWS_S3_BUCKET, bucket);
    if (key != null) {
      b.setAttribute(AwsIncubatingAttributes.AWS_S3_KEY, key);
    }
    return b.startSpan();
  }

  /**
   * Records an AWS response's ids on its span: {@code aws.request_id}, and S3's extended request
   * id ({@code x-amz-id-2}), which AWS support asks for. Pass {@code response.responseMetadata()}'s
   * values; nulls are skipped.
   */
  public static void awsResponse(Span span, @Nullable String requestId, @Nullable String extendedRequestId) {
    if (requestId != null && !requestId.isEmpty()) {
      span.setAttribute(AwsIncubatingAttributes.AWS_REQUEST_ID, requestId);
    }
    if (extendedRequestId != null && !extendedRequestId.isEmpty()) {
      span.setAttribute(AwsIncubatingAttributes.AWS_EXTENDED_REQUEST_ID, extendedRequestId);
    }
  }

  /**
   * An outgoing HTTP request, named by its method. Inject the headers from a context holding this
   * span ({@link HttpCarrier#inject}); end with {@link #httpResponse}. The recorded URL keeps
   * scheme, host, port and path only.
   */
  public Span startHttp(Context parent, String method, URI uri) {
    String m = HttpMethods.known(method);
    SpanBuilder b = tracer.spanBuilder(m.equals(HttpMethods.OTHER) ? "HTTP" : m)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(parent)
        .setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, m)
        .setAttribute(UrlAttributes.URL_FULL, safeUrl(uri));
    if (m.equals(HttpMethods.OTHER)) {
      b.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL, HttpMethods.original(method));
    }
    int port = uri.getPort() >= 0 ? uri.getPort()
        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
    server(b, uri.getHost(), port);
    return b.startSpan();
  }

  /**
   * The response status of an HTTP client span. A status of 400 or more is an error for a client
   * ({@code error.type} is the status code), as the HTTP conventions say.
   */
  public static void httpResponse(Span span, int status) {
    span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
    if (status >= 400) {
      span.setStatus(StatusCode.ERROR);
      span.setAttribute(ErrorAttributes.ERROR_TYPE, Integer.toString(status));
    }
  }

  /**
   * Marks {@code span} failed. {@code error.type} is the exception's class name, or for a
   * database error its SQLSTATE (also {@code db.response.status_code}). The message is not
   * recorded: drivers and SDKs quote connection strings and statements in them.
   */
  public static void fail(Span span, Throwable error) {
    span.setStatus(StatusCode.ERROR);
    String state = error instanceof SQLException sql ? sql.getSQLState() : null;
    if (state != null && !state.isEmpty()) {
      span.setAttribute(DbAttributes.DB_RESPONSE_STATUS_CODE, state);
      span.setAttribute(ErrorAttributes.ERROR_TYPE, state);
    } else {
      span.setAttribute(ErrorAttributes.ERROR_TYPE, error.getClass().getName());
    }
  }

  // rpc.system and rpc.service are deprecated in semantic conventions 1.43, but they are what
  // OpenTelemetry's AWS SDK instrumentation of the same release sets, and what AWS views key on.
  @SuppressWarnings("deprecation")
  private SpanBuilder aws(Context parent, String region, String service, String operation) {
    return tracer.spanBuilder(service + "." + operation)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(parent)
        .setAttribute(RpcIncubatingAttributes.RPC_SYSTEM, AWS_API)
        .setAttribute(RpcIncubatingAttributes.RPC_SERVICE, service)
        .setAttribute(RpcIncubatingAttributes.RPC_METHOD, operation)
        .setAttribute(CloudIncubatingAttributes.CLOUD_REGION, region);
  }

  static void server(SpanBuilder b, @Nullable String host, int port) {
    if (host != null && !host.isEmpty()) {
      b.setAttribute(ServerAttributes.SERVER_ADDRESS, host);
    }
    if (port > 0) {
      b.setAttribute(ServerAttributes.SERVER_PORT, (long) port);
    }
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

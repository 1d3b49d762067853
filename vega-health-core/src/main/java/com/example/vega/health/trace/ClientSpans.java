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
import java.net.URI;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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
 * <p>Every span carries {@code server.address}/{@code server.port} and, where a logical name is
 * known or configured ({@link Builder#peerService}), {@code peer.service}: what trace backends
 * draw service maps from (Zipkin's exporter makes it the span's remote service).
 *
 * <p>What is never recorded: query text with its literals (statements can hold values from user
 * input; {@code db.query.text} is sanitized), URL query strings and user-info (where tokens hide),
 * headers, and exception messages.
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
  private final SpanPeers peers;
  private final DbSpans dbSpans;

  private ClientSpans(Builder b) {
    this.tracer = b.tracing.tracer();
    this.peers = new SpanPeers(b.peerServices, b.awsEndpoint);
    this.dbSpans = new DbSpans(tracer, peers, b.dbSemconv);
  }

  /** Client spans with the default logical names ({@link Builder#peerService}) and stable database names. */
  public static ClientSpans create(ScanTracing tracing) {
    return builder(tracing).build();
  }

  public static Builder builder(ScanTracing tracing) {
    return new Builder(Objects.requireNonNull(tracing, "tracing"));
  }

  /**
   * Which database attribute names the spans carry, as OpenTelemetry's instrumentation reads
   * {@code OTEL_SEMCONV_STABILITY_OPT_IN}: {@code database} the stable names only (the default),
   * {@code database/dup} the stable and the old ones ({@code db.system}, {@code db.name},
   * {@code db.statement}, {@code db.operation}, {@code db.sql.table}, {@code net.peer.name},
   * {@code net.peer.port}), which the collector's AWS X-Ray exporter reads.
   */
  public enum DbSemconv {
    STABLE,
    STABLE_AND_OLD;

    /** From the value of {@code OTEL_SEMCONV_STABILITY_OPT_IN} (comma-separated; null = unset). */
    public static DbSemconv fromOptIn(@Nullable String optIn) {
      if (optIn != null) {
        for (String token : optIn.split(",")) {
          if (token.trim().equals("database/dup")) {
            return STABLE_AND_OLD;
          }
        }
      }
      return STABLE;
    }
  }

  /**
   * Options of {@link ClientSpans}, validated as they are set. {@link #environment} translates
   * the standard variables; everything is also settable directly.
   */
  public static final class Builder {
    private final ScanTracing tracing;
    private final Map<String, String> peerServices = new LinkedHashMap<>();
    private DbSemconv dbSemconv = DbSemconv.STABLE;
    private @Nullable URI awsEndpoint;

    private Builder(ScanTracing tracing) {
      this.tracing = tracing;
    }

    /**
     * {@code peer.service} for calls to {@code hostOrHostPort} ("proxy.internal" or
     * "127.0.0.1:8081"; a host and port entry wins over a host entry). Wins over the default
     * logical name ({@code postgresql}, {@code s3}, ...).
     */
    public Builder peerService(String hostOrHostPort, String name) {
      if (hostOrHostPort.isBlank() || name.isBlank()) {
        throw new IllegalArgumentException("peer service mapping needs a host and a name, got '"
            + hostOrHostPort + "=" + name + "'");
      }
      peerServices.put(hostOrHostPort.trim().toLowerCase(Locale.ROOT), name.trim());
      return this;
    }

    public Builder dbSemconv(DbSemconv semconv) {
      this.dbSemconv = Objects.requireNonNull(semconv, "semconv");
      return this;
    }

    /**
     * Where AWS calls go when not to AWS's regional endpoints (an emulator, a VPC endpoint): their
     * spans' {@code server.address} and {@code server.port}.
     */
    public Builder awsEndpoint(@Nullable URI endpoint) {
      this.awsEndpoint = endpoint;
      return this;
    }

    /**
     * Reads {@code OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING} (the OpenTelemetry Java
     * agent's {@code host=name,host:port=name} list), {@code OTEL_SEMCONV_STABILITY_OPT_IN} and
     * the AWS SDK's {@code AWS_ENDPOINT_URL}. A malformed mapping entry is refused, naming it.
     */
    public Builder environment(Map<String, String> env) {
      String mapping = env.get("OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING");
      if (mapping != null && !mapping.isBlank()) {
        for (String entry : mapping.split(",")) {
          int eq = entry.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING: '"
                + entry.trim() + "' is not host=name");
          }
          peerService(entry.substring(0, eq), entry.substring(eq + 1));
        }
      }
      dbSemconv(DbSemconv.fromOptIn(env.get("OTEL_SEMCONV_STABILITY_OPT_IN")));
      String endpoint = env.get("AWS_ENDPOINT_URL");
      if (endpoint != null && !endpoint.isBlank()) {
        awsEndpoint(URI.create(endpoint.trim()));
      }
      return this;
    }

    public ClientSpans build() {
      return new ClientSpans(this);
    }
  }

  /**
   * A PostgreSQL call: {@code operation} is the SQL verb ("UPDATE", "INSERT"), {@code table} the
   * main table or null. Named by its query summary, "{operation} {table}".
   */
  public Span startDb(Context parent, Database db, String operation, @Nullable String table) {
    return dbSpans.builder(parent, db, operation, table, null).startSpan();
  }

  /**
   * A PostgreSQL statement: operation, table and summary are read from {@code sql}, which is
   * recorded as {@code db.query.text} with its literals replaced by {@code ?} ({@link SqlText});
   * pass the statement as prepared (with {@code ?} parameters), never with values spliced in.
   */
  public Span startDb(Context parent, Database db, String sql) {
    SqlText.Summary summary = SqlText.summarize(sql);
    return dbSpans.builder(parent, db, summary.operation(), summary.table(), SqlText.sanitize(sql)).startSpan();
  }

  /** An AWS API call ("ECS", "RunTask") in {@code region}, named "{service}.{operation}". */
  public Span startAws(Context parent, String region, String service, String operation) {
    return aws(parent, region, service, operation).startSpan();
  }

  /** An S3 call ("GetObject", bucket, key or null), named "S3.{operation}". */
  public Span startS3(Context parent, String region, String operation, String bucket, @Nullable String key) {
    SpanBuilder b = aws(parent, region, "S3", operation)
        .setAttribute(Incubating.AWS_S3_BUCKET, bucket);
    if (key != null) {
      b.setAttribute(Incubating.AWS_S3_KEY, key);
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
      span.setAttribute(Incubating.AWS_REQUEST_ID, requestId);
    }
    if (extendedRequestId != null && !extendedRequestId.isEmpty()) {
      span.setAttribute(Incubating.AWS_EXTENDED_REQUEST_ID, extendedRequestId);
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
        .setAttribute(UrlAttributes.URL_FULL, SpanPeers.safeUrl(uri));
    if (m.equals(HttpMethods.OTHER)) {
      b.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL, HttpMethods.original(method));
    }
    int port = uri.getPort() >= 0 ? uri.getPort()
        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
    server(b, uri.getHost(), port);
    peers.peer(b, uri.getHost(), port, null);
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
    SpanBuilder b = tracer.spanBuilder(service + "." + operation)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(parent)
        .setAttribute(Incubating.RPC_SYSTEM, AWS_API)
        .setAttribute(Incubating.RPC_SERVICE, service)
        .setAttribute(Incubating.RPC_METHOD, operation)
        .setAttribute(Incubating.CLOUD_REGION, region);
    peers.awsEndpoint(b, service, region);
    return b;
  }

  static void server(SpanBuilder b, @Nullable String host, int port) {
    if (host != null && !host.isEmpty()) {
      b.setAttribute(ServerAttributes.SERVER_ADDRESS, host);
    }
    if (port > 0) {
      b.setAttribute(ServerAttributes.SERVER_PORT, (long) port);
    }
  }
}

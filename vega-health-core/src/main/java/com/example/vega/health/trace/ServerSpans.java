package com.example.vega.health.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.contrib.awsxray.propagator.AwsXrayPropagator;
import io.opentelemetry.semconv.ClientAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.opentelemetry.semconv.UserAgentAttributes;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * SERVER spans of incoming HTTP requests, named {@code {method} {http.route}} (never the raw
 * URI, whose ids would make every span name unique) with the HTTP server conventions' attributes,
 * and an error status for 5xx answers.
 *
 * <pre>{@code
 * Context ctx = servers.start(exchange.getRequestHeaders()::getFirst, trust, new ServerSpans.Request(
 *     "POST", "http", "/v1/complete", "/v1/complete", "proxy.internal", 8080, remoteIp, userAgent));
 * try (Scope s = ctx.makeCurrent()) { ...; ServerSpans.end(Span.fromContext(ctx), 200, null); }
 * }</pre>
 *
 * <p>Trace context: a {@link Trust#TRUSTED} caller's W3C headers are continued (through
 * {@link HttpCarrier}); an untrusted caller's never are. The ALB's {@code X-Amzn-Trace-Id} is kept
 * on the span as {@code http.request.header.x-amzn-trace-id} (and, when it names a parent span
 * that OpenTelemetry's X-Ray propagator can read, as a link), so the ALB's access log line of the
 * request can be found from the trace, whoever the caller.
 */
public final class ServerSpans {
  /** The header the ALB adds to every request it forwards. */
  public static final String XRAY_HEADER = "x-amzn-trace-id";
  /** The captured-header attribute holding it, as the HTTP conventions name captured headers. */
  public static final AttributeKey<List<String>> XRAY_HEADER_ATTRIBUTE =
      HttpAttributes.HTTP_REQUEST_HEADER.getAttributeKey(XRAY_HEADER);

  static final int MAX_HEADER = 256;
  static final int MAX_PATH = 1024;
  static final int MAX_USER_AGENT = 512;

  /** One request as the server saw it. */
  public record Request(
      String method,
      String scheme,
      String path,
      @Nullable String route,
      @Nullable String serverAddress,
      int serverPort,
      @Nullable String clientAddress,
      @Nullable String userAgent) {
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(scheme, "scheme");
      Objects.requireNonNull(path, "path");
    }
  }

  private static final TextMapGetter<Function<String, @Nullable String>> XRAY_GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Function<String, @Nullable String> carrier) {
      return List.of(XRAY_HEADER);
    }

    @Override
    public @Nullable String get(@Nullable Function<String, @Nullable String> carrier, String key) {
      return carrier == null ? null : xrayHeader(carrier);
    }
  };

  /**
   * Whether the X-Ray propagator on the class path runs against this OpenTelemetry API. Probed
   * once: against API 1.68 every published release fails for every header with a
   * {@link LinkageError}, which costs about 6 µs to raise per request (docs/benchmarks.md §8).
   */
  static final boolean XRAY_PROPAGATOR_WORKS = probeXray();

  private final Tracer tracer;

  private ServerSpans(ScanTracing tracing) {
    this.tracer = tracing.tracer();
  }

  public static ServerSpans create(ScanTracing tracing) {
    return new ServerSpans(Objects.requireNonNull(tracing, "tracing"));
  }

  /**
   * Starts the SERVER span of {@code request} and returns the context to run the request in: the
   * caller's context when trusted (with its baggage), else a new trace. Never throws on hostile
   * headers.
   *
   * @param header a request header's single value by lower-case name, or null
   */
  public Context start(Function<String, @Nullable String> header, Trust trust, Request request) {
    Context parent = HttpCarrier.extract(header, trust);
    String xrayHeader = xrayHeader(header);
    SpanContext xray = xrayHeader == null ? SpanContext.getInvalid() : xrayParent(header);
    String method = HttpMethods.known(request.method());
    SpanBuilder b = tracer.spanBuilder(name(method, request.route()))
        .setSpanKind(SpanKind.SERVER)
        .setParent(parent)
        .setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, method)
        .setAttribute(UrlAttributes.URL_SCHEME, request.scheme())
        .setAttribute(UrlAttributes.URL_PATH, cut(request.path(), MAX_PATH));
    if (method.equals(HttpMethods.OTHER)) {
      b.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL, HttpMethods.original(request.method()));
    }
    if (request.route() != null) {
      b.setAttribute(HttpAttributes.HTTP_ROUTE, request.route());
    }
    ClientSpans.server(b, request.serverAddress(), request.serverPort());
    if (request.clientAddress() != null) {
      b.setAttribute(ClientAttributes.CLIENT_ADDRESS, request.clientAddress());
    }
    if (request.userAgent() != null) {
      b.setAttribute(UserAgentAttributes.USER_AGENT_ORIGINAL, cut(request.userAgent(), MAX_USER_AGENT));
    }
    if (xrayHeader != null) {
      b.setAttribute(XRAY_HEADER_ATTRIBUTE, List.of(xrayHeader));
      if (xray.isValid()) {
        b.addLink(xray);
      }
    }
    ScanContext.scanId(parent).ifPresent(id -> b.setAttribute(ScanContext.SCAN_ID_ATTRIBUTE, id));
    return parent.with(b.startSpan());
  }

  /**
   * Names the span by its route once the framework has matched one (Spring MVC knows it only
   * after dispatch): {@code {method} {route}} and {@code http.route}.
   */
  public static void route(Span span, String method, String route) {
    String m = HttpMethods.known(method);
    span.updateName(name(m, route));
    span.setAttribute(HttpAttributes.HTTP_ROUTE, route);
  }

  /**
   * Ends the span with the response status. A 5xx answer, or an exception, is an error of the
   * server ({@code error.type}: the status code, or the exception's class name); 4xx is the
   * client's and leaves the status unset, as the HTTP server conventions say.
   */
  public static void end(Span span, int status, @Nullable Throwable error) {
    if (status > 0) {
      span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
    }
    if (error != null) {
      span.setStatus(StatusCode.ERROR);
      span.setAttribute(ErrorAttributes.ERROR_TYPE, error.getClass().getName());
    } else if (status >= 500) {
      span.setStatus(StatusCode.ERROR);
      span.setAttribute(ErrorAttributes.ERROR_TYPE, Integer.toString(status));
    }
    span.end();
  }

  static String name(String knownMethod, @Nullable String route) {
    String m = knownMethod.equals(HttpMethods.OTHER) ? "HTTP" : knownMethod;
    return route == null ? m : m + " " + route;
  }

  /**
   * The X-Ray parent span the header names, read by OpenTelemetry's X-Ray propagator; invalid when
   * it names none (the ALB's own header has a Root but no Parent). The propagator releases on Maven
   * Central (up to 1.57.0-alpha) call {@code StringUtils.padLeft}, which API 1.68 no longer has,
   * for every header (with or without a Parent): {@link #XRAY_PROPAGATOR_WORKS} is then false and
   * the header is kept as the attribute only, until a release built against the current API is
   * published. The propagator is an optional dependency of core: without it on the class path the
   * probe is false too.
   */
  static SpanContext xrayParent(Function<String, @Nullable String> header) {
    if (!XRAY_PROPAGATOR_WORKS) {
      return SpanContext.getInvalid();
    }
    try {
      return Span.fromContext(AwsXrayPropagator.getInstance().extract(Context.root(), header, XRAY_GETTER))
          .getSpanContext();
    } catch (RuntimeException | LinkageError e) {
      return SpanContext.getInvalid();
    }
  }

  private static boolean probeXray() {
    try {
      // An optional dependency: absent unless the service brings it.
      Class.forName("io.opentelemetry.contrib.awsxray.propagator.AwsXrayPropagator", false,
          ServerSpans.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
    try {
      Function<String, @Nullable String> sample =
          h -> "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
      AwsXrayPropagator.getInstance().extract(Context.root(), sample, XRAY_GETTER);
      return true;
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** The ALB's header when it is short and printable; anything else is not recorded. */
  static @Nullable String xrayHeader(Function<String, @Nullable String> header) {
    String v;
    try {
      v = header.apply(XRAY_HEADER);
    } catch (RuntimeException e) {
      return null; // a header function that fails is a header we do not have
    }
    return v != null && !v.isEmpty() && v.length() <= MAX_HEADER && W3c.printable(v, 0, v.length()) ? v : null;
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}

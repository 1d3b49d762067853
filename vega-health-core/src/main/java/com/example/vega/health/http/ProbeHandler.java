package com.example.vega.health.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One probe connection's requests, after Netty's codec: routes to {@link HealthEndpoints}' cached
 * answers and writes them; the flush waits for the end of the read, so pipelined requests leave
 * in one write. Request bodies are never read: a request with one is answered and closed.
 */
final class ProbeHandler extends SimpleChannelInboundHandler<HttpObject> {
  private static final System.Logger LOG = System.getLogger(HealthServer.class.getName());
  private static final AtomicBoolean ACCESS_FAILURE_LOGGED = new AtomicBoolean();
  private static final AsciiString ALLOWED = AsciiString.cached("GET, HEAD");
  private static final AsciiString CONTENT_TYPE_OPTIONS = AsciiString.cached("x-content-type-options");
  private static final AsciiString NOSNIFF = AsciiString.cached("nosniff");
  private static final AsciiString VARY_DETAIL = AsciiString.cached("Accept, Authorization");

  private final HealthEndpoints endpoints;
  private final DetailAccess access;

  ProbeHandler(HealthEndpoints endpoints, DetailAccess access) {
    this.endpoints = endpoints;
    this.access = access;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
    if (!(msg instanceof HttpRequest request)) {
      return; // a body's content: never read, the connection closes after the answer
    }
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      ctx.write(empty(rejection(decoded.cause()), true));
      return;
    }
    if (!ctx.channel().isWritable()) {
      // Its answers pile up unread; a client that reads them never gets here.
      ctx.close();
      return;
    }
    ctx.write(answer(ctx, request));
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    // Stop reading a client that does not read: its requests wait, and the request timeout ends it.
    ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets, timeouts and garbage are the clients' business, not the service's log.
    ctx.close();
  }

  private FullHttpResponse answer(ChannelHandlerContext ctx, HttpRequest request) {
    boolean close = hasBody(request);
    String path = path(request.uri());
    HealthEndpoints.Response r;
    boolean detailPath = false;
    switch (path) {
      case "/v1/healthz", "/v1/healthz/" -> detailPath = true;
      case "/v1/healthz/live", "/v1/healthz/ready" -> { }
      default -> {
        return keepAlive(empty(HttpResponseStatus.NOT_FOUND, close), request);
      }
    }
    HttpMethod method = request.method();
    boolean head = HttpMethod.HEAD.equals(method);
    if (!head && !HttpMethod.GET.equals(method)) {
      FullHttpResponse refused = empty(HttpResponseStatus.METHOD_NOT_ALLOWED, close);
      refused.headers().set(HttpHeaderNames.ALLOW, ALLOWED);
      return keepAlive(refused, request);
    }
    if (detailPath) {
      r = endpoints.healthz(detail(ctx, request.headers()), request.headers().get(HttpHeaderNames.ACCEPT));
    } else if (path.endsWith("/live")) {
      r = endpoints.live();
    } else {
      r = endpoints.ready();
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(r.status()), head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
    HttpHeaders h = response.headers();
    h.set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    h.set(HttpHeaderNames.CACHE_CONTROL, r.cacheControl());
    h.set(CONTENT_TYPE_OPTIONS, NOSNIFF);
    if (detailPath) {
      h.set(HttpHeaderNames.VARY, VARY_DETAIL);
    }
    if (close) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return keepAlive(response, request);
  }

  /** Fail closed: a rule that throws shows the top-level status only, and the endpoint answers. */
  private boolean detail(ChannelHandlerContext ctx, HttpHeaders headers) {
    SocketAddress remote = ctx.channel().remoteAddress();
    if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
      return false;
    }
    InetAddress address = inet.getAddress();
    try {
      return access.allows(address, headers::get);
    } catch (RuntimeException e) {
      if (ACCESS_FAILURE_LOGGED.compareAndSet(false, true)) {
        LOG.log(System.Logger.Level.WARNING, "vega-health: the detail access rule threw "
            + e.getClass().getName() + "; /v1/healthz shows the top-level status only while it does"
            + " (logged once)");
      }
      return false;
    }
  }

  /** HTTP/1.0 clients that asked to keep the connection are told it is kept. */
  private static FullHttpResponse keepAlive(FullHttpResponse response, HttpRequest request) {
    if (HttpVersion.HTTP_1_0.equals(request.protocolVersion()) && HttpUtil.isKeepAlive(request)
        && !response.headers().contains(HttpHeaderNames.CONNECTION)) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return response;
  }

  private static FullHttpResponse empty(HttpResponseStatus status, boolean close) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  private static HttpResponseStatus rejection(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return HttpResponseStatus.REQUEST_URI_TOO_LONG;
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    return HttpResponseStatus.BAD_REQUEST;
  }

  private static boolean hasBody(HttpRequest request) {
    return HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
  }

  /** The path of an origin-form ({@code /v1/healthz?x}) or absolute-form target, undecoded. */
  static String path(String target) {
    String t = target;
    int scheme = t.indexOf("://");
    if (scheme > 0 && !t.startsWith("/")) {
      int slash = t.indexOf('/', scheme + 3);
      t = slash < 0 ? "/" : t.substring(slash);
    }
    int end = t.length();
    int q = t.indexOf('?');
    if (q >= 0) {
      end = q;
    }
    int f = t.indexOf('#');
    if (f >= 0 && f < end) {
      end = f;
    }
    return t.substring(0, end);
  }
}

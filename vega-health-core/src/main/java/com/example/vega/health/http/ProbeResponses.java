package com.example.vega.health.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;

/**
 * {@link ProbeHandler}'s HTTP plumbing: the Netty responses it writes (headers every probe answer
 * carries, keep-alive for HTTP/1.0, refusals of malformed requests) and how it reads a target.
 */
final class ProbeResponses {
  private static final AsciiString CONTENT_TYPE_OPTIONS = AsciiString.cached("x-content-type-options");
  private static final AsciiString NOSNIFF = AsciiString.cached("nosniff");
  private static final AsciiString VARY_DETAIL = AsciiString.cached("Accept, Authorization");

  private ProbeResponses() {}

  /** A rendered answer; {@code detailPath} answers vary by who asks and what they accept. */
  static FullHttpResponse http(HealthEndpoints.Response r, HttpRequest request, boolean head, boolean close,
      boolean detailPath) {
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

  /** HTTP/1.0 clients that asked to keep the connection are told it is kept. */
  static FullHttpResponse keepAlive(FullHttpResponse response, HttpRequest request) {
    if (HttpVersion.HTTP_1_0.equals(request.protocolVersion()) && HttpUtil.isKeepAlive(request)
        && !response.headers().contains(HttpHeaderNames.CONNECTION)) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return response;
  }

  static FullHttpResponse empty(HttpResponseStatus status, boolean close) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  static HttpResponseStatus rejection(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return HttpResponseStatus.REQUEST_URI_TOO_LONG;
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    return HttpResponseStatus.BAD_REQUEST;
  }

  static boolean hasBody(HttpRequest request) {
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

package com.example.vega.health.spring;

import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.IpLiteral;
import com.example.vega.health.trace.ClientSpans;
import com.example.vega.health.trace.HttpCarrier;
import com.example.vega.health.trace.ScanContext;
import com.example.vega.health.trace.ScanTracing;
import com.example.vega.health.trace.Trust;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every incoming request continues the caller's trace and scan context when the caller is inside
 * our boundary (a configured network), and restarts it, dropping inbound baggage, otherwise. The
 * health endpoints are not traced: probes would drown the traces.
 */
final class ScanTraceFilter extends OncePerRequestFilter {
  private final ScanTracing tracing;
  private final DetailAccess trusted;

  ScanTraceFilter(ScanTracing tracing, DetailAccess trustedNetworks) {
    this.tracing = tracing;
    this.trusted = trustedNetworks;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return path.startsWith("/v1/healthz") || path.startsWith("/actuator");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Trust trust = Trust.UNTRUSTED;
    String remote = request.getRemoteAddr();
    try {
      // Only an IP literal is parsed: a name would mean a DNS lookup on the request path.
      InetAddress address = IpLiteral.parse(remote);
      if (address != null && trusted.allows(address, h -> null)) {
        trust = Trust.TRUSTED;
      }
    } catch (RuntimeException e) {
      trust = Trust.UNTRUSTED;
    }
    Context parent = HttpCarrier.extract(request::getHeader, trust);
    Span span = tracing.tracer().spanBuilder(request.getMethod() + " " + request.getRequestURI())
        .setParent(parent).setSpanKind(SpanKind.SERVER)
        .setAttribute(ClientSpans.HTTP_REQUEST_METHOD, request.getMethod()).startSpan();
    ScanContext.scanId(parent).ifPresent(id -> span.setAttribute(ScanContext.SCAN_ID_ATTRIBUTE, id));
    try (Scope s = parent.with(span).makeCurrent()) {
      chain.doFilter(request, response);
    } catch (IOException | ServletException | RuntimeException e) {
      ClientSpans.fail(span, e);
      throw e;
    } finally {
      span.setAttribute(ClientSpans.HTTP_RESPONSE_STATUS_CODE, (long) response.getStatus());
      span.end();
    }
  }
}

package com.example.vega.health.spring;

import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.internal.IpLiteral;
import com.example.vega.health.http.TrustedProxies;
import com.example.vega.health.trace.ServerSpans;
import com.example.vega.health.trace.Trust;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Every incoming request is a SERVER span named {@code {method} {http.route}}, the route being
 * Spring MVC's matched pattern. It continues the caller's trace and scan context when the caller
 * is inside our boundary (a configured network), and restarts it, dropping inbound baggage,
 * otherwise. Behind trusted proxies ({@code vega.health.trusted-proxies}) {@code client.address}
 * and {@code url.scheme} are the caller's from {@code X-Forwarded-For}/{@code -Proto}. Health and probe paths are not traced: polls (the ALB's, ECS's, the runners' checks
 * of the LLM proxy) would drown the traces.
 */
final class ScanTraceFilter extends OncePerRequestFilter {
  private final ServerSpans servers;
  private final DetailAccess trusted;
  private final TrustedProxies proxies;
  private final List<String> untracedPaths;

  ScanTraceFilter(ServerSpans servers, DetailAccess trustedNetworks, TrustedProxies proxies, List<String> untracedPaths) {
    this.servers = servers;
    this.proxies = proxies;
    // Behind the ALB the trusted networks judge the caller its X-Forwarded-For names, not the ALB.
    this.trusted = trustedNetworks.behind(proxies);
    this.untracedPaths = List.copyOf(untracedPaths);
  }

  private static @Nullable String joined(@Nullable Enumeration<String> values) {
    if (values == null || !values.hasMoreElements()) {
      return null;
    }
    List<String> all = Collections.list(values);
    return String.join(", ", all);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    for (String p : untracedPaths) {
      if (path.equals(p) || path.startsWith(p.endsWith("/") ? p : p + "/")) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Trust trust = Trust.UNTRUSTED;
    String remote = request.getRemoteAddr();
    String scheme = request.getScheme().toLowerCase(Locale.ROOT);
    @Nullable String client = remote;
    Function<String, @Nullable String> header = name -> joined(request.getHeaders(name));
    try {
      // Only an IP literal is parsed: a name would mean a DNS lookup on the request path.
      InetAddress address = IpLiteral.parse(remote);
      if (address != null) {
        if (trusted.allows(address, header)) {
          trust = Trust.TRUSTED;
        }
        // client.address and url.scheme as the caller behind a trusted proxy sent them; a header
        // that cannot be believed leaves the caller unknown rather than taking its word.
        TrustedProxies.Client c = proxies.client(address, header, scheme);
        InetAddress ca = c.address();
        client = ca == null ? null : c.forwarded() ? ca.getHostAddress() : remote;
        scheme = c.scheme();
      }
    } catch (RuntimeException e) {
      trust = Trust.UNTRUSTED;
    }
    Context ctx = servers.start(request::getHeader, trust, new ServerSpans.Request(
        request.getMethod(), scheme, request.getRequestURI(), null,
        request.getServerName(), request.getServerPort(), client, request.getHeader("User-Agent")));
    Span span = Span.fromContext(ctx);
    Throwable failure = null;
    try (Scope s = ctx.makeCurrent()) {
      chain.doFilter(request, response);
    } catch (IOException | ServletException | RuntimeException e) {
      failure = e;
      throw e;
    } finally {
      // Spring MVC sets the matched pattern during dispatch; unmatched requests keep "{method}".
      Object route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
      if (route instanceof String r && !r.isEmpty()) {
        ServerSpans.route(span, request.getMethod(), r);
      }
      ServerSpans.end(span, failure != null && response.getStatus() < 500 ? 500 : response.getStatus(), failure);
    }
  }
}

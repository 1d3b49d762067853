package com.example.vega.health.spring;

import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.HealthEndpoints;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * {@code /v1/healthz}, {@code /live} and {@code /ready} on the application's own port, as thin
 * adapters over core's {@link HealthEndpoints}: the endpoint logic exists once, in core.
 */
final class HealthzRoutes {
  private static final boolean SECURITY = ClassUtils.isPresent(
      "org.springframework.security.core.Authentication", HealthzRoutes.class.getClassLoader());

  private final HealthEndpoints endpoints;
  private final DetailAccess access;
  private final @Nullable String authority;

  HealthzRoutes(HealthEndpoints endpoints, DetailAccess access, @Nullable String authority) {
    this.endpoints = endpoints;
    this.access = access;
    this.authority = authority == null || authority.isBlank() ? null : authority.trim();
  }

  RouterFunction<ServerResponse> routes() {
    return RouterFunctions.route()
        .GET(HealthEndpoints.BASE_PATH, this::healthz)
        .GET(HealthEndpoints.BASE_PATH + "/live", request -> write(endpoints.live()))
        .GET(HealthEndpoints.BASE_PATH + "/ready", request -> write(endpoints.ready()))
        .build();
  }

  private ServerResponse healthz(ServerRequest request) {
    String accept = request.headers().firstHeader(HttpHeaders.ACCEPT);
    return write(endpoints.healthz(detail(request), accept == null ? "" : accept));
  }

  /** Full detail for the networks/token of DetailAccess, or a principal holding the authority. */
  boolean detail(ServerRequest request) {
    try {
      Optional<InetSocketAddress> remote = request.remoteAddress();
      InetAddress address = remote.map(InetSocketAddress::getAddress).orElse(null);
      // Repeated headers joined: a proxy may append its X-Forwarded-For as a second line.
      if (address != null && access.allows(address, name -> joined(request.headers().header(name)))) {
        return true;
      }
      return authority != null && SECURITY && SecurityAuthority.holds(request.principal(), authority);
    } catch (RuntimeException e) {
      return false; // a broken rule must neither open nor break the endpoint
    }
  }

  private static @Nullable String joined(java.util.List<String> values) {
    return values.isEmpty() ? null : String.join(", ", values);
  }

  private static ServerResponse write(HealthEndpoints.Response r) {
    return ServerResponse.status(r.status())
        .contentType(MediaType.parseMediaType(r.contentType()))
        .header(HttpHeaders.CACHE_CONTROL, r.cacheControl())
        .header(HttpHeaders.VARY, "Accept, Authorization")
        .header("X-Content-Type-Options", "nosniff")
        .body(r.body());
  }

  /** Loaded only when Spring Security is on the class path. */
  static final class SecurityAuthority {
    private SecurityAuthority() {}

    static boolean holds(Optional<Principal> principal, String authority) {
      if (principal.isEmpty()
          || !(principal.get() instanceof org.springframework.security.core.Authentication a)
          || !a.isAuthenticated()) {
        return false;
      }
      for (org.springframework.security.core.GrantedAuthority g : a.getAuthorities()) {
        if (authority.equals(g.getAuthority())) {
          return true;
        }
      }
      return false;
    }
  }
}

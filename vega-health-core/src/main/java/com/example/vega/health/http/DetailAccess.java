package com.example.vega.health.http;

import com.example.vega.health.Setting;
import com.example.vega.health.internal.Cidr;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Who may see every check rather than the top-level status only. Defaults to loopback callers.
 * Combine with {@link #or}.
 *
 * <p>The probe server ({@link HealthServer}) calls a rule of your own on a small pool of its own,
 * never on the thread that answers {@code /live} and {@code /ready}: a slow rule (one that asks
 * another service about a token) delays {@code /v1/healthz} only. A rule that has not answered
 * within half the server's request timeout counts as "no", like one that throws. The rules built
 * here are pure functions of the address and headers and run where the request is read.
 */
@FunctionalInterface
public interface DetailAccess {

  /**
   * @param remote the direct peer's address (behind an ALB this is the ALB: see {@link #behind})
   * @param header request header lookup, case-insensitive, null when absent
   */
  boolean allows(InetAddress remote, Function<String, @Nullable String> header);

  static DetailAccess never() {
    return new BuiltInAccess((remote, header) -> false);
  }

  static DetailAccess always() {
    return new BuiltInAccess((remote, header) -> true);
  }

  /** Either rule; built-in when both are. */
  default DetailAccess or(DetailAccess other) {
    DetailAccess either = (remote, header) -> allows(remote, header) || other.allows(remote, header);
    return this instanceof BuiltInAccess && other instanceof BuiltInAccess ? new BuiltInAccess(either) : either;
  }

  /**
   * Callers from these networks, e.g. {@code "127.0.0.0/8", "10.0.0.0/16"}. A request that says a
   * proxy forwarded it ({@code X-Forwarded-For}, {@code Forwarded}, {@code X-Real-IP}) never
   * matches: its address is the proxy's, not the caller's, so a VPC network would otherwise open
   * detail to every caller of the ALB. Name the proxies with {@link #behind} to judge the
   * forwarded caller instead.
   */
  static DetailAccess fromNetworks(String... cidrs) {
    List<Cidr> nets = new ArrayList<>();
    for (String cidr : cidrs) {
      nets.add(Cidr.parse(cidr));
    }
    return new BuiltInAccess((remote, header) -> {
      if (TrustedProxies.forwarded(header)) {
        return false;
      }
      for (Cidr net : nets) {
        if (net.contains(remote)) {
          return true;
        }
      }
      return false;
    });
  }

  /**
   * This rule judged on the caller behind {@code proxies}: a request a trusted proxy forwarded is
   * judged by the address its {@code X-Forwarded-For} names (see {@link TrustedProxies}), without
   * the forwarding headers. A request from a trusted proxy whose header is missing or cannot be
   * believed matches no network (a token still works): so a network that contains the proxies
   * (the VPC) never opens detail to whoever the proxy forwards. Requests from anybody else are
   * judged as they come.
   */
  default DetailAccess behind(TrustedProxies proxies) {
    if (proxies.isEmpty()) {
      return this;
    }
    DetailAccess inner = this;
    DetailAccess judged = (remote, header) -> {
      if (!proxies.trusts(remote)) {
        return inner.allows(remote, header);
      }
      TrustedProxies.Client c = proxies.client(remote, header, "http");
      InetAddress client = c.address();
      if (!c.forwarded() || client == null) {
        // The caller is unknown: make every network rule see a forwarded request and refuse.
        return inner.allows(remote, name -> isForwarding(name) ? "unknown" : header.apply(name));
      }
      return inner.allows(client, name -> isForwarding(name) ? null : header.apply(name));
    };
    return this instanceof BuiltInAccess ? new BuiltInAccess(judged) : judged;
  }

  private static boolean isForwarding(String name) {
    for (String h : TrustedProxies.FORWARDING_HEADERS) {
      if (h.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Loopback only: the default, so a person on the box (or an ECS health check) sees detail. Not
   * a request a local proxy forwarded (it carries {@code X-Forwarded-For}): that caller is not on
   * the box.
   */
  static DetailAccess loopback() {
    return new BuiltInAccess((remote, header) -> remote.isLoopbackAddress() && !TrustedProxies.forwarded(header));
  }

  /**
   * Callers presenting {@code Authorization: Bearer <token>}. Only a SHA-256 of the token is kept,
   * and the comparison takes constant time.
   */
  static DetailAccess bearerToken(String token) {
    Objects.requireNonNull(token, "token");
    // One rule with the setting that usually carries the token (VEGA_HEALTH_DETAIL_TOKEN).
    if (!Setting.HEALTH_DETAIL_TOKEN.accepts(token)) {
      throw new IllegalArgumentException("the detail token must be " + Setting.HEALTH_DETAIL_TOKEN.shape());
    }
    byte[] expected = sha256(token);
    return new BuiltInAccess((remote, header) -> {
      String auth = header.apply("Authorization");
      if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return false;
      }
      return MessageDigest.isEqual(expected, sha256(auth.substring(7).trim()));
    });
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

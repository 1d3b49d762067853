package com.example.vega.health.http;

import com.example.vega.health.internal.IpLiteral;
import com.example.vega.health.internal.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The proxies in front of a service (the ALB's subnets), whose {@code X-Forwarded-For} and
 * {@code X-Forwarded-Proto} are believed. Set with {@code VEGA_HEALTH_TRUSTED_PROXIES} (or
 * {@code vega.health.trusted-proxies} in Spring); none by default.
 *
 * <pre>{@code
 * TrustedProxies alb = TrustedProxies.of("10.0.0.0/24", "10.0.1.0/24");
 * TrustedProxies.Client c = alb.client(peer, header, "http");   // header: values joined by ", "
 * }</pre>
 *
 * <p>{@code X-Forwarded-For} is read right to left: each proxy appends the address it received
 * the request from, so the entries a trusted proxy wrote are the rightmost ones. Hops inside the
 * trusted networks are skipped; the first address outside them is the client. Everything left of
 * it was written by the client and is never believed. A header that is too long, has too many
 * hops or an entry that is not an IP literal leaves the client unknown: nothing of it is trusted.
 * Only a direct peer inside the trusted networks is asked at all: anybody else could have written
 * the headers.
 */
public final class TrustedProxies {
  /** Longer headers are not read: an ALB's line is short, a longer one is somebody's garbage. */
  static final int MAX_HEADER = 1024;
  static final int MAX_HOPS = 16;

  /** Headers that say a proxy stands between the caller and us. */
  static final List<String> FORWARDING_HEADERS = List.of("X-Forwarded-For", "Forwarded", "X-Real-IP");

  private static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<Cidr> networks;

  private TrustedProxies(List<Cidr> networks) {
    this.networks = List.copyOf(networks);
  }

  /** Nobody's forwarded headers are believed. */
  public static TrustedProxies none() {
    return NONE;
  }

  /**
   * The proxies in these networks, e.g. the ALB's subnets {@code "10.0.0.0/24"}.
   *
   * @throws IllegalArgumentException naming the network that is not one
   */
  public static TrustedProxies of(String... cidrs) {
    List<Cidr> nets = new ArrayList<>();
    for (String cidr : cidrs) {
      nets.add(Cidr.parse(cidr));
    }
    return new TrustedProxies(nets);
  }

  /** {@link #of} over a list. */
  public static TrustedProxies of(List<String> cidrs) {
    return of(cidrs.toArray(String[]::new));
  }

  /** Whether no proxy is trusted. */
  public boolean isEmpty() {
    return networks.isEmpty();
  }

  /** Whether {@code address} is one of the trusted proxies. */
  public boolean trusts(InetAddress address) {
    for (Cidr net : networks) {
      if (net.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Who sent a request, as far as it can be told.
   *
   * @param address the client's address; null when a trusted proxy forwarded the request with a
   *     header that cannot be believed (then no network rule may match it)
   * @param scheme {@code http} or {@code https} as the client used it
   * @param forwarded whether the answer came from a trusted proxy's headers
   */
  public record Client(@Nullable InetAddress address, String scheme, boolean forwarded) {}

  /**
   * The client behind {@code peer}. When {@code peer} is not a trusted proxy, that is the peer and
   * {@code directScheme}, whatever the headers say. Never throws.
   *
   * @param header request header lookup, case-insensitive, null when absent; repeated headers
   *     joined with commas in the order received
   * @param directScheme the scheme of the connection from {@code peer}
   */
  public Client client(InetAddress peer, Function<String, @Nullable String> header, String directScheme) {
    if (!trusts(peer)) {
      return new Client(peer, directScheme, false);
    }
    String xff = get(header, "X-Forwarded-For");
    InetAddress client = xff == null ? peer : fromForwardedFor(xff);
    String proto = get(header, "X-Forwarded-Proto");
    String scheme = directScheme;
    if (client != null && proto != null) {
      String p = ows(proto).toLowerCase(Locale.ROOT);
      if (p.equals("http") || p.equals("https")) {
        scheme = p;
      }
    }
    return new Client(client, scheme, xff != null);
  }

  /** The first address from the right outside the trusted networks; null for anything malformed. */
  private @Nullable InetAddress fromForwardedFor(String xff) {
    if (xff.length() > MAX_HEADER) {
      return null;
    }
    String[] hops = xff.split(",", -1);
    if (hops.length > MAX_HOPS) {
      return null;
    }
    InetAddress leftmost = null;
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = ows(hops[i]);
      // An IPv6 hop may come in brackets; IpLiteral accepts neither ports nor names.
      InetAddress a = IpLiteral.parse(hop);
      if (a == null) {
        return null;
      }
      if (!trusts(a)) {
        return a;
      }
      leftmost = a;
    }
    // Every hop is a trusted proxy: the request started there.
    return leftmost;
  }

  /** Without the spaces and tabs HTTP allows around list items; any other character stays and fails the parse. */
  private static String ows(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.substring(from, to);
  }

  private static @Nullable String get(Function<String, @Nullable String> header, String name) {
    try {
      return header.apply(name);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Whether the request says a proxy stands between the caller and us. Never throws. */
  static boolean forwarded(Function<String, @Nullable String> header) {
    for (String h : FORWARDING_HEADERS) {
      if (get(header, h) != null) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return networks.toString();
  }
}

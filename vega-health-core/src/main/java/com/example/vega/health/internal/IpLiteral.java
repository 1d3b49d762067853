package com.example.vega.health.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * IP address literals from settings and requests, parsed without ever resolving a name: a host
 * name in a bind address or a network list would hide a DNS lookup in startup or on the request
 * path. {@link InetAddress#getByName} resolves anything that is not a literal (including
 * hex-looking names such as {@code cafe} or {@code cafe.babe}), so only strict IPv4 dotted quads
 * and strings with a colon (which no host name has) reach it.
 */
public final class IpLiteral {
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("\\[?[0-9a-fA-F:.]*:[0-9a-fA-F:.]*]?");

  private IpLiteral() {}

  /** The address, or null when {@code s} is not an IPv4 or IPv6 literal. Never a DNS lookup. */
  public static @Nullable InetAddress parse(@Nullable String s) {
    if (s == null || s.length() > 45 || !(IPV4.matcher(s).matches() || IPV6.matcher(s).matches())) {
      return null;
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      return null; // malformed IPv6 literal
    }
  }
}

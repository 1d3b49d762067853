package com.example.vega.health.http;

import com.example.vega.health.VegaSettings;
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
   * @param remote the caller's address (behind an ALB this is the ALB; use a token then)
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

  /** Callers from these networks, e.g. {@code "127.0.0.0/8", "10.0.0.0/16"}. */
  static DetailAccess fromNetworks(String... cidrs) {
    List<byte[][]> nets = new ArrayList<>();
    for (String cidr : cidrs) {
      nets.add(parseCidr(cidr));
    }
    return new BuiltInAccess((remote, header) -> {
      byte[] a = remote.getAddress();
      for (byte[][] net : nets) {
        if (matches(a, net[0], net[1])) {
          return true;
        }
      }
      return false;
    });
  }

  /** Loopback only: the default, so a person on the box (or an ECS health check) sees detail. */
  static DetailAccess loopback() {
    return new BuiltInAccess((remote, header) -> remote.isLoopbackAddress());
  }

  /**
   * Callers presenting {@code Authorization: Bearer <token>}. Only a SHA-256 of the token is kept,
   * and the comparison takes constant time.
   */
  static DetailAccess bearerToken(String token) {
    Objects.requireNonNull(token, "token");
    if (token.length() < 16) {
      throw new IllegalArgumentException("the detail token must be at least 16 characters");
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

  private static byte[][] parseCidr(String cidr) {
    String[] parts = cidr.trim().split("/", 2);
    try {
      InetAddress network = IpLiteral.parse(parts[0]);
      if (network == null) {
        throw new IllegalArgumentException(shown(cidr) + " is not an IP network (like 10.0.0.0/16)");
      }
      byte[] addr = network.getAddress();
      int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : addr.length * 8;
      if (bits < 0 || bits > addr.length * 8) {
        throw new IllegalArgumentException(shown(cidr) + " has a prefix length out of range");
      }
      byte[] mask = new byte[addr.length];
      for (int i = 0; i < bits; i++) {
        mask[i / 8] |= (byte) (0x80 >>> (i % 8));
      }
      return new byte[][] {addr, mask};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(shown(cidr) + " is not an IP network (like 10.0.0.0/16)", e);
    }
  }

  /** The value as messages quote it (it comes from a setting and goes to a log): see {@link VegaSettings#shown}. */
  private static String shown(String cidr) {
    return VegaSettings.shown(cidr.trim());
  }

  private static boolean matches(byte[] a, byte[] net, byte[] mask) {
    if (a.length != net.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if ((a[i] & mask[i]) != (net[i] & mask[i])) {
        return false;
      }
    }
    return true;
  }
}

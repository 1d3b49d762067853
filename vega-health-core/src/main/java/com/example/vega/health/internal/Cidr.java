package com.example.vega.health.internal;

import java.net.InetAddress;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** One IP network such as {@code 10.0.0.0/16}, parsed without any DNS lookup. */
public record Cidr(String text, byte[] network, byte[] mask) {

  /**
   * Parses {@code cidr}.
   *
   * @throws IllegalArgumentException quoting the value only where {@link Shown} would
   */
  public static Cidr parse(String cidr) {
    String trimmed = cidr.trim();
    String[] parts = trimmed.split("/", 2);
    try {
      InetAddress network = IpLiteral.parse(parts[0]);
      if (network == null) {
        throw new IllegalArgumentException(shown(trimmed) + " is not an IP network (like 10.0.0.0/16)");
      }
      byte[] addr = network.getAddress();
      int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : addr.length * 8;
      if (bits < 0 || bits > addr.length * 8) {
        throw new IllegalArgumentException(shown(trimmed) + " has a prefix length out of range");
      }
      byte[] mask = new byte[addr.length];
      for (int i = 0; i < bits; i++) {
        mask[i / 8] |= (byte) (0x80 >>> (i % 8));
      }
      return new Cidr(trimmed, addr, mask);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(shown(trimmed) + " is not an IP network (like 10.0.0.0/16)", e);
    }
  }

  /** Whether {@code address} is in this network. */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if ((a[i] & mask[i]) != (network[i] & mask[i])) {
        return false;
      }
    }
    return true;
  }

  /** Whether some address lies in both networks: one of them contains the other's first address. */
  /** Whether the two networks share an address. */
  public boolean overlaps(Cidr other) {
    if (network.length != other.network.length) {
      return false;
    }
    byte[] common = new byte[network.length];
    for (int i = 0; i < common.length; i++) {
      common[i] = (byte) (mask[i] & other.mask[i]);
    }
    for (int i = 0; i < common.length; i++) {
      if ((network[i] & common[i]) != (other.network[i] & common[i])) {
        return false;
      }
    }
    return true;
  }

  /** The value as messages quote it (it comes from a setting and goes to a log): see {@link Shown}. */
  private static String shown(String cidr) {
    return Shown.value(cidr);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Cidr c && Arrays.equals(network, c.network) && Arrays.equals(mask, c.mask);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + Arrays.hashCode(mask);
  }

  @Override
  public String toString() {
    return text;
  }
}

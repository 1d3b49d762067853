package com.example.vega.health.http;

import java.net.InetAddress;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A rule built by {@link DetailAccess}'s own factories: a pure, cheap function of the address and
 * headers, so the probe server may run it on its event loop. Package-private and final, so no rule
 * from outside can claim to be one; anything else runs on the server's detail pool.
 */
final class BuiltInAccess implements DetailAccess {
  private final DetailAccess rule;

  BuiltInAccess(DetailAccess rule) {
    this.rule = rule;
  }

  @Override
  public boolean allows(InetAddress remote, Function<String, @Nullable String> header) {
    return rule.allows(remote, header);
  }
}

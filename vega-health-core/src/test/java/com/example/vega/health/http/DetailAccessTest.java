package com.example.vega.health.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetailAccessTest {
  private static boolean allows(DetailAccess a, String ip, Map<String, String> headers) throws Exception {
    return a.allows(InetAddress.getByName(ip), headers::get);
  }

  @Test
  void networksMatchByPrefix() throws Exception {
    DetailAccess a = DetailAccess.fromNetworks("10.0.0.0/16", "::1/128");
    assertThat(allows(a, "10.0.255.1", Map.of())).isTrue();
    assertThat(allows(a, "10.1.0.1", Map.of())).isFalse();
    assertThat(allows(a, "::1", Map.of())).isTrue();
  }

  @Test
  void malformedNetworksAreRejectedByName() {
    assertThatThrownBy(() -> DetailAccess.fromNetworks("10.0.0.0/33")).hasMessageContaining("10.0.0.0/33");
    assertThatThrownBy(() -> DetailAccess.fromNetworks("example.com/8")).hasMessageContaining("example.com/8");
  }

  @Test
  void bearerTokenMustMatchExactly() throws Exception {
    DetailAccess a = DetailAccess.bearerToken("0123456789abcdef-token");
    assertThat(allows(a, "8.8.8.8", Map.of("Authorization", "Bearer 0123456789abcdef-token"))).isTrue();
    assertThat(allows(a, "8.8.8.8", Map.of("Authorization", "Bearer 0123456789abcdef-toke"))).isFalse();
    assertThat(allows(a, "8.8.8.8", Map.of())).isFalse();
    assertThatThrownBy(() -> DetailAccess.bearerToken("short")).hasMessageContaining("at least 16");
  }

  @Test
  void onlyTheRulesBuiltHereMayRunOnTheEventLoop() {
    DetailAccess own = (remote, header) -> true;
    assertThat(DetailAccess.loopback().or(DetailAccess.bearerToken("0123456789abcdef-token"))
        .or(DetailAccess.fromNetworks("10.0.0.0/8")).or(DetailAccess.never()).or(DetailAccess.always()))
        .isInstanceOf(BuiltInAccess.class);
    assertThat(own).isNotInstanceOf(BuiltInAccess.class);
    assertThat(DetailAccess.loopback().or(own)).isNotInstanceOf(BuiltInAccess.class);
    assertThat(own.or(DetailAccess.loopback())).isNotInstanceOf(BuiltInAccess.class);
  }

  @Test
  void aNetworkNeverMatchesARequestAProxyForwardedItsAddressIsTheProxys() throws Exception {
    DetailAccess vpc = DetailAccess.fromNetworks("10.0.0.0/16");
    assertThat(allows(vpc, "10.0.0.5", Map.of())).isTrue();
    assertThat(allows(vpc, "10.0.0.5", Map.of("X-Forwarded-For", "203.0.113.9"))).isFalse();
    assertThat(allows(vpc, "10.0.0.5", Map.of("Forwarded", "for=203.0.113.9"))).isFalse();
    assertThat(allows(DetailAccess.loopback(), "127.0.0.1", Map.of("X-Forwarded-For", "203.0.113.9"))).isFalse();
    assertThat(allows(DetailAccess.loopback(), "127.0.0.1", Map.of())).isTrue();
  }

  @Test
  void behindTrustedProxiesTheCallerTheirForwardedForNamesIsJudged() throws Exception {
    // The VPC is listed for detail and contains the ALB's subnet: only callers inside it may see detail.
    DetailAccess a = DetailAccess.fromNetworks("10.0.0.0/16").behind(TrustedProxies.of("10.0.0.0/24"));
    assertThat(allows(a, "10.0.0.5", Map.of("X-Forwarded-For", "10.0.8.8"))).isTrue();
    assertThat(allows(a, "10.0.0.5", Map.of("X-Forwarded-For", "203.0.113.9"))).isFalse();
    assertThat(allows(a, "10.0.0.5", Map.of("X-Forwarded-For", "10.0.8.8, 203.0.113.9"))).isFalse();
    // The ALB's own request, or one it sent without the header: the caller is unknown.
    assertThat(allows(a, "10.0.0.5", Map.of())).isFalse();
    // A caller outside the proxies is judged directly, and its own X-Forwarded-For opens nothing.
    assertThat(allows(a, "10.0.8.8", Map.of())).isTrue();
    assertThat(allows(a, "203.0.113.9", Map.of("X-Forwarded-For", "10.0.8.8"))).isFalse();
    assertThat(a).isInstanceOf(BuiltInAccess.class);
  }

  @Test
  void garbageForwardedForFromATrustedProxyOpensNoNetworkButATokenStillWorks() throws Exception {
    DetailAccess a = DetailAccess.fromNetworks("10.0.0.0/16").or(DetailAccess.bearerToken("0123456789abcdef-token"))
        .behind(TrustedProxies.of("10.0.0.0/24"));
    for (String xff : new String[] {"", "garbage", "10.0.8.8:80", "10.0.8.8, ", "10.0.8.8;rm", "1.1.1.1,".repeat(40)}) {
      assertThat(allows(a, "10.0.0.5", Map.of("X-Forwarded-For", xff))).as(xff).isFalse();
      assertThat(allows(a, "10.0.0.5", Map.of("X-Forwarded-For", xff,
          "Authorization", "Bearer 0123456789abcdef-token"))).as(xff).isTrue();
    }
  }
}

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
    assertThatThrownBy(() -> DetailAccess.bearerToken("short")).hasMessageContaining("16 characters");
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
}

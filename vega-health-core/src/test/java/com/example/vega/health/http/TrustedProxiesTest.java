package com.example.vega.health.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private static final TrustedProxies ALB = TrustedProxies.of("10.0.0.0/24", "10.0.1.0/24");

  private static TrustedProxies.Client client(String peer, String xff, String proto) throws Exception {
    Map<String, String> h = new HashMap<>();
    if (xff != null) {
      h.put("X-Forwarded-For", xff);
    }
    if (proto != null) {
      h.put("X-Forwarded-Proto", proto);
    }
    return ALB.client(InetAddress.getByName(peer), h::get, "http");
  }

  private static String address(TrustedProxies.Client c) {
    return c.address() == null ? null : c.address().getHostAddress();
  }

  @Test
  void theRightmostHopOutsideTheProxiesIsTheClientAndWhatTheClientWroteIsIgnored() throws Exception {
    TrustedProxies.Client c = client("10.0.0.5", "10.0.9.9, 198.51.100.7, 203.0.113.9, 10.0.1.4", "https");
    assertThat(address(c)).isEqualTo("203.0.113.9");
    assertThat(c.scheme()).isEqualTo("https");
    assertThat(c.forwarded()).isTrue();
  }

  @Test
  void aPeerOutsideTheProxiesIsTheClientWhateverItsHeadersSay() throws Exception {
    TrustedProxies.Client c = client("203.0.113.50", "10.0.9.9", "https");
    assertThat(address(c)).isEqualTo("203.0.113.50");
    assertThat(c.scheme()).isEqualTo("http");
    assertThat(c.forwarded()).isFalse();
  }

  @Test
  void aProxysOwnRequestWithoutForwardedForIsThePeer() throws Exception {
    TrustedProxies.Client c = client("10.0.0.5", null, null);
    assertThat(address(c)).isEqualTo("10.0.0.5");
    assertThat(c.forwarded()).isFalse();
  }

  @Test
  void whenEveryHopIsAProxyTheLeftmostStartedTheRequest() throws Exception {
    assertThat(address(client("10.0.0.5", "10.0.1.7, 10.0.0.8", null))).isEqualTo("10.0.1.7");
  }

  @Test
  void ipv6HopsAreRead() throws Exception {
    assertThat(address(client("10.0.0.5", "2001:db8::7", null))).isEqualTo("2001:db8:0:0:0:0:0:7");
    assertThat(address(client("10.0.0.5", "[2001:db8::7]", null))).isEqualTo("2001:db8:0:0:0:0:0:7");
  }

  @Test
  void garbageForwardedForLeavesTheClientUnknownAndTheSchemeDirect() throws Exception {
    String[] garbage = {"", " , ", "not-an-ip", "203.0.113.9, evil.example", "203.0.113.9:4711",
        "unknown", "203.0.113.9\u0000", "999.1.1.1", "1.2.3.4.5", "::::::::::::::::1",
        "1.1.1.1,".repeat(20), "203.0.113.9 ".repeat(200), "cafe.babe", "localhost", "%31.2.3.4"};
    for (String xff : garbage) {
      TrustedProxies.Client c = client("10.0.0.5", xff, "https");
      assertThat(c.address()).as(xff).isNull();
      assertThat(c.scheme()).as(xff).isEqualTo("http");
      assertThat(c.forwarded()).as(xff).isTrue();
    }
  }

  @Test
  void onlyHttpOrHttpsIsTakenFromForwardedProto() throws Exception {
    assertThat(client("10.0.0.5", "203.0.113.9", "HTTPS").scheme()).isEqualTo("https");
    for (String proto : new String[] {"javascript", "https, http", "", "ftp", "h\u0000ttps"}) {
      assertThat(client("10.0.0.5", "203.0.113.9", proto).scheme()).as(proto).isEqualTo("http");
    }
  }

  @Test
  void aHeaderLookupThatThrowsIsAHeaderWeDoNotHave() throws Exception {
    TrustedProxies.Client c = ALB.client(InetAddress.getByName("10.0.0.5"), name -> {
      throw new IllegalStateException("broken");
    }, "http");
    assertThat(address(c)).isEqualTo("10.0.0.5");
    assertThat(c.forwarded()).isFalse();
  }

  @Test
  void nobodyIsTrustedByDefaultAndMalformedNetworksAreNamed() throws Exception {
    TrustedProxies.Client c = TrustedProxies.none()
        .client(InetAddress.getByName("10.0.0.5"), Map.of("X-Forwarded-For", "203.0.113.9")::get, "http");
    assertThat(address(c)).isEqualTo("10.0.0.5");
    assertThatThrownBy(() -> TrustedProxies.of("10.0.0.0/24", "alb.internal/24")).hasMessageContaining("alb.internal/24");
    assertThatThrownBy(() -> TrustedProxies.of("10.0.0.0/40")).hasMessageContaining("10.0.0.0/40");
  }
}

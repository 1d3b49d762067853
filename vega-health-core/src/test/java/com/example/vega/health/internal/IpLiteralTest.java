package com.example.vega.health.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {
  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "10.0.0.0", "255.255.255.255", "::1", "::", "fe80::1",
      "2001:db8::8a2e:370:7334", "[::1]", "::ffff:10.0.0.1"})
  void literalsParse(String s) {
    assertThat(IpLiteral.parse(s)).isNotNull();
  }

  /** Each of these would be a DNS lookup through InetAddress.getByName. */
  @ParameterizedTest
  @ValueSource(strings = {"localhost", "cafe", "cafe.babe", "dead.beef.cafe.babe", "1.2.3", "256.1.1.1",
      "1.2.3.4.5", "01.2.3.4x", "", " ", "a:b:c:d:e:f:g:h:i", ":::::", "1.2.3.4 "})
  void anythingElseIsRejectedWithoutALookup(String s) {
    assertThat(IpLiteral.parse(s)).isNull();
  }

  @Test
  void nullAndOversizedAreRejected() {
    assertThat(IpLiteral.parse(null)).isNull();
    assertThat(IpLiteral.parse("1:".repeat(40))).isNull();
  }

  @Test
  void theParsedAddressIsTheLiteral() {
    assertThat(IpLiteral.parse("10.1.2.3").getHostAddress()).isEqualTo("10.1.2.3");
    assertThat(IpLiteral.parse("127.0.0.1").isLoopbackAddress()).isTrue();
  }
}

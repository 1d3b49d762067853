package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.context.Context;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScanContextTest {
  @ParameterizedTest
  @CsvSource({
    "token, hunter2", "proxy_token, hunter2", "PASSWORD, hunter2", "db.passwd, hunter2",
    "clientSecret, hunter2", "Authorization, hunter2", "api_key, hunter2", "x-api-key, hunter2",
    "aws_credentials, hunter2", "cookie, hunter2",
    "note, Bearer abc.def", "note, eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"
  })
  void credentialsAreRefusedAsBaggage(String key, String value) {
    assertThatThrownBy(() -> ScanContext.withBaggage(Context.root(), key, value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("credential")
        .hasMessageNotContaining(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "a b", "<script>", "x\n", "é"})
  void malformedScanIdsAreRefused(String id) {
    assertThatThrownBy(() -> ScanContext.withScanId(Context.root(), id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scan id");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0f8fad5b-d9cb-469f-a165-70867728950e", "01HZY3", "scan:42", "a.b_c"})
  void wellFormedScanIdsTravelAsBaggage(String id) {
    assertThat(ScanContext.scanId(ScanContext.withScanId(Context.root(), id))).contains(id);
  }

  @org.junit.jupiter.api.Test
  void scanIdLongerThan128CharactersIsRefused() {
    assertThat(ScanContext.isValidScanId("a".repeat(128))).isTrue();
    assertThat(ScanContext.isValidScanId("a".repeat(129))).isFalse();
  }
}

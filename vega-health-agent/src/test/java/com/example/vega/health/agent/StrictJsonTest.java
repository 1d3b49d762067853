package com.example.vega.health.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class StrictJsonTest {

  @Test
  void readsHealthJson() throws Exception {
    Map<String, Object> m = StrictJson.parseObject(
        "{\"status\":\"warn\",\"checks\":{\"sqs:visible\":[{\"observedValue\":12,\"ok\":true,\"x\":null,"
            + "\"s\":\"a\\u00e9\\n\"}]}}");
    assertThat(m).containsEntry("status", "warn");
    @SuppressWarnings("unchecked")
    Map<String, Object> c = (Map<String, Object>) ((List<?>) ((Map<?, ?>) m.get("checks")).get("sqs:visible")).get(0);
    assertThat(c).containsEntry("observedValue", 12.0).containsEntry("ok", true)
        .containsEntry("x", StrictJson.NULL).containsEntry("s", "a\u00e9\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", "-", "tru", "nul",
      "\"\\x\"", "\"\\u12\"", "\"a\nb\"", "{} {}", "<html>502 Bad Gateway</html>", "NaN", "1e", "\"unterminated"})
  void rejectsMalformedInputWithoutOtherExceptions(String text) {
    assertThatThrownBy(() -> StrictJson.parse(text)).isInstanceOf(StrictJson.Malformed.class);
  }

  @Test
  void boundsDepthSizeAndMembers() {
    assertThatThrownBy(() -> StrictJson.parse("[".repeat(100_000))).isInstanceOf(StrictJson.Malformed.class)
        .hasMessageContaining("nested deeper");
    assertThatThrownBy(() -> StrictJson.parse("\"" + "a".repeat(StrictJson.MAX_CHARS) + "\""))
        .isInstanceOf(StrictJson.Malformed.class).hasMessageContaining("larger than");
    assertThatThrownBy(() -> StrictJson.parse("[" + "1,".repeat(20_000) + "1]"))
        .isInstanceOf(StrictJson.Malformed.class).hasMessageContaining("more than");
  }

  @Test
  void requiresAnObjectAtTheTop() {
    assertThatThrownBy(() -> StrictJson.parseObject("[1]")).isInstanceOf(StrictJson.Malformed.class)
        .hasMessage("expected a JSON object");
  }
}

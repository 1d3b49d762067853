package com.example.vega.health.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonBodyTest {

  @Test
  void readsHealthJson() throws Exception {
    Map<String, Object> m = JsonBody.parseObject(
        "{\"status\":\"warn\",\"checks\":{\"sqs:visible\":[{\"observedValue\":12,\"ok\":true,\"x\":null,"
            + "\"s\":\"a\\u00e9\\n\"}]}}");
    assertThat(m).containsEntry("status", "warn");
    @SuppressWarnings("unchecked")
    Map<String, Object> c = (Map<String, Object>) ((List<?>) ((Map<?, ?>) m.get("checks")).get("sqs:visible")).get(0);
    assertThat(c).containsEntry("observedValue", 12.0).containsEntry("ok", true)
        .containsEntry("x", JsonBody.NULL).containsEntry("s", "a\u00e9\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", "-", "tru", "nul",
      "\"\\x\"", "\"\\u12\"", "\"a\nb\"", "{} {}", "<html>502 Bad Gateway</html>", "NaN", "1e", "\"unterminated"})
  void rejectsMalformedInputWithoutOtherExceptions(String text) {
    assertThatThrownBy(() -> JsonBody.parse(text)).isInstanceOf(JsonBody.Malformed.class);
  }

  @Test
  void boundsDepthSizeAndMembers() {
    assertThatThrownBy(() -> JsonBody.parse("[".repeat(100_000))).isInstanceOf(JsonBody.Malformed.class)
        .hasMessageContaining("nested deeper");
    assertThatThrownBy(() -> JsonBody.parse("\"" + "a".repeat(JsonBody.MAX_CHARS) + "\""))
        .isInstanceOf(JsonBody.Malformed.class).hasMessageContaining("larger than");
    assertThatThrownBy(() -> JsonBody.parse("[" + "1,".repeat(20_000) + "1]"))
        .isInstanceOf(JsonBody.Malformed.class).hasMessageContaining("more than");
  }

  @Test
  void requiresAnObjectAtTheTop() {
    assertThatThrownBy(() -> JsonBody.parseObject("[1]")).isInstanceOf(JsonBody.Malformed.class)
        .hasMessage("expected a JSON object");
  }
}

package com.example.vega.health.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

class JsonTest {
  private static final ObjectMapper JACKSON = new ObjectMapper();
  private static final char[] ALPHABET = {
    'a', 'Z', '0', ' ', '/', '"', '\\', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', '\u0080',
    '\u00e9', '\u2028', '\u2029', '\u4e2d', '\ud83d', '\ude00', '\ud800', '\udfff', '\ufffd', '<'
  };

  /** What a reader must get back: the text with every lone surrogate replaced by U+FFFD. */
  private static String expected(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append('\ufffd');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  @Test
  void everyStringRoundTripsThroughAStrictParser() {
    long seed = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    for (int n = 0; n < 5_000; n++) {
      StringBuilder b = new StringBuilder();
      int len = random.nextInt(40);
      for (int i = 0; i < len; i++) {
        b.append(random.nextInt(3) == 0 ? ALPHABET[random.nextInt(ALPHABET.length)] : (char) ('a' + random.nextInt(26)));
      }
      String s = b.toString();
      String json = new Json(64).beginObject().name(s, ':', s).value(s, Integer.MAX_VALUE).endObject().toString();

      var node = JACKSON.readTree(json);
      String e = expected(s);
      assertThat(node.get(e + ":" + e).asString()).as("seed %d, input %s", seed, escapeForMessage(s)).isEqualTo(e);
      // Nothing a browser or a log viewer could take as a line break or a control character.
      assertThat(json.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029))
          .as("seed %d: raw control or separator in %s", seed, escapeForMessage(json)).isTrue();
    }
  }

  @Test
  void longStringsAreCutAndSaySo() {
    String json = new Json(64).value("abcdefghij\"", 4).toString();
    assertThat(JACKSON.readTree(json).asString()).isEqualTo("abcd...(7 more chars)");
  }

  @Test
  void aSurrogatePairCutInHalfBecomesAReplacementCharacter() {
    String json = new Json(64).value("ab\ud83d\ude00", 3).toString();
    assertThat(JACKSON.readTree(json).asString()).isEqualTo("ab\ufffd...(1 more chars)");
  }

  @Test
  void fragmentsJoinWithCommas() {
    String inner = new Json(16).field("a", 1).toString();
    String json = new Json(64).beginObject().raw("").raw(inner).raw(inner.replace('a', 'b')).field("c", 3).endObject()
        .toString();
    assertThat(json).isEqualTo("{\"a\":1,\"b\":1,\"c\":3}");
  }

  private static String escapeForMessage(String s) {
    StringBuilder b = new StringBuilder();
    s.chars().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c)));
    return b.toString();
  }
}

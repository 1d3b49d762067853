package com.example.vega.health.agent.doctor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.core.StreamReadConstraints;
import software.amazon.awssdk.thirdparty.jackson.core.StreamReadFeature;
import software.amazon.awssdk.thirdparty.jackson.core.exc.StreamConstraintsException;

/**
 * What servers send the doctor (health+json, event lines, a bundle's manifest), read with the
 * jackson-core the AWS SDK already carries (relocated by the SDK, then by the agent's shading) and
 * bounded by its {@link StreamReadConstraints}. Objects become {@code Map<String, Object>}, arrays
 * {@code List<Object>}, numbers {@code Double}, plus {@code String}, {@code Boolean} and
 * {@link #NULL}. Anything malformed, too long, too deep or too big throws {@link Malformed} with a
 * short reason, and nothing else: hostile input cannot crash the CLI.
 */
final class JsonBody {
  /** JSON null (maps do not hold Java null). */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  static final int MAX_CHARS = 1 << 20;
  static final int MAX_DEPTH = 32;
  static final int MAX_TOKENS = 20_000;
  static final int MAX_STRING = 64 * 1024;

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxDocumentLength(MAX_CHARS)
          .maxNestingDepth(MAX_DEPTH)
          .maxTokenCount(MAX_TOKENS)
          .maxStringLength(MAX_STRING)
          .maxNameLength(1024)
          .maxNumberLength(64)
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** Thrown for any input that is not small, well-formed JSON. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }

    @Override
    public String getMessage() {
      return Objects.requireNonNull(super.getMessage()); // always given, see the constructor
    }
  }

  private JsonBody() {}

  static Object parse(String text) throws Malformed {
    if (text == null || text.isBlank()) {
      throw new Malformed("no body");
    }
    if (text.length() > MAX_CHARS) {
      throw new Malformed("body larger than " + MAX_CHARS + " characters");
    }
    try (JsonParser p = JSON.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new Malformed("no JSON value");
      }
      Object v = value(p, first);
      if (p.nextToken() != null) {
        throw new Malformed("unexpected text after the JSON value at character " + p.currentLocation().getCharOffset());
      }
      return v;
    } catch (StreamConstraintsException e) {
      throw new Malformed(limit(e));
    } catch (IOException | RuntimeException e) {
      throw new Malformed(reason(e));
    } catch (StackOverflowError e) {
      throw new Malformed("nested too deep");
    }
  }

  /** Parses and requires a top-level object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parseObject(String text) throws Malformed {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new Malformed("expected a JSON object");
    }
    return (Map<String, Object>) v;
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException, Malformed {
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          String name = p.currentName();
          m.put(name, value(p, p.nextToken()));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          l.add(value(p, e));
        }
        return l;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return p.getDoubleValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return NULL;
      }
      default -> throw new Malformed("unexpected " + t);
    }
  }

  /** Which limit was hit, in the doctor's words. */
  private static String limit(StreamConstraintsException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("nesting depth")) {
      return "nested deeper than " + MAX_DEPTH;
    }
    if (m.contains("Token count")) {
      return "more than " + MAX_TOKENS + " values";
    }
    if (m.contains("String value length") || m.contains("Name length")) {
      return "a string longer than " + MAX_STRING + " characters";
    }
    if (m.contains("Document length")) {
      return "body larger than " + MAX_CHARS + " characters";
    }
    return "over the reader's limits";
  }

  private static String reason(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    String first = nl < 0 ? m : m.substring(0, nl);
    return first.length() > 120 ? first.substring(0, 120) + "…" : first;
  }
}

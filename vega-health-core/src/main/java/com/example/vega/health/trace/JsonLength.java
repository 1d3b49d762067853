package com.example.vega.health.trace;

import java.util.Collection;
import java.util.Map;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

/**
 * The length in characters of an AWS SDK model object as the JSON the SDK sends, without building
 * the string. ECS limits RunTask overrides by this length (8192, JSON punctuation included), so
 * the ECS carrier measures before adding context rather than learning from a failed launch.
 */
final class JsonLength {
  private JsonLength() {}

  static int of(Object value) {
    if (value instanceof SdkPojo) {
      return object((SdkPojo) value);
    }
    if (value instanceof CharSequence) {
      return string(value.toString());
    }
    if (value instanceof Collection) {
      Collection<?> c = (Collection<?>) value;
      int n = 2 + Math.max(0, c.size() - 1);
      for (Object o : c) {
        n += o == null ? 4 : of(o);
      }
      return n;
    }
    if (value instanceof Map) {
      Map<?, ?> m = (Map<?, ?>) value;
      int n = 2 + Math.max(0, m.size() - 1);
      for (Map.Entry<?, ?> e : m.entrySet()) {
        n += string(String.valueOf(e.getKey())) + 1 + (e.getValue() == null ? 4 : of(e.getValue()));
      }
      return n;
    }
    return String.valueOf(value).length();
  }

  private static int object(SdkPojo pojo) {
    int n = 2;
    int members = 0;
    for (SdkField<?> field : pojo.sdkFields()) {
      Object v = field.getValueOrDefault(pojo);
      if (v == null || v instanceof SdkAutoConstructList || v instanceof SdkAutoConstructMap) {
        continue; // the SDK leaves unset members out of the request
      }
      n += string(field.locationName()) + 1 + of(v);
      members++;
    }
    return n + Math.max(0, members - 1);
  }

  private static int string(String s) {
    int n = 2;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
        n += 2;
      } else if (c < 0x20) {
        n += 6;
      } else {
        n += 1;
      }
    }
    return n;
  }
}

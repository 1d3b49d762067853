package com.example.vega.health.checks;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The shape of the scan-scoped proxy token, read without verifying it (the proxy does): three
 * base64url parts with JSON header and payload, and the payload's numeric {@code exp}.
 */
final class ProxyJwt {
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern EXP = Pattern.compile("\"exp\"\\s*:\\s*(\\d{1,12})(\\.\\d+)?\\s*[,}]");

  private ProxyJwt() {}

  /** Why the token is not three base64url parts with a JSON payload, or null when it is. */
  static @Nullable String malformation(String t) {
    String[] parts = t.split("\\.", -1);
    if (parts.length != 3) {
      return "expected 3 dot-separated parts, found " + parts.length;
    }
    for (int i = 0; i < 2; i++) {
      if (!PART.matcher(parts[i]).matches()) {
        return (i == 0 ? "header" : "payload") + " is not base64url";
      }
      try {
        String json = new String(Base64.getUrlDecoder().decode(parts[i]), StandardCharsets.UTF_8).trim();
        if (!json.startsWith("{") || !json.endsWith("}")) {
          return (i == 0 ? "header" : "payload") + " is not a JSON object";
        }
      } catch (IllegalArgumentException e) {
        return (i == 0 ? "header" : "payload") + " is not base64url";
      }
    }
    if (!parts[2].isEmpty() && !PART.matcher(parts[2]).matches()) {
      return "signature is not base64url";
    }
    return null;
  }

  /** The payload's {@code exp} in epoch seconds, or null; only for a token {@link #malformation} accepts. */
  static @Nullable Long expiry(String t) {
    String payload = new String(Base64.getUrlDecoder().decode(t.split("\\.")[1]), StandardCharsets.UTF_8);
    Matcher m = EXP.matcher(payload);
    return m.find() ? Long.valueOf(m.group(1)) : null;
  }
}

package com.example.vega.examples.common;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The scan-scoped LLM-proxy token: a JWT (HS256) the worker mints for one runner task, with the
 * scan id and an expiry, that the proxy verifies with the shared signing key.
 */
public final class ScanToken {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Pattern SCAN = Pattern.compile("\"scan\":\"([a-z0-9-]{1,64})\"");
  private static final Pattern EXP = Pattern.compile("\"exp\":(\\d{1,12})");

  private ScanToken() {}

  public static String mint(String scanId, Instant expires, byte[] key) {
    String header = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String claims = B64.encodeToString(("{\"scan\":\"" + scanId + "\",\"exp\":" + expires.getEpochSecond() + "}")
        .getBytes(StandardCharsets.UTF_8));
    return header + "." + claims + "." + B64.encodeToString(sign(header + "." + claims, key));
  }

  /** The scan id when the token is well formed, correctly signed and not expired; else null. */
  public static @Nullable String verify(@Nullable String token, Instant now, byte[] key) {
    if (token == null) {
      return null;
    }
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return null;
    }
    byte[] expected = sign(parts[0] + "." + parts[1], key);
    byte[] actual;
    String claims;
    try {
      actual = Base64.getUrlDecoder().decode(parts[2]);
      claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!MessageDigest.isEqual(expected, actual)) {
      return null;
    }
    Matcher scan = SCAN.matcher(claims);
    Matcher exp = EXP.matcher(claims);
    if (!scan.find() || !exp.find() || Long.parseLong(exp.group(1)) <= now.getEpochSecond()) {
      return null;
    }
    return scan.group(1);
  }

  private static byte[] sign(String data, byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

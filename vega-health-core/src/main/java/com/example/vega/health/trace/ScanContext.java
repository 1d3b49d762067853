package com.example.vega.health.trace;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The scan id as baggage: set once where a scan starts, read anywhere downstream, and copied onto
 * every span by {@link ScanIdSpanProcessor}.
 *
 * <p>Baggage crosses every hop in clear text and ends up in other services' logs, so keys that
 * look like credentials are refused here and stripped at every carrier.
 */
public final class ScanContext {
  /** Baggage key and span attribute name of the scan id. */
  public static final String SCAN_ID = "vega.scan.id";
  /** The span attribute carrying the scan id. */
  public static final AttributeKey<String> SCAN_ID_ATTRIBUTE = AttributeKey.stringKey(SCAN_ID);

  static final int MAX_SCAN_ID_LENGTH = 128;
  private static final String[] SENSITIVE_KEY_PARTS = {
    "token", "password", "passwd", "secret", "authorization", "auth", "apikey", "api_key",
    "api-key", "credential", "cookie", "session", "private", "signature", "bearer"
  };

  private ScanContext() {}

  /** {@code parent} with {@code scanId} added to its baggage. */
  public static Context withScanId(Context parent, String scanId) {
    if (!isValidScanId(scanId)) {
      throw new IllegalArgumentException(
          "scan id must be 1-" + MAX_SCAN_ID_LENGTH + " characters of [A-Za-z0-9._:-], got "
              + (scanId == null ? "null" : scanId.length() + " characters"));
    }
    return Baggage.fromContext(parent).toBuilder().put(SCAN_ID, scanId).build().storeInContext(parent);
  }

  /**
   * {@code parent} with one more baggage entry. Refuses keys or values that look like
   * credentials: a token in baggage would travel to every downstream service and its logs.
   */
  public static Context withBaggage(Context parent, String key, String value) {
    if (isSensitive(key, value)) {
      throw new IllegalArgumentException(
          "baggage key '" + key + "' (or its value) looks like a credential; credentials never go into baggage");
    }
    if (SCAN_ID.equals(key)) {
      return withScanId(parent, value);
    }
    return Baggage.fromContext(parent).toBuilder().put(key, value).build().storeInContext(parent);
  }

  /** The scan id in {@code context}'s baggage, if any. */
  public static Optional<String> scanId(Context context) {
    String id = Baggage.fromContext(context).getEntryValue(SCAN_ID);
    return id != null && isValidScanId(id) ? Optional.of(id) : Optional.empty();
  }

  /** True for 1-128 characters of {@code [A-Za-z0-9._:-]} (UUIDs, ULIDs, numeric ids). */
  public static boolean isValidScanId(@Nullable String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_SCAN_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == ':' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Keys like token/password/secret, and values that look like bearer tokens or JWTs. */
  static boolean isSensitive(@Nullable String key, @Nullable String value) {
    if (key != null) {
      String k = key.toLowerCase(Locale.ROOT);
      for (String part : SENSITIVE_KEY_PARTS) {
        if (k.contains(part)) {
          return true;
        }
      }
    }
    if (value != null) {
      String v = value.trim();
      if (v.regionMatches(true, 0, "bearer ", 0, 7) || v.regionMatches(true, 0, "basic ", 0, 6)) {
        return true;
      }
      // A JWT: three base64url segments, the first starting with {" encoded.
      if (v.startsWith("eyJ") && v.indexOf('.') > 0 && v.indexOf('.', v.indexOf('.') + 1) > 0) {
        return true;
      }
    }
    return false;
  }
}

package com.example.vega.examples.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/auth/me}: the runbook's raw login test. The caller's claims when its Cognito
 * access token is valid (see {@link CognitoAccessTokens}); 401 {@code invalid_token} otherwise.
 * The token itself is never echoed, logged or put on a span.
 */
@RestController
class AuthController {
  private static final System.Logger LOG = System.getLogger(AuthController.class.getName());
  private final @Nullable CognitoAccessTokens tokens;

  AuthController(ApiApplication.Auth auth) {
    this.tokens = auth.tokens();
  }

  @GetMapping("/v1/auth/me")
  ResponseEntity<Map<String, Object>> me(@RequestHeader(name = "Authorization", required = false) @Nullable String authorization) {
    if (tokens == null) {
      return invalid("this API validates no tokens: VEGA_AUTH_PROVIDER is not cognito");
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return invalid("no bearer token in the Authorization header");
    }
    try {
      var claims = tokens.validate(authorization.substring(7).trim());
      Map<String, Object> me = new LinkedHashMap<>();
      me.put("sub", claims.getSubject());
      me.put("username", claims.getClaim("username"));
      me.put("client_id", claims.getClaim("client_id"));
      me.put("scope", claims.getClaim("scope"));
      me.put("token_use", claims.getClaim("token_use"));
      me.put("exp", claims.getExpirationTime().toInstant().getEpochSecond());
      me.values().removeIf(java.util.Objects::isNull);
      return ResponseEntity.ok(me);
    } catch (Exception e) {
      // nimbus's messages name the failed claim or key, never the token.
      LOG.log(System.Logger.Level.INFO, "GET /v1/auth/me rejected a token: " + e.getMessage());
      return invalid(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
  }

  private static ResponseEntity<Map<String, Object>> invalid(String why) {
    return ResponseEntity.status(401).header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
        .body(Map.of("error", "invalid_token", "error_description", why));
  }
}

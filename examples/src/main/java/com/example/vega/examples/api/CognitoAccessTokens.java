package com.example.vega.examples.api;

import com.example.vega.examples.common.Env;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How vega-api validates a Cognito access token (nimbus-jose-jwt, the library Spring Security's
 * resource server uses): RS256 signed by a key of the pool's JWKS, issued by
 * {@code https://cognito-idp.<VEGA_COGNITO_REGION>.amazonaws.com/<VEGA_COGNITO_USER_POOL_ID>},
 * {@code token_use} access, {@code client_id} {@code VEGA_COGNITO_APP_CLIENT_ID}, not expired.
 * The JWKS is fetched from Cognito, or from the SDK's own {@code AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER}
 * (an emulator) when set, and cached.
 */
final class CognitoAccessTokens {
  private final DefaultJWTProcessor<SecurityContext> processor;

  private CognitoAccessTokens(DefaultJWTProcessor<SecurityContext> processor) {
    this.processor = processor;
  }

  /** The validator of this API's pool, or null when {@code VEGA_AUTH_PROVIDER} is not cognito. */
  static @Nullable CognitoAccessTokens fromSettings(Env env) {
    if (!"cognito".equals(env.get("VEGA_AUTH_PROVIDER", "local"))) {
      return null;
    }
    String region = env.require("VEGA_COGNITO_REGION");
    String pool = env.require("VEGA_COGNITO_USER_POOL_ID");
    String issuer = "https://cognito-idp." + region + ".amazonaws.com/" + pool;
    String emulator = env.get("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER");
    if (emulator == null) {
      emulator = env.get("AWS_ENDPOINT_URL");
    }
    String base = emulator == null ? issuer : emulator.replaceAll("/+$", "") + "/" + pool;
    JWKSource<SecurityContext> keys;
    try {
      keys = JWKSourceBuilder.create(URI.create(base + "/.well-known/jwks.json").toURL()).retrying(true).build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the JWKS URL of " + issuer + " is malformed: check VEGA_COGNITO_REGION,"
          + " VEGA_COGNITO_USER_POOL_ID and AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER");
    }
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
    p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(new JWTClaimsSet.Builder().issuer(issuer)
        .claim("token_use", "access").claim("client_id", env.require("VEGA_COGNITO_APP_CLIENT_ID")).build(),
        Set.of("sub", "exp")));
    return new CognitoAccessTokens(p);
  }

  /** The token's claims when it is valid; throws (without the token in the message) otherwise. */
  JWTClaimsSet validate(String token) throws Exception {
    return processor.process(token, null);
  }
}

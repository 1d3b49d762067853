package com.example.vega.health.spring;

import com.example.vega.health.Setting;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.TrustedProxies;
import java.util.List;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/** Builds the {@link DetailAccess} of {@code vega.health.detail.*}, naming the key on a bad value. */
final class DetailAccessFactory {
  private DetailAccessFactory() {}

  static DetailAccess from(VegaHealthProperties.Detail p) {
    DetailAccess access = p.isLoopback() ? DetailAccess.loopback() : DetailAccess.never();
    for (int i = 0; i < p.getNetworks().size(); i++) {
      String cidr = p.getNetworks().get(i);
      try {
        access = access.or(DetailAccess.fromNetworks(cidr));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationPropertyValueException(
            "vega.health.detail.networks[" + i + "]", cidr, e.getMessage());
      }
    }
    String token = p.getToken();
    if (token != null && !token.isBlank()) {
      try {
        access = access.or(DetailAccess.bearerToken(token.trim()));
      } catch (IllegalArgumentException e) {
        // Never echo the token itself.
        throw new InvalidConfigurationPropertyValueException(
            "vega.health.detail.token", "(" + token.length() + " characters, not shown)", e.getMessage());
      }
    }
    return access;
  }

  /** The property's networks, else the variable's; each malformed one named by where it came from. */
  static TrustedProxies trustedProxies(List<String> property, VegaSettings settings) {
    if (!property.isEmpty()) {
      for (int i = 0; i < property.size(); i++) {
        try {
          TrustedProxies.of(property.get(i));
        } catch (IllegalArgumentException e) {
          throw new InvalidConfigurationPropertyValueException(
              "vega.health.trusted-proxies[" + i + "]", property.get(i), e.getMessage());
        }
      }
      return TrustedProxies.of(property);
    }
    String variable = Setting.HEALTH_TRUSTED_PROXIES.raw(settings);
    if (variable == null) {
      return TrustedProxies.none();
    }
    try {
      return TrustedProxies.of(variable.split(","));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationPropertyValueException(
          Setting.HEALTH_TRUSTED_PROXIES.key(), Setting.HEALTH_TRUSTED_PROXIES.shown(variable), e.getMessage());
    }
  }
}

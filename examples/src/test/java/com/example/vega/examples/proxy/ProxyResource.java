package com.example.vega.examples.proxy;

import com.example.vega.examples.common.Env;
import io.opentelemetry.sdk.OpenTelemetrySdk;

/** The proxy's OpenTelemetry bean, for ServiceResourceTest in the api package. */
public final class ProxyResource {
  private ProxyResource() {}

  public static OpenTelemetrySdk openTelemetry(Env env) {
    return new ProxyApplication().openTelemetry(env);
  }
}

package com.example.vega.health.agent;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;

/**
 * An ECS container health check without curl in the image:
 * {@code java -cp /opt/vega-health-agent.jar com.example.vega.health.agent.Probe
 * http://127.0.0.1:8081/v1/healthz/live}. Exit 0 on a 2xx answer, 1 otherwise; one line on
 * stderr says why. Loads nothing but the JDK, so it starts in tens of milliseconds.
 */
public final class Probe {
  static final String DEFAULT_URL = "http://127.0.0.1:8081/v1/healthz/live";

  private Probe() {}

  public static void main(String[] args) {
    System.exit(run(args.length > 0 ? args[0] : DEFAULT_URL, args.length > 1 ? args[1] : "2000"));
  }

  static int run(String target, String timeoutMs) {
    try {
      int timeout = Integer.parseInt(timeoutMs);
      URL url = URI.create(target).toURL();
      if (!"http".equals(url.getProtocol()) && !"https".equals(url.getProtocol())) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      HttpURLConnection c = (HttpURLConnection) url.openConnection();
      c.setConnectTimeout(timeout);
      c.setReadTimeout(timeout);
      c.setInstanceFollowRedirects(false);
      int code = c.getResponseCode();
      InputStream body = code >= 400 ? c.getErrorStream() : c.getInputStream();
      if (body != null) {
        body.close();
      }
      if (code >= 200 && code < 300) {
        return 0;
      }
      System.err.println("vega probe: " + target + " answered " + code);
      return 1;
    } catch (IOException | RuntimeException e) {
      System.err.println("vega probe: " + target + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + Text.oneLine(e.getMessage())));
      return 1;
    }
  }
}

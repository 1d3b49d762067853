package com.example.vega.health.agent.doctor;

import static com.example.vega.health.agent.doctor.DoctorRun.hop;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the browser sees ({@code doctor --url --frontend}): two real HTTP servers of the JDK, the
 * frontend (index.html, /config.js, a bundle) and the API (/v1/healthz and its CORS preflight), on
 * two origins as CloudFront and the ALB are when the API has its own host.
 */
class DoctorBrowserIT {
  static final String POOL = "us-west-1_AbCdEf123";
  static final String CLIENT = "5u8dh3example0client0id";
  HttpServer frontend;
  HttpServer api;
  volatile String index;
  volatile String config;
  volatile String bundle = "console.log('vega');";
  volatile boolean bundleThere = true;
  /** The API's preflight answer: status, and headers (null = absent). */
  volatile int corsStatus = 204;
  volatile String allowOrigin;
  volatile String allowHeaders = "authorization, content-type";
  Map<String, String> env;

  @BeforeEach
  void start() throws IOException {
    api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    api.createContext("/", ex -> {
      if (ex.getRequestMethod().equals("OPTIONS")) {
        if (allowOrigin != null) {
          ex.getResponseHeaders().set("Access-Control-Allow-Origin", allowOrigin);
        }
        if (allowHeaders != null) {
          ex.getResponseHeaders().set("Access-Control-Allow-Headers", allowHeaders);
        }
        ex.getResponseHeaders().set("Access-Control-Allow-Methods", "GET, POST");
        ex.sendResponseHeaders(corsStatus, -1);
        ex.close();
      } else if (ex.getRequestURI().getPath().startsWith("/v1/healthz")) {
        answer(ex, 200, "application/health+json", "{\"status\":\"pass\",\"serviceId\":\"vega-api\"}");
      } else {
        answer(ex, 200, "text/html", "<!doctype html><html><body>vega</body></html>");
      }
    });
    api.start();
    frontend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    frontend.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      if (path.equals("/config.js")) {
        answer(ex, 200, "text/javascript", config);
      } else if (path.equals("/assets/index-3f2a.js")) {
        answer(ex, bundleThere ? 200 : 404, "text/javascript", bundleThere ? bundle : "not found");
      } else {
        answer(ex, 200, "text/html", index);
      }
    });
    frontend.start();
    allowOrigin = frontendUrl();
    index = "<!doctype html><html><head><script src=\"/config.js\"></script>"
        + "<script type=\"module\" crossorigin src=\"/assets/index-3f2a.js\"></script>"
        + "<script src=\"https://cdn.example.com/analytics.js\"></script></head><body><div id=\"root\"></div></body></html>";
    config = config(apiUrl(), CLIENT);
    env = new HashMap<>();
    env.put("VEGA_COGNITO_REGION", "us-west-1");
    env.put("VEGA_COGNITO_USER_POOL_ID", POOL);
    env.put("VEGA_COGNITO_APP_CLIENT_ID", CLIENT);
  }

  @AfterEach
  void stop() {
    api.stop(0);
    frontend.stop(0);
  }

  static String config(String api, String client) {
    return "window.__VEGA_CONFIG__ = {\n  \"apiBaseUrl\": \"" + api + "\",\n  \"cognitoRegion\": \"us-west-1\",\n"
        + "  \"cognitoUserPoolId\": \"" + POOL + "\",\n  \"cognitoAppClientId\": \"" + client + "\"\n};\n";
  }

  static void answer(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  String apiUrl() {
    return "http://127.0.0.1:" + api.getAddress().getPort();
  }

  String frontendUrl() {
    return "http://127.0.0.1:" + frontend.getAddress().getPort();
  }

  Map<String, Object> doctor() throws Exception {
    return DoctorRun.json(env, "--url", apiUrl(), "--frontend", frontendUrl() + "/");
  }

  @Test
  void frontendBuiltForThisApiAndPoolWithCorsAllowedIsUp() throws Exception {
    Map<String, Object> json = doctor();
    assertThat(hop(json, "frontend config")).containsEntry("status", "UP").containsEntry("detail",
        "built for " + apiUrl() + ", pool " + POOL + " in us-west-1, app client " + CLIENT);
    assertThat(String.valueOf(hop(json, "frontend config").get("evidence")))
        .contains("scripts of other hosts not read: cdn.example.com", "read from /config.js");
    assertThat(hop(json, "CORS preflight")).containsEntry("status", "UP").containsEntry("detail",
        "OPTIONS " + apiUrl() + "/v1/scans from " + frontendUrl() + " → 204, allows " + frontendUrl()
            + " with Authorization");
    assertThat(json).containsEntry("exitCode", 0.0);
  }

  @Test
  void frontendBuiltForAnotherApiIsDown() throws Exception {
    config = config("https://api.staging.vega.example.com", CLIENT);
    Map<String, Object> json = doctor();
    assertThat(json).containsEntry("firstFailingHop", "frontend config").containsEntry("exitCode", 1.0);
    assertThat(hop(json, "frontend config")).containsEntry("status", "DOWN").containsEntry("detail",
        "the frontend is built with API base URL https://api.staging.vega.example.com, not " + apiUrl());
    assertThat(String.valueOf(json.get("next"))).startsWith("the frontend was built for another API or Cognito app");
  }

  @Test
  void frontendOfAnotherAppClientIsDownNamingTheSetting() throws Exception {
    config = config(apiUrl(), "7other0client0id");
    Map<String, Object> json = doctor();
    assertThat(hop(json, "frontend config")).containsEntry("status", "DOWN").containsEntry("detail",
        "the frontend is built with app client 7other0client0id, not VEGA_COGNITO_APP_CLIENT_ID " + CLIENT);
  }

  @Test
  void constantsInlinedByTheBuildAreReadWhenThereIsNoConfigScript() throws Exception {
    index = "<!doctype html><html><head><script type=\"module\" src=\"/assets/index-3f2a.js\"></script></head></html>";
    bundle = "const e={BASE_URL:\"/\",MODE:\"production\",VITE_API_BASE_URL:\"" + apiUrl()
        + "\",VITE_COGNITO_REGION:\"us-west-1\",VITE_COGNITO_USER_POOL_ID:\"" + POOL
        + "\",VITE_COGNITO_APP_CLIENT_ID:\"7other0client0id\"};";
    Map<String, Object> json = doctor();
    assertThat(hop(json, "frontend config")).containsEntry("status", "DOWN").containsEntry("detail",
        "the frontend is built with app client 7other0client0id, not VEGA_COGNITO_APP_CLIENT_ID " + CLIENT);
    assertThat(String.valueOf(hop(json, "frontend config").get("evidence"))).contains("read from /assets/index-3f2a.js");
  }

  @Test
  void bundleTheBrowserCannotLoadIsDown() throws Exception {
    bundleThere = false;
    Map<String, Object> json = doctor();
    assertThat(hop(json, "frontend config")).containsEntry("status", "DOWN")
        .containsEntry("detail", "the browser cannot load /assets/index-3f2a.js → 404");
    assertThat(String.valueOf(json.get("next"))).startsWith("Browser DevTools → Network shows this failing");
  }

  @Test
  void scriptsWithoutAnyConfigAreUnknownAndSayWhatToExpose() throws Exception {
    config = "console.log('no config here');";
    Map<String, Object> json = doctor();
    assertThat(hop(json, "frontend config")).containsEntry("status", "UNKNOWN");
    assertThat(DoctorRun.text(hop(json, "frontend config"), "hint")).contains("window.__VEGA_CONFIG__");
  }

  @Test
  void preflightWithoutAllowOriginIsDown() throws Exception {
    allowOrigin = null;
    Map<String, Object> json = doctor();
    assertThat(json).containsEntry("firstFailingHop", "CORS preflight");
    assertThat(DoctorRun.text(hop(json, "CORS preflight"), "detail")).endsWith("→ 204 without"
        + " Access-Control-Allow-Origin: the browser blocks the frontend's API calls");
    assertThat(String.valueOf(json.get("next"))).startsWith("the browser blocks the frontend's API calls")
        .contains("from " + frontendUrl());
  }

  @Test
  void preflightRefusedOrForAnotherOriginOrWithoutAuthorizationIsDown() throws Exception {
    corsStatus = 403;
    assertThat(DoctorRun.text(hop(doctor(), "CORS preflight"), "detail"))
        .isEqualTo("OPTIONS " + apiUrl() + "/v1/scans from " + frontendUrl() + " → 403: the browser blocks the"
            + " frontend's API calls");
    corsStatus = 200;
    allowOrigin = "https://app.vega.example.com";
    assertThat(DoctorRun.text(hop(doctor(), "CORS preflight"), "detail"))
        .endsWith("but it allows origin https://app.vega.example.com, not " + frontendUrl());
    allowOrigin = "*";
    allowHeaders = "*";
    Map<String, Object> star = hop(doctor(), "CORS preflight");
    assertThat(star).containsEntry("status", "DOWN");
    assertThat(DoctorRun.text(star, "detail")).endsWith("does not allow the header authorization: signed-in calls"
        + " are blocked");
  }

  @Test
  void sameOriginNeedsNoPreflight() throws Exception {
    Map<String, Object> json = DoctorRun.json(env, "--url", apiUrl());
    assertThat(hop(json, "CORS preflight")).containsEntry("status", "UP")
        .containsEntry("detail", "same origin (" + apiUrl() + "): the browser sends no preflight to /v1/*");
  }
}

package com.example.vega.health.agent.doctor;

import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.agent.Text;
import com.example.vega.health.Failures;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code doctor --url https://api.dev.vega.example.com}: the smoke test from outside. The
 * frontend loads ({@code GET /} answers 200 with HTML), {@code /v1/healthz} answers health+json,
 * then each dependency in the detail it returns (with {@code --token} for the detail token).
 */
final class UrlRun {
  static final int MAX_BODY = 1 << 20;

  private UrlRun() {}

  /** A body read within bounds, and the answer's headers (CORS). */
  record Answer(int status, String contentType, String body, long latencyMs, java.net.http.HttpHeaders headers) {}

  static Report run(Args args, Context ctx) throws CannotRun {
    URI base = uri(args.get("url"), "--url");
    URI frontend = args.get("frontend") != null ? uri(args.get("frontend"), "--frontend") : base.resolve("/");
    String token = args.get("token");
    if (token == null) {
      token = ctx.setting(Settings.DOCTOR_TOKEN);
    }
    ctx.secret(token);
    Duration timeout = ctx.timeout;
    HttpClient http = client(timeout);
    List<Hop> hops = new ArrayList<>();

    ctx.progress("GET " + frontend);
    Answer page = get(http, frontend, "text/html", null, timeout);
    boolean html = page.contentType().toLowerCase(Locale.ROOT).contains("text/html")
        || page.body().regionMatches(true, 0, "<!doctype html", 0, 14)
        || page.body().toLowerCase(Locale.ROOT).contains("<html");
    if (page.status() == 200 && html) {
      hops.add(Hop.of("frontend", Status.UP, page.latencyMs(), "GET " + frontend + " → 200, HTML", ""));
      // What the browser sees next: the page's scripts and their config, then the preflight to /v1/*.
      hops.addAll(BrowserHops.frontendConfig(ctx, http, frontend, page.body(), base));
      hops.add(BrowserHops.cors(ctx, http, frontend, base));
    } else {
      hops.add(Hop.of("frontend", Status.DOWN, page.latencyMs(),
          "GET " + frontend + " → " + page.status() + (html ? "" : ", not HTML (" + Text.oneLine(page.contentType()) + ")"),
          Runbook.FRONTEND_PAGE.text() + (ctx.setting(Settings.CLOUDFRONT_DISTRIBUTION_ID) == null ? ""
              : " (doctor --aws checks each of these)")));
    }

    URI healthz = base.resolve("/v1/healthz");
    ctx.progress("GET " + healthz);
    Answer health = get(http, healthz, "application/health+json", token, timeout);
    String gatewayHint = "no API task answers behind the load balancer. " + Runbook.API_DOWN.text(ctx);
    Map<String, Object> doc;
    try {
      doc = JsonBody.parseObject(health.body());
    } catch (JsonBody.Malformed e) {
      if (health.status() == 502 || health.status() == 503 || health.status() == 504) {
        hops.add(Hop.of("/v1/healthz", Status.DOWN, health.latencyMs(),
            healthz + " → " + health.status() + " from the load balancer", gatewayHint));
        return ctx.report("smoke test of " + base, hops);
      }
      throw new CannotRun(healthz + " answered " + health.status() + " but not with health+json ("
          + e.getMessage() + "): is this the Vega API, and does CloudFront route /v1/* to it?");
    }
    Object st = doc.get("status");
    Status overall = status(st);
    if (overall == null) {
      throw new CannotRun(healthz + " answered JSON without a health+json status (pass, warn or fail)");
    }
    String svc = doc.get("serviceId") instanceof String s ? Text.oneLine(s) : "the API";
    String healthHint = "the API reports itself failing: read the detail below (or pass --token). "
        + Runbook.API_DOWN.text(ctx);
    Object checks = doc.get("checks");
    List<Hop> detail = checks instanceof Map<?, ?> m && !m.isEmpty() ? detailHops(svc, m) : List.of();
    boolean explained = overall == Status.DOWN
        ? detail.stream().anyMatch(h -> h.status() == Status.DOWN)
        : detail.stream().anyMatch(h -> h.status() != Status.UP);
    // The endpoint itself answered: when its detail names the failing dependency, that hop is the
    // one to look at, and it carries the dependency's own hint.
    Status healthStatus = explained ? Status.UP : overall;
    hops.add(Hop.of("/v1/healthz", healthStatus, health.latencyMs(),
        svc + " → " + health.status() + " " + st + (healthStatus != overall ? " (see the dependencies below)" : ""),
        healthStatus == Status.UP ? "" : healthHint));
    if (detail.isEmpty()) {
      hops.add(Hop.of("detail", Status.UNKNOWN, 0, "the API returned its top-level status only",
          Runbook.DETAIL_TOKEN.text()));
    } else {
      hops.addAll(detail);
    }
    if (token != null) {
      ctx.note("detail token given (not printed)");
    }
    return ctx.report("smoke test of " + base, hops);
  }

  /** One hop per component of health+json "checks", in the order the service listed them. */
  static List<Hop> detailHops(String svc, Map<?, ?> checks) {
    Map<String, Hop> byComponent = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : checks.entrySet()) {
      if (!(e.getValue() instanceof List<?> list) || list.isEmpty() || !(list.get(0) instanceof Map<?, ?> c)) {
        continue;
      }
      String key = String.valueOf(e.getKey());
      String component = c.get("componentId") instanceof String s ? s
          : key.contains(":") ? key.substring(0, key.indexOf(':')) : key;
      component = Text.oneLine(component);
      if (byComponent.containsKey(component) && !(c.containsKey("output") || c.containsKey("hint"))) {
        continue; // a further measurement of a component already listed
      }
      Status s = status(c.get("status"));
      long ms = c.get("durationMs") instanceof Double d && d >= 0 && d < 1e9 ? d.longValue() : 0;
      String output = c.get("output") instanceof String o ? Text.oneLine(o) : "";
      Object v = c.get("observedValue");
      String observed = v == null || v == JsonBody.NULL ? ""
          : Text.oneLine(number(v) + (c.get("observedUnit") instanceof String u ? " " + u : ""));
      String detail = output.isEmpty() ? (observed.isEmpty() ? "" : key + " = " + observed) : output;
      String hint = c.get("hint") instanceof String h ? Text.oneLine(h) : "";
      if (byComponent.containsKey(component)) {
        Hop prev = byComponent.get(component);
        detail = output.isEmpty() && !prev.detail().isEmpty() ? prev.detail() : detail;
        ms = Math.max(prev.latencyMs(), ms);
        hint = hint.isEmpty() ? prev.hint() : hint;
        s = s == null ? prev.status() : s.worst(prev.status());
      }
      byComponent.put(component, Hop.of(svc + " → " + component, s == null ? Status.UNKNOWN : s, ms, detail, hint));
    }
    return new ArrayList<>(byComponent.values());
  }

  private static String number(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return String.valueOf(d.longValue());
    }
    return String.valueOf(v);
  }

  static @Nullable Status status(@Nullable Object s) {
    if (!(s instanceof String str)) {
      return null;
    }
    return switch (str.toLowerCase(Locale.ROOT)) {
      case "pass", "ok", "up" -> Status.UP;
      case "warn" -> Status.DEGRADED;
      case "fail", "error", "down" -> Status.DOWN;
      default -> null;
    };
  }

  static HttpClient client(Duration timeout) {
    return HttpClient.newBuilder()
        .connectTimeout(min(timeout, Duration.ofSeconds(5)))
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  static URI uri(@Nullable String v, String what) throws CannotRun {
    String bad = what + " " + VegaSettings.shown(v) + " is not an http(s) URL like https://api.dev.vega.example.com";
    if (v == null) {
      throw new CannotRun(bad);
    }
    try {
      URI u = new URI(v.trim());
      if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
          || u.getHost() == null || u.getHost().isBlank()) {
        throw new CannotRun(bad);
      }
      return u;
    } catch (URISyntaxException | RuntimeException e) {
      throw new CannotRun(bad);
    }
  }

  static Answer get(HttpClient http, URI uri, String accept, @Nullable String token, Duration timeout)
      throws CannotRun {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", accept)
        .header("User-Agent", "vega-doctor").GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(http, b.build(), timeout);
  }

  /** Sends any request (the smoke test's POST, a CORS preflight) with the same bounds and failures as {@link #get}. */
  static Answer send(HttpClient http, HttpRequest req, Duration timeout) throws CannotRun {
    URI uri = req.uri();
    long start = System.nanoTime();
    try {
      HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      String body;
      try (InputStream in = r.body()) {
        body = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
      }
      long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
      return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), body, ms, r.headers());
    } catch (IOException e) {
      // Core's one classification of network failures (by type), worded for this URL.
      ErrorKind kind = Failures.network(e);
      if (kind == ErrorKind.UNKNOWN_HOST) {
        throw new CannotRun(uri + " is unreachable: " + uri.getHost() + " does not resolve (check the URL and DNS)");
      }
      if (kind == ErrorKind.CONNECT_TIMEOUT) {
        throw new CannotRun(uri + " is unreachable: no connection within " + timeout.toSeconds()
            + "s (check the URL, DNS and that the load balancer's security group admits you)");
      }
      if (kind == ErrorKind.TIMEOUT) {
        throw new CannotRun(uri + " did not answer within " + timeout.toSeconds() + "s");
      }
      if (kind == ErrorKind.CONNECTION_REFUSED) {
        throw new CannotRun(uri + " is unreachable: connection refused (check the URL and that the"
            + " load balancer listens on this port)");
      }
      throw new CannotRun(uri + " is unreachable: " + Failure.sentence(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CannotRun("interrupted");
    } catch (IllegalArgumentException e) {
      throw new CannotRun(uri + " cannot be requested: " + Text.oneLine(e.getMessage()));
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}

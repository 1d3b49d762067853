package com.example.vega.health.http;

import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthProbe;
import com.example.vega.health.HealthSnapshot;
import com.example.vega.health.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What {@code /v1/healthz}, {@code /v1/healthz/live} and {@code /v1/healthz/ready} answer, for
 * any server (the probe server here, Spring MVC, a servlet). Reads the monitor's snapshot only;
 * rendered bodies are cached per snapshot, so a poll costs a volatile read and a byte copy.
 */
public final class HealthEndpoints {
  public static final String BASE_PATH = "/v1/healthz";
  private static final byte[] PASS = HealthJson.statusOnly(Status.UP).getBytes(StandardCharsets.UTF_8);
  private static final byte[] WARN = HealthJson.statusOnly(Status.DEGRADED).getBytes(StandardCharsets.UTF_8);
  private static final byte[] FAIL = HealthJson.statusOnly(Status.DOWN).getBytes(StandardCharsets.UTF_8);
  private static final String PROBE_CACHE = "no-store";

  private final HealthMonitor monitor;
  private final HealthJson.Cache json = new HealthJson.Cache();
  private final String detailCache;
  private volatile Rendered rendered;

  /** An HTTP answer: status code, content type, body and Cache-Control. */
  public record Response(int status, String contentType, byte[] body, String cacheControl) {}

  private static final class Rendered {
    final long sequence;
    final HealthSnapshot snapshot;
    final byte[] json;
    private volatile byte @org.jspecify.annotations.Nullable [] html; // only when a browser asks

    Rendered(HealthSnapshot snapshot, HealthJson.Cache cache) {
      this.sequence = snapshot.sequence();
      this.snapshot = snapshot;
      this.json = cache.full(snapshot).getBytes(StandardCharsets.UTF_8);
    }

    byte[] html() {
      byte[] h = html;
      if (h == null) {
        h = HtmlView.render(snapshot).getBytes(StandardCharsets.UTF_8);
        html = h;
      }
      return h;
    }
  }

  public HealthEndpoints(HealthMonitor monitor) {
    this.monitor = monitor;
    this.detailCache = "private, max-age=" + minIntervalSeconds(monitor.snapshot());
    this.rendered = render(monitor.snapshot());
  }

  /**
   * {@code GET /v1/healthz}. Authorized callers get every check; others the top-level status.
   * A browser (Accept: text/html) authorized for detail gets a readable page; {@code accept} is
   * null when the request has no Accept header.
   */
  public Response healthz(boolean detail, @Nullable String accept) {
    HealthSnapshot s = monitor.snapshot();
    Status status = s.status();
    int code = HealthJson.httpStatus(status);
    if (!detail) {
      return new Response(code, HealthJson.CONTENT_TYPE, statusBody(status), detailCache);
    }
    Rendered r = rendered;
    if (r.sequence != s.sequence()) {
      r = render(s);
      rendered = r;
    }
    if (wantsHtml(accept)) {
      return new Response(code, "text/html; charset=utf-8", r.html(), detailCache);
    }
    return new Response(code, HealthJson.CONTENT_TYPE, r.json, detailCache);
  }

  /**
   * The detail answer of {@link #healthz} when the current snapshot's body is already rendered
   * (as JSON, or as the page a browser asks for), else null: lets the probe server answer on its
   * event loop without rendering there.
   */
  @Nullable Response renderedDetail(@Nullable String accept) {
    HealthSnapshot s = monitor.snapshot();
    Rendered r = rendered;
    if (r.sequence != s.sequence()) {
      return null;
    }
    int code = HealthJson.httpStatus(s.status());
    if (wantsHtml(accept)) {
      byte[] html = r.html;
      return html == null ? null : new Response(code, "text/html; charset=utf-8", html, detailCache);
    }
    return new Response(code, HealthJson.CONTENT_TYPE, r.json, detailCache);
  }

  /**
   * {@code GET /v1/healthz/live}: the monitor thread is alive and the process-local checks (such
   * as the deadlock check) pass. Never depends on Postgres or AWS.
   */
  public Response live() {
    boolean ok = monitor.alive() && monitor.snapshot().status(HealthProbe.LIVENESS) == Status.UP;
    return probe(ok);
  }

  /** {@code GET /v1/healthz/ready}: liveness plus the checks that feed readiness. */
  public Response ready() {
    HealthSnapshot s = monitor.snapshot();
    boolean ok = monitor.alive() && s.status(HealthProbe.LIVENESS) == Status.UP
        && s.status(HealthProbe.READINESS) == Status.UP;
    return probe(ok);
  }

  private static Response probe(boolean ok) {
    return new Response(ok ? 200 : 503, HealthJson.CONTENT_TYPE, ok ? PASS : FAIL, PROBE_CACHE);
  }

  private static byte[] statusBody(Status s) {
    return switch (s) {
      case UP -> PASS;
      case DOWN -> FAIL;
      default -> WARN;
    };
  }

  static boolean wantsHtml(@Nullable String accept) {
    if (accept == null) {
      return false;
    }
    String a = accept.toLowerCase(Locale.ROOT);
    int html = a.indexOf("text/html");
    if (html < 0) {
      return false;
    }
    int json = Math.max(a.indexOf("application/json"), a.indexOf("application/health+json"));
    return json < 0 || html < json;
  }

  private Rendered render(HealthSnapshot s) {
    return new Rendered(s, json);
  }

  private static long minIntervalSeconds(HealthSnapshot s) {
    Duration min = null;
    for (CheckState c : s.checks()) {
      Duration d = c.registration().policy().interval();
      if (min == null || d.compareTo(min) < 0) {
        min = d;
      }
    }
    return min == null ? 1 : Math.max(1, min.toSeconds());
  }
}

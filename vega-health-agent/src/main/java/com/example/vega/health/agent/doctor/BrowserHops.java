package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import com.example.vega.health.agent.Text;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the browser sees, the runbook's two "open DevTools → Network" steps as hops of
 * {@code doctor --url}. <b>frontend config</b>: the page's scripts load, and the API base URL and
 * Cognito ids the frontend is built with (read as documented in docs/agent.md:
 * {@code window.__VEGA_CONFIG__ = {apiBaseUrl, cognitoRegion, cognitoUserPoolId, cognitoAppClientId}}
 * inline or in a script the page references, or the build's inlined
 * {@code VITE_API_BASE_URL}/{@code VITE_COGNITO_*} constants) match the API and its settings.
 * <b>CORS preflight</b>: a browser's OPTIONS from the frontend's origin to {@code /v1/scans}
 * succeeds, allowing the Authorization header.
 */
final class BrowserHops {
  static final int MAX_SCRIPTS = 20;
  private static final Pattern SCRIPT =
      Pattern.compile("<script\\b[^>]*?\\bsrc\\s*=\\s*[\"']([^\"']{1,500})[\"']", Pattern.CASE_INSENSITIVE);
  private static final Pattern VALUE = Pattern.compile("[\"']?\\b(apiBaseUrl|cognitoRegion|cognitoUserPoolId"
      + "|cognitoAppClientId|(?:VITE_|REACT_APP_|VEGA_)?(?:API_BASE_URL|COGNITO_REGION|COGNITO_USER_POOL_ID"
      + "|COGNITO_APP_CLIENT_ID))[\"']?\\s*[:=]\\s*[\"']([^\"'\\s]{0,300})[\"']");

  private BrowserHops() {}

  /** What the frontend is built with; a field is null when the frontend does not say. */
  record Config(@Nullable String apiBaseUrl, @Nullable String region, @Nullable String pool,
      @Nullable String client, String source) {
    boolean isEmpty() {
      return apiBaseUrl == null && region == null && pool == null && client == null;
    }
  }

  /** The page's scripts and the config they carry; no hop when the page references no script and has none inline. */
  static List<Hop> frontendConfig(Context ctx, HttpClient http, URI page, String html, URI api) throws CannotRun {
    String hop = "frontend config";
    long start = System.nanoTime();
    Map<String, String> found = new LinkedHashMap<>();
    List<String> sources = new ArrayList<>();
    read(html, found, sources, "index.html");
    List<String> failed = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Matcher m = SCRIPT.matcher(html);
    int scripts = 0;
    while (m.find() && scripts < MAX_SCRIPTS) {
      URI src;
      try {
        src = page.resolve(m.group(1).trim().replace("&amp;", "&"));
      } catch (IllegalArgumentException e) {
        failed.add(Text.oneLine(m.group(1), 120) + " (not a URL)");
        continue;
      }
      if (!origin(src).equals(origin(page))) {
        skipped.add(src.getHost());
        continue; // a CDN's script is not the frontend's build
      }
      scripts++;
      UrlRun.Answer a = UrlRun.get(http, src, "*/*", null, ctx.timeout);
      if (a.status() != 200) {
        failed.add(src.getPath() + " → " + a.status());
      } else if (found.size() < 4) {
        read(a.body(), found, sources, src.getPath());
      }
    }
    long ms = Hop.since(start);
    if (scripts == 0 && failed.isEmpty() && found.isEmpty()) {
      return List.of();
    }
    List<String> evidence = new ArrayList<>();
    if (!skipped.isEmpty()) {
      evidence.add("scripts of other hosts not read: " + String.join(", ", skipped));
    }
    if (!failed.isEmpty()) {
      return List.of(new Hop(hop, Status.DOWN, ms, "the browser cannot load " + String.join(", ", failed),
          Runbook.FRONTEND_SCRIPT_MISSING.text(), evidence));
    }
    Config c = new Config(found.get("api"), found.get("region"), found.get("pool"), found.get("client"),
        String.join(", ", sources));
    if (c.isEmpty()) {
      return List.of(new Hop(hop, Status.UNKNOWN, ms, scripts + " script(s) load, but none says the API base URL or"
          + " the Cognito ids the frontend is built with", Runbook.FRONTEND_CONFIG_UNREADABLE.text(), evidence));
    }
    evidence.add("read from " + c.source());
    List<String> wrong = new ArrayList<>();
    String calls = null;
    String base = c.apiBaseUrl();
    if (base != null) {
      URI target = apiOf(page, c);
      calls = target == null ? null : origin(target);
      if (target == null || !origin(target).equals(origin(api))) {
        wrong.add("API base URL " + Text.oneLine(base, 200) + ", not " + origin(api));
      }
    }
    List<String> compared = new ArrayList<>();
    compare(ctx, "VEGA_COGNITO_REGION", "region", c.region(), wrong, compared);
    compare(ctx, "VEGA_COGNITO_USER_POOL_ID", "user pool", c.pool(), wrong, compared);
    compare(ctx, "VEGA_COGNITO_APP_CLIENT_ID", "app client", c.client(), wrong, compared);
    if (!wrong.isEmpty()) {
      return List.of(new Hop(hop, Status.DOWN, ms, "the frontend is built with " + String.join("; ", wrong),
          Runbook.FRONTEND_CONFIG_MISMATCH.text(), evidence));
    }
    String detail = "built for " + (calls == null ? "an API it does not name" : calls)
        + (c.pool() == null ? "" : ", pool " + Text.oneLine(String.valueOf(c.pool()), 80))
        + (c.region() == null ? "" : " in " + Text.oneLine(String.valueOf(c.region()), 40))
        + (c.client() == null ? "" : ", app client " + Text.oneLine(String.valueOf(c.client()), 80))
        + (compared.isEmpty() ? (c.pool() == null && c.client() == null ? ""
            : " (Cognito ids not compared: VEGA_COGNITO_* not set here)") : "");
    return List.of(new Hop(hop, Status.UP, ms, detail, "", evidence));
  }

  private static void compare(Context ctx, String setting, String what, @Nullable String built, List<String> wrong,
      List<String> compared) {
    String expected = ctx.setting(setting);
    if (built == null || expected == null) {
      return;
    }
    compared.add(setting);
    if (!built.equals(expected.trim())) {
      wrong.add(what + " " + Text.oneLine(built, 80) + ", not " + setting + " " + Text.oneLine(expected, 80));
    }
  }

  /** Reads the config's values from one script's text; the first value of each field wins. */
  private static void read(String text, Map<String, String> found, List<String> sources, String source) {
    Matcher v = VALUE.matcher(text);
    boolean any = false;
    while (v.find()) {
      String name = v.group(1).toLowerCase(Locale.ROOT).replace("_", "");
      String field = name.contains("apibaseurl") ? "api" : name.contains("region") ? "region"
          : name.contains("pool") ? "pool" : "client";
      if (!found.containsKey(field)) {
        found.put(field, v.group(2));
        any = true;
      }
    }
    if (any) {
      sources.add(source);
    }
  }

  /** The API base URL the frontend calls, resolved as the browser resolves it against the page. */
  private static @Nullable URI apiOf(URI page, Config c) {
    String base = c.apiBaseUrl();
    if (base == null) {
      return null;
    }
    try {
      URI u = page.resolve(base.isEmpty() ? "/" : base);
      return u.getHost() == null ? null : u;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** {@code scheme://host[:port]}, as the browser compares origins. */
  static String origin(URI u) {
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    int port = u.getPort();
    boolean defaultPort = port == -1 || scheme.equals("https") && port == 443 || scheme.equals("http") && port == 80;
    return scheme + "://" + (u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT))
        + (defaultPort ? "" : ":" + port);
  }

  /** The browser's preflight before the frontend's {@code POST /v1/scans} with a bearer token. */
  static Hop cors(Context ctx, HttpClient http, URI page, URI api) throws CannotRun {
    String hop = "CORS preflight";
    // To the API given: a frontend built for another API is the config hop's finding.
    String apiOrigin = origin(api);
    String from = origin(page);
    if (from.equals(apiOrigin)) {
      return Hop.up(hop, 0, "same origin (" + from + "): the browser sends no preflight to /v1/*");
    }
    URI uri = URI.create(apiOrigin + "/v1/scans");
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(ctx.timeout)
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", from).header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization,content-type").header("User-Agent", "vega-doctor")
        .build();
    UrlRun.Answer a = UrlRun.send(http, req, ctx.timeout);
    String said = "OPTIONS " + uri + " from " + from + " → " + a.status();
    String allowOrigin = a.headers().firstValue("Access-Control-Allow-Origin").orElse(null);
    String allowHeaders = String.join(",", a.headers().allValues("Access-Control-Allow-Headers")).toLowerCase(Locale.ROOT);
    String fix = Runbook.CORS_REFUSED.text("origin", from, "api", apiOrigin);
    if (a.status() / 100 != 2) {
      return Hop.of(hop, Status.DOWN, a.latencyMs(), said + ": the browser blocks the frontend's API calls", fix);
    }
    if (allowOrigin == null) {
      return Hop.of(hop, Status.DOWN, a.latencyMs(), said + " without Access-Control-Allow-Origin: the browser"
          + " blocks the frontend's API calls", fix);
    }
    if (!allowOrigin.trim().equals(from) && !allowOrigin.trim().equals("*")) {
      return Hop.of(hop, Status.DOWN, a.latencyMs(), said + ", but it allows origin "
          + Text.oneLine(allowOrigin, 120) + ", not " + from, fix);
    }
    List<String> missing = new ArrayList<>();
    for (String h : List.of("authorization", "content-type")) {
      // "*" never covers Authorization (Fetch standard); it does cover Content-Type.
      boolean star = allowHeaders.matches("(.*,)?\\s*\\*\\s*(,.*)?") && !h.equals("authorization");
      if (!star && !allowHeaders.matches("(.*,)?\\s*" + h + "\\s*(,.*)?")) {
        missing.add(h);
      }
    }
    if (!missing.isEmpty()) {
      return Hop.of(hop, Status.DOWN, a.latencyMs(), said + ", but it does not allow the header "
          + String.join(", ", missing) + ": signed-in calls are blocked", fix);
    }
    return Hop.up(hop, a.latencyMs(), said + ", allows " + from + " with Authorization");
  }
}

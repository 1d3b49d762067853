package com.example.vega.health.http;

import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.HealthSnapshot;
import com.example.vega.health.Observation;

/** The same detail as health+json, as a page a person reads. Everything is HTML-escaped. */
final class HtmlView {
  private HtmlView() {}

  static String render(HealthSnapshot s) {
    StringBuilder b = new StringBuilder(2048);
    b.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
        .append(esc(s.service().serviceId())).append(" health</title><style>")
        .append("body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}")
        .append(".pass{background:#d4f7d4}.warn{background:#fff3c4}.fail{background:#ffd6d6}")
        .append("</style></head><body><h1>").append(esc(s.service().serviceId())).append(" is <span class=\"")
        .append(s.status().healthJson()).append("\">").append(s.status().healthJson()).append("</span></h1>")
        .append("<p>version ").append(esc(s.service().version())).append(", release ")
        .append(esc(s.service().releaseId())).append(", snapshot ").append(s.time()).append("</p>")
        .append("<table><tr><th>check</th><th>status</th><th>since</th><th>observed</th><th>output</th><th>next step</th></tr>");
    for (CheckState c : s.checks()) {
      CheckResult r = c.lastResult();
      b.append("<tr class=\"").append(c.status().healthJson()).append("\"><td>").append(esc(c.name()))
          .append(c.critical() ? " (critical)" : "").append("</td><td>").append(c.status())
          .append("</td><td>").append(c.since()).append("</td><td>");
      if (r != null) {
        for (Observation o : r.observations()) {
          b.append(esc(o.name())).append('=').append(esc(String.valueOf(o.value())));
          if (o.unit() != null) {
            b.append(' ').append(esc(o.unit()));
          }
          b.append("<br>");
        }
      }
      b.append("</td><td>").append(r == null ? "not checked yet" : esc(cut(r.message())))
          .append("</td><td>").append(r == null ? "" : esc(cut(r.hint()))).append("</td></tr>");
    }
    return b.append("</table></body></html>").toString();
  }

  private static String cut(String s) {
    return s.length() <= HealthJson.MAX_OUTPUT ? s : s.substring(0, HealthJson.MAX_OUTPUT) + "...";
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
      }
    }
    return b.toString();
  }
}

package com.example.vega.health;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it leaves the module: passwords in URLs and key=value pairs,
 * bearer tokens, JWTs, and any exact value the service registered as secret. Applied once, where
 * the monitor records a result ({@code MonitorState.record}), so every renderer, log line and
 * metric sees redacted text. Not API: may change without notice.
 */
final class Redactor {
  static final String MASK = "****";
  private static final Pattern URL_USERINFO = Pattern.compile("(://[^/\\s:@]*):[^@\\s/]*@");
  private static final Pattern KEY_VALUE =
      Pattern.compile(
          "(?i)\\b(password|passwd|pwd|secret|token|api[_-]?key|secret[_-]?access[_-]?key|session[_-]?token|x-amz-security-token)(\\s*[=:]\\s*)(\"[^\"]*\"|[^&\\s,;'\"}]+)");
  private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer)\\s+[A-Za-z0-9._~+/=-]+");
  private static final Pattern JWT =
      Pattern.compile("\\beyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
  private static final int MIN_SECRET_LENGTH = 4;

  private final List<String> secrets;

  private Redactor(List<String> secrets) {
    this.secrets = secrets;
  }

  /** A redactor for the patterns above and the given exact secret values. */
  public static Redactor of(Collection<String> secretValues) {
    List<String> s = new ArrayList<>();
    for (String v : secretValues) {
      if (v != null && v.length() >= MIN_SECRET_LENGTH) {
        s.add(v);
      }
    }
    // Longest first, so a secret that contains another is masked whole.
    s.sort(Comparator.comparingInt(String::length).reversed());
    return new Redactor(List.copyOf(s));
  }

  public static Redactor patternsOnly() {
    return new Redactor(List.of());
  }

  /** The result with every text redacted: message, hint and string observations. */
  public CheckResult redact(CheckResult r) {
    List<Observation> obs = r.observations();
    boolean anyString = false;
    for (Observation o : obs) {
      anyString |= o.value() instanceof String;
    }
    if (anyString) {
      List<Observation> clean = new ArrayList<>(obs.size());
      for (Observation o : obs) {
        clean.add(o.value() instanceof String s ? Observation.of(o.name(), redact(s), o.unit()) : o);
      }
      obs = clean;
    }
    return r.withText(redact(r.message()), redact(r.hint()), obs);
  }

  public String redact(String text) {
    if (text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String secret : secrets) {
      if (out.contains(secret)) {
        out = out.replace(secret, MASK);
      }
    }
    out = URL_USERINFO.matcher(out).replaceAll("$1:" + MASK + "@");
    out = replace(KEY_VALUE, out, m -> m.group(1) + m.group(2) + MASK);
    out = replace(BEARER, out, m -> m.group(1) + " " + MASK);
    out = JWT.matcher(out).replaceAll(MASK);
    return out;
  }

  private static String replace(Pattern p, String text, java.util.function.Function<Matcher, String> f) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    do {
      m.appendReplacement(sb, Matcher.quoteReplacement(f.apply(m)));
    } while (m.find());
    m.appendTail(sb);
    return sb.toString();
  }
}

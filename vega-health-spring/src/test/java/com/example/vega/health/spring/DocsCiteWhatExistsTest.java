package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README.md and docs/*.md cite only what exists: every {@code VEGA_*} setting is read somewhere in
 * the code, every {@code vega.health.*} property or meter is declared, every backticked type of ours
 * (and its member) is in the sources, every {@code *Test}/{@code *IT} is a test class, and every
 * repository path and link (with its {@code #anchor}) resolves. A rename in code that leaves a doc
 * behind fails here. It lives in the Spring module because the properties' one declaration is the
 * metadata generated here; everything else is read from the sources beside it.
 */
class DocsCiteWhatExistsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /**
   * What a type of ours looks like: named with Vega's words (Vega..., Health..., Scan..., Check...) or
   * ending like our types do. A backticked name of that shape must be declared in the sources; other
   * names (AWS actions and error codes, the JDK's and the libraries' types) are not ours to check.
   */
  private static final Pattern LOOKS_OURS = Pattern.compile(
      "(?:Vega|Health|Scan|Check|Setting).*|.*(?:Check|Checks|Test|IT|Carrier|Policy|Monitor|Registration|Result"
          + "|Settings|Setting|Scheduler|Spans|SpanProcessor|Telemetry|Tracing|Failures|Probe|Role|Runtime"
          + "|AutoConfiguration|Properties|Customizer|Access|Handoff|Snapshot|State|Status|Profile|Hints)");

  /**
   * Names the docs use for the libraries' types (Spring's, the JDK's, OpenTelemetry's) or AWS's codes
   * ({@code Target.Timeout}, the AWS SDK instrumentation's span names such as {@code Sqs.DeleteMessage}) that are of
   * that shape or that a type of ours shares.
   */
  private static final Set<String> NOT_OURS = Set.of("HealthIndicator", "ReadinessState", "ApplicationAvailability",
      "OpenTelemetry", "GlobalOpenTelemetry", "OpenTelemetrySdk", "AwsSdkTelemetry", "SpanProcessor",
      "SimpleSpanProcessor", "HttpServer", "HealthContributor", "ThreadState", "SdkTracerProvider", "Context",
      "Target", "Sqs", "OpenTelemetrySdkAutoConfiguration", "OpenTelemetryTracingAutoConfiguration", "BatchSpanProcessor");

  /** Files of the Vega services' own repository that hint texts name; not files of this one. */
  private static final Set<String> OTHER_REPOSITORIES = Set.of("scripts/aws/run-migrations.sh", "scripts/aws/smoke-test.sh");

  private static final Pattern FENCE = Pattern.compile("^\\s*```");
  private static final Pattern SETTING = Pattern.compile("\\bVEGA_[A-Z0-9_]*[A-Z0-9_]");
  private static final Pattern PROPERTY = Pattern.compile("(?<![\\w.])vega\\.(?:health|tracing)\\.[a-z0-9_<>.-]*[a-z0-9_>]");
  private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");
  private static final Pattern TYPE_REF = Pattern.compile("[A-Z][A-Za-z0-9]*(?:[.#][A-Za-z_][A-Za-z0-9_]*)*");
  private static final Pattern TEST_NAME = Pattern.compile("\\b([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*(?:Test|IT))(?:#([a-z]\\w*))?\\b");
  /** A page named without its folder (DESIGN.md, spring.md): beside README.md or in docs/. */
  private static final Pattern BARE_PAGE = Pattern.compile("(?<![\\w/.-])([A-Za-z0-9_-]+\\.md)\\b");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern LITERAL = Pattern.compile("\"((?:VEGA_|vega\\.health\\.|vega\\.tracing\\.)[A-Za-z0-9_.-]+)");
  private static final Pattern DECLARED_TYPE =
      Pattern.compile("\\b(?:class|interface|enum|record|@interface)\\s+([A-Z][A-Za-z0-9]*)");

  private static final Map<String, List<Path>> TYPES = new HashMap<>();
  private static final Set<String> LITERALS = new HashSet<>();
  private static final Set<String> PROPERTIES = new TreeSet<>();
  private static final Map<Path, List<String>> DOCS = new HashMap<>();

  @BeforeAll
  static void readTheCode() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))
          .filter(f -> !ROOT.relativize(f).toString().contains("target/"))::iterator) {
        String source = Files.readString(p);
        Matcher t = DECLARED_TYPE.matcher(source);
        while (t.find()) {
          TYPES.computeIfAbsent(t.group(1), k -> new ArrayList<>()).add(p);
        }
        Matcher l = LITERAL.matcher(source);
        while (l.find()) {
          LITERALS.add(l.group(1));
        }
      }
    }
    try (InputStream in = DocsCiteWhatExistsTest.class.getResourceAsStream(
        "/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("the generated configuration metadata").isNotNull();
      Matcher m = Pattern.compile("\"name\"\\s*:\\s*\"(vega\\.health\\.[^\"]+)\"")
          .matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      while (m.find()) {
        PROPERTIES.add(m.group(1));
      }
    }
    assertThat(PROPERTIES).as("properties in the metadata").contains("vega.health.enabled");
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    for (Path d : docs) {
      DOCS.put(d, Files.readAllLines(d));
    }
  }

  @Test
  void everySettingTheDocsCiteIsReadByTheCode() {
    Set<String> known = new HashSet<>();
    for (String l : LITERALS) {
      if (l.startsWith("VEGA_")) {
        known.add(l);
      }
    }
    for (String p : PROPERTIES) {
      known.add(relaxed(p)); // Spring binds VEGA_HEALTH_SERVER_PORT onto vega.health.server.port
    }
    List<String> wrong = new ArrayList<>();
    eachLine(true, (doc, n, line) -> {
      Matcher m = SETTING.matcher(line);
      while (m.find()) {
        String name = m.group();
        boolean ok = name.endsWith("_")
            ? known.stream().anyMatch(k -> k.startsWith(name)) // a family: VEGA_HEALTH_SERVER_*
            : known.contains(name) || (name.startsWith("VEGA_HEALTH_CHECKS_") && checkProperty(name));
        if (!ok) {
          wrong.add(where(doc, n) + name);
        }
      }
    });
    assertThat(wrong).as("VEGA_* names the docs cite that no code reads").isEmpty();
  }

  @Test
  void everyPropertyOrMeterTheDocsCiteIsDeclared() {
    List<String> wrong = new ArrayList<>();
    eachLine(true, (doc, n, line) -> {
      Matcher m = PROPERTY.matcher(line);
      while (m.find()) {
        String name = m.group().replaceAll("\\.+$", "");
        if (!property(name)) {
          wrong.add(where(doc, n) + name);
        }
      }
    });
    assertThat(wrong).as("vega.health.* and vega.tracing.* names the docs cite that are not declared").isEmpty();
  }

  @Test
  void everyTypeOfOursTheDocsCiteExistsWithItsMembers() throws IOException {
    List<String> wrong = new ArrayList<>();
    Map<Path, String> sources = new HashMap<>();
    eachLine(false, (doc, n, line) -> {
      Matcher b = BACKTICKED.matcher(line);
      while (b.find()) {
        String ref = b.group(1).replaceAll("\\([^()]*\\)", "").trim();
        if (!TYPE_REF.matcher(ref).matches()) {
          continue;
        }
        String[] parts = ref.split("[.#]");
        String type = parts[0];
        List<Path> files = TYPES.get(type);
        if (NOT_OURS.contains(type)) {
          continue;
        }
        if (files == null) {
          if (LOOKS_OURS.matcher(type).matches()) {
            wrong.add(where(doc, n) + ref + " (no such type)");
          }
          continue;
        }
        for (int i = 1; i < parts.length; i++) {
          Pattern member = Pattern.compile("\\b" + Pattern.quote(parts[i]) + "\\b");
          if (files.stream().noneMatch(f -> member.matcher(sources.computeIfAbsent(f, DocsCiteWhatExistsTest::read)).find())) {
            wrong.add(where(doc, n) + ref + " (" + type + " has no " + parts[i] + ")");
          }
        }
      }
    });
    assertThat(wrong).as("types the docs cite that are not in the sources").isEmpty();
  }

  @Test
  void everyTestTheDocsCiteExists() {
    List<String> wrong = new ArrayList<>();
    eachLine(true, (doc, n, line) -> {
      Matcher m = TEST_NAME.matcher(line);
      while (m.find()) {
        Path file = TYPES.getOrDefault(m.group(1), List.of()).stream()
            .filter(f -> f.toString().contains("/src/test/")).findFirst().orElse(null);
        if (file == null) {
          wrong.add(where(doc, n) + m.group(1) + " (no such test class)");
        } else if (m.group(2) != null && !read(file).contains(" " + m.group(2) + "(")) {
          wrong.add(where(doc, n) + m.group() + " (no such test method)");
        }
      }
    });
    assertThat(wrong).as("tests the docs cite that do not exist").isEmpty();
  }

  @Test
  void everyPathAndLinkTheDocsCiteResolves() throws IOException {
    Set<String> top = new HashSet<>();
    try (Stream<Path> children = Files.list(ROOT)) {
      children.forEach(c -> top.add(c.getFileName().toString()));
    }
    Pattern path = Pattern.compile("(?<![\\w/.$<-])((?:" + String.join("|", top.stream()
        .filter(t -> !t.startsWith(".") || t.equals(".github")).map(Pattern::quote).toList())
        + ")/[\\w./-]*[\\w])");
    List<String> wrong = new ArrayList<>();
    eachLine(true, (doc, n, line) -> {
      Matcher m = path.matcher(line);
      while (m.find()) {
        String p = m.group(1);
        if (p.contains("/target/") || p.contains("...") || OTHER_REPOSITORIES.contains(p)) {
          continue; // built, elided, or another repository's
        }
        if (!Files.exists(ROOT.resolve(p)) && !Files.exists(doc.getParent().resolve(p))) {
          wrong.add(where(doc, n) + p);
        }
      }
      Matcher md = BARE_PAGE.matcher(line);
      while (md.find()) {
        if (!Files.exists(ROOT.resolve(md.group(1))) && !Files.exists(ROOT.resolve("docs").resolve(md.group(1)))) {
          wrong.add(where(doc, n) + md.group(1) + " (no such page)");
        }
      }
      Matcher l = LINK.matcher(line);
      while (l.find()) {
        String target = l.group(1);
        if (target.matches("[a-z]+:.*")) {
          continue; // http(s), mailto: not ours to check
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          wrong.add(where(doc, n) + target + " (no such file)");
        } else if (hash >= 0 && resolved.toString().endsWith(".md")
            && !anchors(resolved).contains(target.substring(hash + 1))) {
          wrong.add(where(doc, n) + target + " (no such heading)");
        }
      }
    });
    assertThat(wrong).as("paths and links the docs cite that do not resolve").isEmpty();
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
  static Set<String> anchors(Path md) {
    Set<String> out = new HashSet<>();
    boolean fenced = false;
    for (String line : read(md).split("\n")) {
      if (FENCE.matcher(line).find()) {
        fenced = !fenced;
      } else if (!fenced && line.startsWith("#")) {
        String slug = line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT)
            .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
        String s = slug;
        for (int i = 1; !out.add(s); i++) {
          s = slug + "-" + i;
        }
      }
    }
    return out;
  }

  private static boolean property(String name) {
    String regex = Pattern.quote(name).replaceAll("<[^>]*>", "\\\\E[^.]+\\\\Q");
    Pattern p = Pattern.compile(regex);
    for (String known : PROPERTIES) {
      if (p.matcher(known).matches() || p.matcher(anyCheck(known)).matches()) {
        return true;
      }
    }
    // Meter names and map keys are declared as literals in the code.
    return LITERALS.stream().anyMatch(l -> p.matcher(l).matches())
        || name.startsWith("vega.health.checks.") && checkProperty(relaxed(name));
  }

  /** {@code vega.health.checks.<name>.<key>}: any check takes the keys postgres takes. */
  private static boolean checkProperty(String variable) {
    for (String known : PROPERTIES) {
      if (known.startsWith("vega.health.checks.postgres.")) {
        String key = relaxed(known.substring("vega.health.checks.postgres.".length()));
        if (variable.startsWith("VEGA_HEALTH_CHECKS_") && variable.endsWith("_" + key)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String anyCheck(String property) {
    return property.replaceFirst("^vega\\.health\\.checks\\.[^.]+\\.", "vega.health.checks.<name>.");
  }

  private static String relaxed(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_').replace("<", "").replace(">", "");
  }

  private static String where(Path doc, int line) {
    return ROOT.relativize(doc) + ":" + line + ": ";
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @FunctionalInterface
  private interface LineVisitor {
    void visit(Path doc, int number, String line);
  }

  /** Every line of every doc; inside fenced code only when {@code fences} (code is compiled elsewhere). */
  private static void eachLine(boolean fences, LineVisitor visitor) {
    DOCS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      boolean fenced = false;
      int n = 0;
      for (String line : e.getValue()) {
        n++;
        if (FENCE.matcher(line).find()) {
          fenced = !fenced;
          continue;
        }
        if (!fenced || fences) {
          visitor.visit(e.getKey(), n, line);
        }
      }
    });
  }
}

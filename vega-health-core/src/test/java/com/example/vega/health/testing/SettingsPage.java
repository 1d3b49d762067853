package com.example.vega.health.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/settings.md, the one settings reference, read as its tables: each declaration's test (core's
 * {@code Setting}, the probe server's options, Spring's properties, the doctor's) asks it for the row
 * that names a key in its first two cells (the variable, the Spring property).
 */
public final class SettingsPage {
  private static final Pattern DEFAULT_IN_SHAPE = Pattern.compile("\\(default ([^;)]+)");

  /** One table row: the variable and property cells, the default cell, the whole line. */
  public record Row(String names, String defaultValue, String line) {}

  private final List<Row> rows = new ArrayList<>();

  private SettingsPage(List<String> lines) {
    for (String line : lines) {
      if (!line.startsWith("|") || line.startsWith("|---")) {
        continue;
      }
      List<String> cells = Arrays.stream(line.substring(1).split("\\|", -1)).map(String::trim).toList();
      if (cells.size() >= 5) { // the reference's tables: variable | property | default | meaning |
        rows.add(new Row(cells.get(0) + " " + cells.get(1), cells.get(2).replace("`", ""), line));
      }
    }
  }

  /** The page beside the module being tested: {@code ../docs/settings.md}. */
  public static SettingsPage read() {
    Path p = Path.of("..", "docs", "settings.md");
    try {
      return new SettingsPage(Files.readAllLines(p));
    } catch (IOException e) {
      throw new UncheckedIOException("run from a module's directory, beside ../docs/settings.md", e);
    }
  }

  /** The rows naming {@code key} (backticked) as a variable or a property: one, for a declared key. */
  public List<Row> rowsNaming(String key) {
    String quoted = "`" + key + "`";
    return rows.stream().filter(r -> r.names().contains(quoted)).toList();
  }

  /** The default a setting's shape states ("... (default 8081)"), if it states one. */
  public static Optional<String> defaultIn(String shape) {
    Matcher m = DEFAULT_IN_SHAPE.matcher(shape);
    return m.find() ? Optional.of(m.group(1).trim()) : Optional.empty();
  }
}

package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No class of core's main code is over 350 lines: a class that grows past that gets split (issue 26). */
class CoreSourceSizeTest {
  private static final int MAX_LINES = 350;

  @Test
  void noMainSourceFileOfCoreIsOver350Lines() throws IOException {
    Map<String, Integer> over = new TreeMap<>();
    Map<String, Integer> lines = new TreeMap<>();
    Path root = Path.of("src", "main", "java");
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        String name = root.relativize(p).toString().replace('\\', '/');
        int n = Files.readAllLines(p).size();
        lines.put(name, n);
        if (n > MAX_LINES) {
          over.put(name, n);
        }
      }
    }
    assertThat(lines).as("core's main sources, walked from %s", root.toAbsolutePath()).hasSizeGreaterThan(50);
    assertThat(over).as("files over %d lines: split them into cohesive classes", MAX_LINES).isEmpty();
  }
}

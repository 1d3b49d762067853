package com.example.vega.examples.testing;

import com.example.vega.health.testing.TestJvm;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code java -jar vega-health-agent.jar doctor … --json} as a person runs it, with the given
 * environment only: its report, exit code and everything it printed.
 */
public final class DoctorProcess {
  private DoctorProcess() {}

  /** The report ({@code firstFailingHop}, {@code next}, {@code hops}…), the exit code and the raw output. */
  public record Report(int exit, JsonNode json, String out) {
    public String firstFailingHop() {
      return json.path("firstFailingHop").asString("");
    }

    public String next() {
      return json.path("next").asString("");
    }

    /** The named hop's field (status, detail, hint), or "" when there is no such hop. */
    public String hop(String name, String field) {
      for (JsonNode h : json.path("hops")) {
        if (name.equals(h.path("name").asString())) {
          return h.path(field).asString("");
        }
      }
      return "";
    }
  }

  /** The agent jar this build made (failsafe passes its path as {@code vega.agent.jar}). */
  public static Path jar() {
    Path p = Path.of(System.getProperty("vega.agent.jar",
        Path.of("..", "vega-health-agent", "target", "vega-health-agent.jar").toString()));
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(p + " is missing: build vega-health-agent first (mvn -pl examples -am verify)");
    }
    return p;
  }

  public static Report run(Map<String, String> env, String stdin, String... args) throws IOException, InterruptedException {
    // The report's arrows are UTF-8 whatever the locale of this machine (JDK 17 and 19+ properties).
    List<String> cmd = TestJvm.command();
    cmd.addAll(List.of("-Dsun.stdout.encoding=UTF-8", "-Dstdout.encoding=UTF-8", "-jar", jar().toString(), "doctor"));
    cmd.addAll(List.of(args));
    cmd.add("--json");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("doctor did not exit within 60 s:\n" + out);
    }
    int start = out.indexOf('{');
    if (start < 0) {
      throw new AssertionError("doctor printed no JSON (exit " + p.exitValue() + "):\n" + out);
    }
    return new Report(p.exitValue(), new ObjectMapper().readTree(out.substring(start)), out);
  }
}

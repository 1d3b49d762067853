package com.example.vega.examples.testing;

import com.example.vega.health.testing.ChildProcess;
import com.example.vega.health.testing.TestJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code java -jar vega-health-agent.jar doctor … --json} as a person runs it, with the given
 * environment only: its report, exit code and everything it printed.
 */
public final class DoctorProcess {
  /** The doctor bounds every hop itself; this only turns a hang into a failure. */
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

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
    ChildProcess.Result r = ChildProcess.builder("doctor", cmd).cleanEnvironment().env(env).stdin(stdin)
        .timeout(TIMEOUT).run();
    String out = r.out();
    int start = out.indexOf('{');
    if (start < 0) {
      throw new AssertionError("doctor printed no JSON (exit " + r.exit() + "):\n" + out);
    }
    return new Report(r.exit(), new ObjectMapper().readTree(out.substring(start)), out);
  }
}

package com.example.vega.examples.testing;

import com.example.vega.health.testing.TestJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An example service's {@code main} in a JVM of its own, as ECS runs it: this test class path, the
 * given environment only (plus PATH), its output and exit code.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** What the process printed (stdout and stderr together) and how it exited. */
  public record Result(int exit, String out) {}

  public static Result run(Class<?> main, Map<String, String> env, Duration timeout, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = TestJvm.command();
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    Process p = pb.start();
    // Read on another thread, so that a process that hangs still fails the test at the timeout.
    StringBuilder out = new StringBuilder();
    Thread reader = new Thread(() -> {
      try {
        out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // the process was killed
      }
    });
    reader.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor();
      reader.join(5_000);
      throw new AssertionError(main.getSimpleName() + " did not exit within " + timeout + ":\n" + out);
    }
    reader.join(5_000);
    return new Result(p.exitValue(), out.toString());
  }
}

package com.example.vega.examples.testing;

import com.example.vega.health.testing.ChildProcess;
import com.example.vega.health.testing.TestJvm;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An example service's {@code main} in a JVM of its own, as ECS runs it: this test class path, the
 * given environment only (plus PATH), its output and exit code. Bounded by {@link ChildProcess}.
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
    ChildProcess.Result r = ChildProcess.builder(main.getSimpleName(), cmd).cleanEnvironment().env(env)
        .timeout(timeout).run();
    return new Result(r.exit(), r.out());
  }
}

package com.example.vega.health.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The child-process helper with real {@code sh} processes: a hung child, and a grandchild that
 * holds the output pipe open, fail the test within the bound and leave no process behind.
 */
class ChildProcessTest {
  /** The child's own bound, and the much larger one this test gives the whole call before calling it a hang. */
  private static final Duration BOUND = Duration.ofSeconds(1);
  private static final Duration HANG = Duration.ofSeconds(60);
  private static final Pattern PID = Pattern.compile("pid (\\d+)");

  private final List<Long> started = new ArrayList<>();

  @AfterEach
  void killWhatATestLeft() {
    // Only if the helper failed: then the assertion below has already said so.
    started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  @Test
  void exitCodeAndOutputOfBothStreamsAreReturned() throws Exception {
    ChildProcess.Result r = ChildProcess.builder("sh", List.of("sh", "-c", "echo out; echo err >&2; exit 3"))
        .timeout(HANG).run();
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.out()).contains("out", "err");
  }

  @Test
  void stdinAndEnvironmentReachTheChild() throws Exception {
    ChildProcess.Result r = ChildProcess.builder("sh", List.of("sh", "-c", "read line; echo \"$line $GREETING ${HOME:-nohome}\""))
        .cleanEnvironment().env("GREETING", "hello").stdin("hi\n").timeout(HANG).run();
    assertThat(r.out().strip()).isEqualTo("hi hello nohome");
  }

  @Test
  void aHungChildFailsAtItsBoundWithItsOutputAndIsKilledWithItsGrandchild() {
    // The grandchild (the background sleep) holds the same output pipe: a reader that waited for
    // the end of the output before the timeout would hang here for ten minutes.
    ChildProcess.Builder hung = ChildProcess.builder("hung",
        List.of("sh", "-c", "echo pid $$; sleep 600 & echo pid $!; echo waiting; sleep 600")).timeout(BOUND);
    AssertionError failure = assertTimeoutPreemptively(HANG, () -> catchFailure(hung));
    assertThat(failure).hasMessageContaining("hung did not exit within PT1S").hasMessageContaining("waiting");
    List<Long> pids = pids(failure.getMessage());
    assertThat(pids).as("the shell and its background sleep printed their pids").hasSize(2);
    assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
        .as("process %d is gone", pid).isEmpty());
  }

  @Test
  void aChildThatExitsWhileAGrandchildKeepsItsOutputOpenDoesNotHangTheTest() {
    // The shell exits at once; the sleep it left behind is an orphan, no longer its descendant, and
    // still holds the pipe. Whether a read then ends depends on a race inside the JDK (when the
    // child exits it closes the pipe unless a read holds the stream), so either outcome may happen:
    // the output as it was, or a failure at the bound. Never a wait for the orphan.
    ChildProcess.Builder leaky = ChildProcess.builder("leaky",
        List.of("sh", "-c", "sleep 600 & echo pid $!; exit 0")).timeout(BOUND);
    String out = assertTimeoutPreemptively(HANG, () -> {
      try {
        return leaky.run().out();
      } catch (AssertionError e) {
        assertThat(e).hasMessageContaining("leaky exited (0) but a process it started kept its output open");
        return e.getMessage();
      }
    });
    assertThat(pids(out)).hasSize(1);
  }

  @Test
  void aServerStartedWithALogIsKilledWithItsDescendantsOnClose(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("server.log");
    ChildProcess server = ChildProcess.builder("server", List.of("sh", "-c", "sleep 600 & echo pid $!; sleep 600"))
        .log(log).timeout(BOUND).start();
    started.add(server.pid());
    long deadline = System.nanoTime() + HANG.toNanos();
    while (pids(server.output()).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long grandchild = pids(Files.readString(log)).get(0);
    started.add(grandchild);
    server.close();
    assertThat(server.isAlive()).isFalse();
    assertThat(ProcessHandle.of(grandchild).filter(ProcessHandle::isAlive)).isEmpty();
  }

  private AssertionError catchFailure(ChildProcess.Builder child) throws Exception {
    try {
      ChildProcess.Result r = child.run();
      throw new IllegalStateException("expected the bound to fail the call, but it returned " + r);
    } catch (AssertionError e) {
      return e;
    }
  }

  private List<Long> pids(String out) {
    List<Long> pids = new ArrayList<>();
    Matcher m = PID.matcher(out);
    while (m.find()) {
      pids.add(Long.parseLong(m.group(1)));
    }
    started.addAll(pids);
    return pids;
  }
}

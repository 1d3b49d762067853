package com.example.vega.health.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Every child process a test starts (a JVM, a script, an emulator): its output is drained while it
 * runs (on a thread of its own, or straight into a file), and waiting for it is bounded. At the
 * bound the process and every descendant it started are killed and the test fails with the tail
 * of what it printed, so a hung child, or a grandchild still holding the output pipe, fails the
 * build instead of hanging it.
 *
 * <pre>{@code
 * ChildProcess.Result r = ChildProcess.builder("demo", cmd).timeout(Duration.ofMinutes(5)).run();
 * }</pre>
 *
 * A long-lived server ({@code start()}, then {@link #close()}) is killed with its descendants too.
 * One limit: a descendant that its parent left behind (an orphan, re-parented to init) before this
 * class saw it is no longer a descendant; if it holds the output open, {@link #await()} returns
 * (the JDK closes a dead child's pipe unless a read is under way) or fails at the bound, but never
 * waits for it, and cannot name it to kill it.
 */
public final class ChildProcess implements AutoCloseable {
  /** How much of the output a failure message quotes. */
  static final int TAIL_CHARS = 4_000;
  /** After {@code SIGTERM}, how long shutdown hooks get (an embedded database stops itself) before {@code SIGKILL}. */
  private static final Duration GRACE = Duration.ofSeconds(10);

  /** What the process printed (stdout and stderr together) and how it exited. */
  public record Result(int exit, String out) {}

  private final String name;
  private final Process process;
  private final Duration timeout;
  private final @Nullable Path log;
  private final StringBuffer out = new StringBuffer();
  private final @Nullable Thread reader;
  /** Every descendant seen while waiting: one that outlives its parent is no longer a descendant. */
  private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();

  private ChildProcess(String name, Process process, Duration timeout, @Nullable Path log) {
    this.name = name;
    this.process = process;
    this.timeout = timeout;
    this.log = log;
    if (log == null) {
      InputStream in = process.getInputStream();
      reader = new Thread(() -> drain(in), "child-output-" + name);
      reader.setDaemon(true); // a pipe held by a process we could not kill never keeps the JVM alive
      reader.start();
    } else {
      reader = null;
    }
  }

  public static Builder builder(String name, List<String> command) {
    return new Builder(name, command);
  }

  private void drain(InputStream in) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException closed) {
      // the process was killed, or close() closed the stream
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything printed so far. */
  public String output() {
    if (log != null) {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(cannot read " + log + ": " + e + ")";
      }
    }
    return out.toString();
  }

  /**
   * Waits until the process has exited and its output is closed, within the builder's timeout;
   * past it, kills the process and its descendants and throws an {@link AssertionError} with the
   * output's tail.
   */
  public Result await() throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!process.waitFor(Math.min(100, remainingMillis(deadline)), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(seen::add);
      if (remainingMillis(deadline) <= 0) {
        kill();
        throw new AssertionError(name + " did not exit within " + timeout + "; killed it and its descendants."
            + " Its output ended with:\n" + tail(output()));
      }
    }
    if (reader != null) {
      reader.join(Math.max(1, remainingMillis(deadline)));
      if (reader.isAlive()) {
        // The process exited, but something it started still holds the output pipe open.
        kill();
        throw new AssertionError(name + " exited (" + process.exitValue() + ") but a process it started kept its"
            + " output open past " + timeout + "; killed its descendants. Its output ended with:\n" + tail(output()));
      }
    }
    killDescendants(); // nothing a finished child started outlives the test
    return new Result(process.exitValue(), output());
  }

  private static long remainingMillis(long deadline) {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  /** Kills the process and its descendants (asked first, then forced), and waits until they are gone. */
  @Override
  public void close() {
    kill();
  }

  private void kill() {
    List<ProcessHandle> tree = new ArrayList<>(seen);
    tree.addAll(process.descendants().toList());
    tree.add(process.toHandle());
    // Asked first: a JVM's shutdown hooks stop what it started outside the tree (an embedded
    // Postgres that pg_ctl detached), which SIGKILL would orphan.
    process.destroy();
    try {
      process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Whatever the tree forked meanwhile, the handles already held still name it.
    for (ProcessHandle h : List.copyOf(tree)) {
      h.descendants().forEach(tree::add);
    }
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // reported by the caller's "no process left behind" check, if it has one
      }
    }
    if (reader != null) {
      try {
        reader.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void killDescendants() {
    List<ProcessHandle> tree = new ArrayList<>(seen);
    tree.addAll(process.descendants().toList());
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  static String tail(String s) {
    return s.length() <= TAIL_CHARS ? s : "…" + s.substring(s.length() - TAIL_CHARS);
  }

  /** A child process to start: its command, environment, input, output and bound. */
  public static final class Builder {
    private final String name;
    private final List<String> command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> removed = new ArrayList<>();
    private boolean cleanEnvironment;
    private Duration timeout = Duration.ofMinutes(2);
    private @Nullable String stdin;
    private @Nullable Path log;

    private Builder(String name, List<String> command) {
      this.name = Objects.requireNonNull(name, "name");
      if (command.isEmpty()) {
        throw new IllegalArgumentException("command is empty");
      }
      this.command = List.copyOf(command);
    }

    /** Only the given environment (plus PATH), as ECS or a person's clean shell would give it. */
    public Builder cleanEnvironment() {
      this.cleanEnvironment = true;
      return this;
    }

    public Builder env(Map<String, String> values) {
      env.putAll(values);
      return this;
    }

    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public Builder removeEnv(String key) {
      removed.add(key);
      return this;
    }

    /** How long {@link ChildProcess#await()} waits at most; required to be positive. */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** Written to the process's stdin, which is then closed. */
    public Builder stdin(String text) {
      this.stdin = text;
      return this;
    }

    /** Output goes to this file (for a server that logs for minutes, or a log a test reads). */
    public Builder log(Path file) {
      this.log = file;
      return this;
    }

    public ChildProcess start() throws IOException {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      if (log != null) {
        pb.redirectOutput(log.toFile());
      }
      Map<String, String> e = pb.environment();
      String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
      if (cleanEnvironment) {
        e.clear();
        e.put("PATH", path);
      }
      removed.forEach(e::remove);
      e.putAll(env);
      Process p = pb.start();
      ChildProcess child = new ChildProcess(name, p, timeout, log);
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      } catch (IOException exitedAlready) {
        // its output says why
      }
      return child;
    }

    /** Starts the process and {@link ChildProcess#await()}s it. */
    public Result run() throws IOException, InterruptedException {
      ChildProcess child = start();
      try {
        return child.await();
      } catch (RuntimeException | Error e) {
        child.close();
        throw e;
      }
    }
  }

}

package com.example.vega.health.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.TestJvm;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A JVM started by a test: the shaded agent jar attached to {@code HostMain}, or the doctor. */
public final class HostProcess implements AutoCloseable {
  public static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final Process process;
  final Path out;
  final Path err;

  private HostProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  static Path agentJar() {
    String p = System.getProperty("vega.agent.jar", "target/vega-health-agent.jar");
    Path jar = Path.of(p);
    assertThat(jar).as("the shaded agent jar (built by package, before failsafe runs)").exists();
    return jar;
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The test classes plus the OpenTelemetry API: a small host that has the API, like the runner. */
  static String hostClasspath() {
    List<String> cp = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(e).getFileName().toString();
      if (e.endsWith("test-classes") || name.startsWith("opentelemetry-api-")
          || name.startsWith("opentelemetry-context-") || name.startsWith("opentelemetry-common-")) {
        cp.add(e);
      }
    }
    return String.join(File.pathSeparator, cp);
  }

  static HostProcess attach(Map<String, String> env, String... jvmArgs) throws IOException {
    List<String> cmd = TestJvm.command();
    cmd.add("-javaagent:" + agentJar().toAbsolutePath());
    cmd.addAll(List.of(jvmArgs));
    cmd.add("-cp");
    cmd.add(hostClasspath());
    cmd.add("com.example.vega.health.agent.host.HostMain");
    return start(cmd, env);
  }

  public static HostProcess doctor(Map<String, String> env, String... args) throws IOException {
    List<String> cmd = TestJvm.command();
    cmd.addAll(List.of("-jar", agentJar().toAbsolutePath().toString(), "doctor"));
    cmd.addAll(List.of(args));
    return start(cmd, env);
  }

  static HostProcess start(List<String> cmd, Map<String, String> env) throws IOException {
    Path out = Files.createTempFile("vega-host", ".out");
    Path err = Files.createTempFile("vega-host", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    // A clean environment: nothing from the developer's shell leaks into what is tested.
    Map<String, String> e = pb.environment();
    e.keySet().removeIf(k -> k.startsWith("VEGA_") || k.startsWith("OTEL_") || k.startsWith("AWS_")
        || k.equals("TRACEPARENT") || k.equals("TRACESTATE") || k.equals("BAGGAGE"));
    e.putAll(env);
    return new HostProcess(pb.start(), out, err);
  }

  public String stdout() {
    return read(out);
  }

  public String stderr() {
    return read(err);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until stdout or stderr contains {@code text}. */
  boolean awaitOutput(String text, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (stdout().contains(text) || stderr().contains(text)) {
        return true;
      }
      if (!process.isAlive()) {
        return stdout().contains(text) || stderr().contains(text);
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** Lets HostMain return, then waits for the JVM to exit by itself. */
  int finish() throws Exception {
    if (process.isAlive()) {
      try (OutputStream in = process.getOutputStream()) {
        in.write('\n');
      } catch (IOException ignored) {
        // already gone
      }
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the JVM exits by itself: " + stderr()).isTrue();
    return process.exitValue();
  }

  public int waitExit(Duration max) throws Exception {
    assertThat(process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)).as("exits within " + max + ": " + stderr()).isTrue();
    return process.exitValue();
  }

  static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Polls until {@code url} answers at all (any status). */
  static HttpResponse<String> await(String url, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        return get(url);
      } catch (IOException e) {
        last = e;
        Thread.sleep(50);
      }
    }
    throw new AssertionError("no answer from " + url + " within " + max, last);
  }

  static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  /** Kills the JVM and anything it started (as ChildProcess does; this one keeps stdin open for finish()). */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}

package com.example.vega.health.testing;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * A real AWS emulator for tests: {@code moto_server} (from the moto Python package), started once
 * per JVM on a free loopback port and stopped at exit. Tests call {@link #shared()} then
 * {@link #reset()} before each test.
 *
 * <p>Where moto_server is not installed the calling test is skipped with the reason, never
 * passed silently; in CI (the environment variable {@code CI=true}, which {@code .ci/run} sets) a
 * missing emulator fails the test instead, so that CI can never go green with the AWS tests left out.
 */
public final class MotoServer {
  public static final String REGION = "us-west-1";
  private static MotoServer shared;
  private final ChildProcess process;
  private final int port;

  private MotoServer(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The path of moto_server, if installed. */
  public static Optional<Path> executable() {
    String override = System.getenv("VEGA_TEST_MOTO_SERVER");
    if (override != null && Files.isExecutable(Path.of(override))) {
      return Optional.of(Path.of(override));
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir, "moto_server");
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    Path pyenv = Path.of(System.getProperty("user.home"), ".pyenv", "shims", "moto_server");
    return Files.isExecutable(pyenv) ? Optional.of(pyenv) : Optional.empty();
  }

  private static final String MISSING = "moto_server is not installed (pip install 'moto[server]')";

  /** Whether this is a CI run ({@code CI=true}), where no emulator test may be skipped. */
  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * Whether moto_server is installed. A test that leaves its AWS parts out when it is not must then
   * end with {@link #skippedParts(String)}. In CI a missing emulator fails here.
   */
  public static boolean installed() {
    boolean present = executable().isPresent();
    if (!present && inCi()) {
      throw new IllegalStateException(MISSING + ", and CI=true: CI must run every AWS emulator test");
    }
    return present;
  }

  /** Reports the calling test as skipped (not passed) because its AWS parts could not run. */
  public static void skippedParts(String what) {
    Assumptions.abort(MISSING + ": " + what + " skipped; the rest passed");
  }

  /** The JVM-wide emulator; skips the calling test when moto_server is not installed (fails in CI). */
  public static synchronized MotoServer shared() {
    Optional<Path> exe = executable();
    if (exe.isEmpty() && inCi()) {
      throw new IllegalStateException(MISSING + ", and CI=true: CI must run every AWS emulator test");
    }
    Assumptions.assumeTrue(exe.isPresent(), MISSING + ", so this AWS emulator test is skipped");
    if (shared == null) {
      shared = start(exe.get());
      MotoServer s = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
    }
    return shared;
  }

  private static MotoServer start(Path exe) {
    int port = freePort();
    try {
      Path log = Files.createTempFile("moto-", ".log");
      ChildProcess p = ChildProcess.builder("moto_server",
          List.of(exe.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))).log(log).start();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        if (!p.isAlive()) {
          throw new IllegalStateException("moto_server exited: " + Files.readString(log));
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
          MotoServer m = new MotoServer(p, port);
          m.reset();
          return m;
        } catch (IOException notYet) {
          Thread.sleep(100);
        }
      }
      p.close();
      throw new IllegalStateException("moto_server did not listen on port " + port + " within 60s");
    } catch (IOException e) {
      throw new IllegalStateException("could not start moto_server: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return port;
  }

  /** The endpoint to give SDK clients ({@code endpointOverride}) or {@code AWS_ENDPOINT_URL}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Forgets every resource (queues, buckets, secrets, clusters, IAM). */
  public void reset() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/moto-api/reset").toURL().openConnection();
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.getOutputStream().close();
      int code = c.getResponseCode();
      if (code != 200) {
        throw new IllegalStateException("moto reset answered " + code);
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not reset moto_server: " + e, e);
    }
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Stops moto_server (asked, then forced) and anything it started. */
  public void stop() {
    process.close();
  }
}

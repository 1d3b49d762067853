package com.example.vega.health.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.testing.TestJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code JAVA_TOOL_OPTIONS=-javaagent:...} reaches every {@code java} in the container, the ECS
 * health check's Probe and the doctor included (issue 22): there the agent must do nothing. The
 * JVM's class-loading log shows what ran: premain loads {@code VegaAgent$Starter} before main
 * whenever it starts, so its absence is certain, not a matter of how long we waited.
 */
class AgentInOwnMainsIT {
  private static final Pattern VEGA_CLASS = Pattern.compile("\\] (com\\.example\\.vega\\.health\\.\\S+) source:");
  /** What the Probe's own main loads; nothing of the agent's start may join them. */
  private static final List<String> PROBE_CLASSES = List.of("com.example.vega.health.agent.VegaAgent",
      "com.example.vega.health.agent.Probe", "com.example.vega.health.agent.Text");

  private static List<String> command(Path classLog) {
    List<String> cmd = TestJvm.command();
    cmd.add("-javaagent:" + HostProcess.agentJar().toAbsolutePath());
    cmd.add("-Xlog:class+load=info:file=" + classLog);
    return cmd;
  }

  private static List<String> vegaClasses(Path classLog) throws IOException {
    List<String> names = new ArrayList<>();
    Matcher m = VEGA_CLASS.matcher(Files.readString(classLog, StandardCharsets.UTF_8));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void theProbesJvmStartsNoAgentAndExitsWithTheProbesCode() throws Exception {
    Path classLog = Files.createTempFile("vega-probe-classes", ".log");
    int healthPort = MotoServer.freePort();
    int controlPort = MotoServer.freePort();
    Map<String, String> env = Map.of("VEGA_HEALTH_PORT", String.valueOf(healthPort), "VEGA_ENVIRONMENT", "test");
    try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      target.setSoTimeout(30_000);
      List<String> cmd = command(classLog);
      cmd.addAll(List.of("-cp", HostProcess.agentJar().toAbsolutePath().toString(),
          "com.example.vega.health.agent.Probe", "http://127.0.0.1:" + target.getLocalPort() + "/v1/healthz/live",
          "30000"));
      try (HostProcess probe = HostProcess.start(cmd, env)) {
        try (Socket request = target.accept()) {
          BufferedReader in = new BufferedReader(new InputStreamReader(request.getInputStream(), StandardCharsets.US_ASCII));
          for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            // the Probe's request: its main is running, so premain is long done
          }
          // Held while a second JVM, started only now with the same agent on a normal main, boots
          // and serves its port: an agent started in the Probe's JVM had all that time and more.
          try (HostProcess control = HostProcess.attach(Map.of("VEGA_HEALTH_PORT", String.valueOf(controlPort),
              "VEGA_ENVIRONMENT", "test"))) {
            HostProcess.await("http://127.0.0.1:" + controlPort + "/v1/healthz/live", Duration.ofSeconds(30));
            assertThat(control.stderr()).contains("vega-health");
            assertThat(listening(healthPort)).as("the Probe's JVM serves no health port").isFalse();
            assertThat(control.finish()).isZero();
          }
          OutputStream out = request.getOutputStream();
          out.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
        assertThat(probe.waitExit(Duration.ofSeconds(30))).as("the Probe's own exit code for a 503").isEqualTo(1);
        assertThat(probe.stderr()).contains("vega probe: ").contains("answered 503").doesNotContain("vega-health");
        assertThat(probe.stdout()).isEmpty();
      }
    }
    assertThat(vegaClasses(classLog)).as("Vega classes loaded in the Probe's JVM")
        .contains("com.example.vega.health.agent.Probe").isSubsetOf(PROBE_CLASSES);
  }

  @Test
  void theDoctorsJvmStartsNoAgent() throws Exception {
    Path classLog = Files.createTempFile("vega-doctor-classes", ".log");
    List<String> cmd = command(classLog);
    cmd.addAll(List.of("-jar", HostProcess.agentJar().toAbsolutePath().toString(), "doctor",
        "--url", "http://127.0.0.1:" + MotoServer.freePort(), "--timeout", "3s"));
    try (HostProcess doctor = HostProcess.start(cmd, Map.of("VEGA_HEALTH_PORT", String.valueOf(MotoServer.freePort())))) {
      assertThat(doctor.waitExit(Duration.ofSeconds(60))).as("the doctor's code for an unreachable URL").isEqualTo(2);
      assertThat(doctor.stderr()).contains("is unreachable: connection refused").hasLineCount(1);
    }
    assertThat(vegaClasses(classLog)).contains("com.example.vega.health.agent.Main")
        .noneMatch(c -> c.startsWith("com.example.vega.health.agent.VegaAgent$"))
        .doesNotContain("com.example.vega.health.agent.AgentRuntime", "com.example.vega.health.agent.AgentConfig");
  }
}

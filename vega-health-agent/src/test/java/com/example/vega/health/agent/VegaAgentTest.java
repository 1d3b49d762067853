package com.example.vega.health.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which JVMs the agent stays out of: those whose main is its own Probe or doctor. */
class VegaAgentTest {
  @TempDir
  Path dir;

  private Path jar(String name, String mainClass) throws IOException {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    Path p = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(p); JarOutputStream j = new JarOutputStream(out, m)) {
      j.flush();
    }
    return p;
  }

  @Test
  void theProbeAndTheDoctorAreTheAgentsOwnMains() throws Exception {
    assertThat(VegaAgent.ownMain("com.example.vega.health.agent.Probe http://127.0.0.1:8081/v1/healthz/live",
        "/opt/vega-health-agent.jar")).isTrue();
    assertThat(VegaAgent.ownMain("com.example.vega.health.agent.Probe", "/opt/vega-health-agent.jar")).isTrue();
    String agent = jar("vega health agent.jar", "com.example.vega.health.agent.Main").toString();
    assertThat(VegaAgent.ownMain(agent + " doctor --role api", agent)).isTrue();
    assertThat(VegaAgent.ownMain(agent, agent + File.pathSeparator + "/opt/other.jar")).isTrue();
  }

  @Test
  void anyOtherMainGetsTheAgent() throws Exception {
    assertThat(VegaAgent.ownMain("com.example.vega.api.ApiMain --port 8000", "/app/classes")).isFalse();
    assertThat(VegaAgent.ownMain("com.example.vega.health.agent.ProbeLike", "/app/classes")).isFalse();
    String app = jar("app.jar", "com.example.vega.api.ApiMain").toString();
    assertThat(VegaAgent.ownMain(app + " --port 8000", app)).isFalse();
    // Unknown is "no": the agent starts as before.
    assertThat(VegaAgent.ownMain(null, null)).isFalse();
    assertThat(VegaAgent.ownMain("", "")).isFalse();
    String missing = dir.resolve("gone.jar").toString();
    assertThat(VegaAgent.ownMain(missing + " doctor", missing)).isFalse();
  }
}

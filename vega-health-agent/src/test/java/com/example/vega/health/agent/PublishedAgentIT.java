package com.example.vega.health.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What {@code install} publishes as {@code com.example.vega:vega-health-agent} (the coordinate the
 * BOM manages), read from a Maven repository the way a user's build resolves it: the build installs
 * this module into {@code target/published-repo} (maven-invoker-plugin's install, the artifacts and
 * POM that install and deploy publish), and this test takes the jar and POM from that repository's
 * layout. The jar must be the runnable, shaded one: the others ITs' agent, byte for byte.
 */
class PublishedAgentIT {
  private static final String GROUP = "com/example/vega";
  private static final String ARTIFACT = "vega-health-agent";
  /** The only classes allowed outside the agent's own package: the API it shares with its host. */
  private static final List<String> UNRELOCATED_ALLOWED =
      List.of("io/opentelemetry/api/", "io/opentelemetry/context/", "io/opentelemetry/common/");

  private static Path published(String extension) {
    String repo = System.getProperty("vega.published.repo", "target/published-repo");
    String version = System.getProperty("vega.published.version");
    assertThat(version).as("vega.published.version (set by failsafe)").isNotNull();
    Path file = Path.of(repo, GROUP, ARTIFACT, version, ARTIFACT + "-" + version + "." + extension);
    assertThat(file).as("installed into the test repository before the ITs run").exists();
    return file;
  }

  @Test
  void thePublishedJarIsTheShadedAgentThatTheOtherTestsAttach() throws Exception {
    Path jar = published("jar");
    assertThat(Files.mismatch(jar, HostProcess.agentJar())).as("same bytes as target/vega-health-agent.jar").isEqualTo(-1L);
    try (JarFile j = new JarFile(jar.toFile())) {
      Attributes main = j.getManifest().getMainAttributes();
      assertThat(main.getValue("Premain-Class")).isEqualTo(VegaAgent.class.getName());
      assertThat(main.getValue("Main-Class")).isEqualTo(Main.class.getName());
      assertThat(main.getValue("Automatic-Module-Name")).isEqualTo("com.example.vega.health.agent");
    }
  }

  @Test
  void thePublishedJarHoldsNoUnrelocatedClassButTheOpenTelemetryApi() throws Exception {
    try (JarFile j = new JarFile(published("jar").toFile())) {
      List<String> classes = j.stream().map(JarEntry::getName)
          .filter(n -> n.endsWith(".class"))
          .map(n -> n.replaceFirst("^META-INF/versions/\\d+/", ""))
          .toList();
      assertThat(classes).as("bundles core, the AWS SDK, Netty and the SDK, relocated")
          .anyMatch(n -> n.startsWith("com/example/vega/health/agent/shaded/core/HealthMonitor"))
          .anyMatch(n -> n.startsWith("com/example/vega/health/agent/shaded/software/amazon/awssdk/"))
          .anyMatch(n -> n.startsWith("com/example/vega/health/agent/shaded/io/opentelemetry/sdk/"));
      assertThat(classes.stream()
          .filter(n -> !n.startsWith("com/example/vega/health/agent/"))
          .filter(n -> UNRELOCATED_ALLOWED.stream().noneMatch(n::startsWith))
          .toList()).as("third-party classes outside the agent's prefix").isEmpty();
    }
  }

  @Test
  void thePublishedPomDeclaresNothingTheJarAlreadyBundles() throws Exception {
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(published("pom").toFile());
    NodeList deps = doc.getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      String coordinate = text(d, "groupId") + ":" + text(d, "artifactId");
      String scope = text(d, "scope");
      if (scope.equals("test")) {
        continue;
      }
      assertThat(coordinate).as("a runtime dependency of the published agent")
          .doesNotStartWith("com.example.vega:")
          .doesNotStartWith("software.amazon.awssdk:")
          .doesNotStartWith("io.opentelemetry")
          .doesNotStartWith("io.netty:")
          .doesNotStartWith("org.postgresql:")
          .doesNotStartWith("org.slf4j:");
    }
  }

  @Test
  void sourcesJavadocAndTheProjectsMetadataArePublishedBesideIt() throws Exception {
    Path jar = published("jar");
    String base = jar.getFileName().toString().replaceFirst("\\.jar$", "");
    try (JarFile sources = new JarFile(jar.resolveSibling(base + "-sources.jar").toFile());
        JarFile javadoc = new JarFile(jar.resolveSibling(base + "-javadoc.jar").toFile())) {
      assertThat(sources.getEntry("com/example/vega/health/agent/VegaAgent.java")).isNotNull();
      assertThat(javadoc.getEntry("index.html")).isNotNull();
      assertThat(javadoc.getEntry("com/example/vega/health/agent/VegaAgent.html")).isNotNull();
    }
    // The POM names its parent; licence, SCM and developers come from there, as a user's build reads them.
    var factory = DocumentBuilderFactory.newInstance();
    Element pom = factory.newDocumentBuilder().parse(published("pom").toFile()).getDocumentElement();
    Element parentRef = (Element) pom.getElementsByTagName("parent").item(0);
    assertThat(parentRef).isNotNull();
    String version = text(parentRef, "version");
    Path parentPom = Path.of(System.getProperty("vega.published.repo", "target/published-repo"), GROUP,
        text(parentRef, "artifactId"), version, text(parentRef, "artifactId") + "-" + version + ".pom");
    Element parent = factory.newDocumentBuilder().parse(parentPom.toFile()).getDocumentElement();
    Element meta = pom.getElementsByTagName("licenses").getLength() > 0 ? pom : parent;
    assertThat(text((Element) meta.getElementsByTagName("license").item(0), "name")).isEqualTo("Apache-2.0");
    meta = pom.getElementsByTagName("scm").getLength() > 0 ? pom : parent;
    assertThat(text((Element) meta.getElementsByTagName("scm").item(0), "connection")).startsWith("scm:git:");
    meta = pom.getElementsByTagName("developers").getLength() > 0 ? pom : parent;
    assertThat(text((Element) meta.getElementsByTagName("developer").item(0), "name")).isNotBlank();
  }

  @Test
  void thePublishedJarRunsAsAProgram() throws Exception {
    try (HostProcess p = HostProcess.start(List.of(HostProcess.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-jar", published("jar").toString()), Map.of())) {
      assertThat(p.waitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(Files.readString(p.err, StandardCharsets.UTF_8)).contains("usage: java -jar vega-health-agent.jar doctor");
    }
  }

  private static String text(Element e, String tag) {
    NodeList n = e.getElementsByTagName(tag);
    return n.getLength() == 0 ? "" : n.item(0).getTextContent().trim();
  }
}

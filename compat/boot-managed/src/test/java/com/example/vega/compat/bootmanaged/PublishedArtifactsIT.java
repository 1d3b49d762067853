package com.example.vega.compat.bootmanaged;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.HealthMonitor;
import com.example.vega.health.spring.VegaHealthAutoConfiguration;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What a user's build gets for {@code vega-health-core} and {@code vega-health-spring} (the agent's
 * artifact is PublishedAgentIT's): the jars this application was built against, with the
 * {@code -sources.jar} and {@code -javadoc.jar} the build attaches beside them, the module name in
 * the manifest, and the POM inside the jar (the one install and deploy publish) naming, itself or
 * through the parent POM it inherits from, the licence, the SCM and the developers.
 */
class PublishedArtifactsIT {

  @ParameterizedTest
  @CsvSource({
    "vega-health-core, com.example.vega.health.core, com/example/vega/health/HealthMonitor",
    "vega-health-spring, com.example.vega.health.spring, com/example/vega/health/spring/VegaHealthAutoConfiguration"
  })
  void eachPublishedJarComesWithSourcesJavadocModuleNameAndPomMetadata(
      String artifactId, String moduleName, String publicType) throws Exception {
    Path jar = jarOf(artifactId.equals("vega-health-core") ? HealthMonitor.class : VegaHealthAutoConfiguration.class);
    assertThat(jar.getFileName().toString()).as("built as a jar, not read from classes").startsWith(artifactId + "-")
        .endsWith(".jar");
    String base = jar.getFileName().toString().replaceFirst("\\.jar$", "");

    try (JarFile j = new JarFile(jar.toFile())) {
      assertThat(j.getManifest().getMainAttributes().getValue("Automatic-Module-Name")).isEqualTo(moduleName);
      ZipEntry pomEntry = j.getEntry("META-INF/maven/com.example.vega/" + artifactId + "/pom.xml");
      assertThat(pomEntry).as("the POM install publishes, inside the jar").isNotNull();
      Document pom;
      try (InputStream in = j.getInputStream(pomEntry)) {
        pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
      }
      assertThat(text(pom.getDocumentElement(), "name")).as("name").isNotBlank();
      assertThat(text(pom.getDocumentElement(), "description")).as("description").isNotBlank();
      Element parentRef = child(pom.getDocumentElement(), "parent");
      assertThat(parentRef).as("inherits the project's metadata from the parent POM").isNotNull();
      assertThat(text(parentRef, "artifactId")).isEqualTo("vega-health-parent");
      Document parent = DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(Path.of(System.getProperty("vega.parent.pom")).toFile());

      Element licenses = effective(pom, parent, "licenses");
      assertThat(licenses).as("licenses").isNotNull();
      Element license = child(licenses, "license");
      assertThat(text(license, "name")).isEqualTo("Apache-2.0");
      assertThat(text(license, "url")).isEqualTo("https://www.apache.org/licenses/LICENSE-2.0.txt");
      Element scm = effective(pom, parent, "scm");
      assertThat(scm).as("scm").isNotNull();
      assertThat(text(scm, "connection")).startsWith("scm:git:");
      assertThat(text(scm, "url")).isNotBlank();
      Element developers = effective(pom, parent, "developers");
      assertThat(developers).as("developers").isNotNull();
      assertThat(text(child(developers, "developer"), "name")).isNotBlank();
      assertThat(effective(pom, parent, "url")).as("url").isNotNull();
    }

    Path sources = jar.resolveSibling(base + "-sources.jar");
    Path javadoc = jar.resolveSibling(base + "-javadoc.jar");
    assertThat(sources).exists();
    assertThat(javadoc).exists();
    try (JarFile s = new JarFile(sources.toFile()); JarFile d = new JarFile(javadoc.toFile())) {
      assertThat(s.getEntry(publicType + ".java")).as("sources of " + publicType).isNotNull();
      assertThat(d.getEntry("index.html")).isNotNull();
      assertThat(d.getEntry(publicType + ".html")).as("javadoc of " + publicType).isNotNull();
    }
  }

  private static Path jarOf(Class<?> type) throws Exception {
    Path p = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(Files.isRegularFile(p)).as(p + " is a jar").isTrue();
    return p;
  }

  /** The module's own element, else the parent's: what Maven's inheritance gives a user's build. */
  private static Element effective(Document pom, Document parent, String tag) {
    Element own = child(pom.getDocumentElement(), tag);
    return own != null ? own : child(parent.getDocumentElement(), tag);
  }

  private static Element child(Element e, String tag) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(tag)) {
        return c;
      }
    }
    return null;
  }

  private static String text(Element e, String tag) {
    Element c = child(e, tag);
    return c == null ? "" : c.getTextContent().trim();
  }
}

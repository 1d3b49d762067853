package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every {@code VEGA_*} setting is declared once, in {@link Setting}, and every declaration is in the
 * docs a user reads: the module's own settings in docs/agent.md (its settings table), the
 * services' settings in docs/checks.md or docs/agent.md. A setting added in code without a line in the
 * docs fails here.
 */
class SettingsDocumentedTest {
  private static String doc(String name) throws Exception {
    Path p = Path.of("..", "docs", name);
    assertThat(p).as("run from the module's directory, beside ../docs").exists();
    return Files.readString(p);
  }

  @Test
  void everyDeclaredSettingIsInTheDocs() throws Exception {
    String agent = doc("agent.md");
    String checks = doc("checks.md");
    for (Setting s : Setting.values()) {
      String quoted = "`" + s.key() + "`";
      if (s.serviceSetting()) {
        assertThat(checks.contains(quoted) || agent.contains(quoted)).as(s.key() + " in docs/checks.md or docs/agent.md")
            .isTrue();
      } else {
        assertThat(agent).as(s.key() + " in docs/agent.md").contains(quoted);
      }
    }
  }
}

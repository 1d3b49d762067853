package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.SettingsPage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/settings.md, the one settings reference, has exactly one row for every {@link Setting}, and
 * that row states the default the declaration states. A setting added in code without its row, or a
 * default changed in one place only, fails here. (The probe server's settings:
 * {@code HealthServerSettingsDocumentedTest}; Spring's properties: {@code SettingsReferenceTest}.)
 */
class SettingsDocumentedTest {
  private final SettingsPage page = SettingsPage.read();

  @Test
  void everyDeclaredSettingHasExactlyOneRowInTheReference() {
    for (Setting s : Setting.values()) {
      assertThat(page.rowsNaming(s.key())).as(s.key() + " rows in docs/settings.md").hasSize(1);
    }
  }

  @Test
  void eachRowStatesTheDefaultTheDeclarationStates() {
    int stated = 0;
    for (Setting s : Setting.values()) {
      List<SettingsPage.Row> rows = page.rowsNaming(s.key());
      String declared = SettingsPage.defaultIn(s.shape()).orElse(null);
      if (declared != null && rows.size() == 1) {
        stated++;
        assertThat(rows.get(0).defaultValue()).as(s.key() + "'s default in docs/settings.md").contains(declared);
      }
    }
    assertThat(stated).as("settings whose shape states a default").isGreaterThanOrEqualTo(5);
  }
}

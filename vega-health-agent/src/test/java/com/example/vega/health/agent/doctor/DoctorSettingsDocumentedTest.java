package com.example.vega.health.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.SettingsPage;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/** docs/settings.md has exactly one row for every setting the doctor reads ({@link Settings}). */
class DoctorSettingsDocumentedTest {

  @Test
  void everySettingTheDoctorReadsHasOneRow() throws Exception {
    SettingsPage page = SettingsPage.read();
    int read = 0;
    for (Field f : Settings.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        f.setAccessible(true);
        String key = (String) f.get(null);
        read++;
        assertThat(page.rowsNaming(key)).as(key + " rows in docs/settings.md").hasSize(1);
      }
    }
    assertThat(read).as("settings the doctor declares").isGreaterThan(10);
  }
}

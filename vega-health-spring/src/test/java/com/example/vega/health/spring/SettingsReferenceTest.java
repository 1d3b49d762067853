package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.SettingsPage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import com.jayway.jsonpath.JsonPath;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/settings.md has exactly one row for every {@code vega.health.*} property in the configuration
 * metadata generated from {@link VegaHealthProperties} (a check's keys once, as
 * {@code vega.health.checks.<name>.*}), and states the default the metadata declares.
 */
class SettingsReferenceTest {
  @Test
  void everyPropertyHasOneRowStatingItsDeclaredDefault() throws Exception {
    String json;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("generated metadata").isNotNull();
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, String> properties = new LinkedHashMap<>();
    List<Map<String, Object>> declared = JsonPath.read(json, "$.properties[*]");
    for (Map<String, Object> p : declared) {
      String name = ((String) p.get("name")).replaceFirst("^vega\\.health\\.checks\\.[^.]+\\.", "vega.health.checks.<name>.");
      Object value = p.get("defaultValue");
      if (!name.equals("vega.health.checks")) { // the map itself: its entries are the rows
        properties.merge(name, value == null ? "" : String.valueOf(value), (a, b) -> a.isEmpty() ? b : a);
      }
    }
    assertThat(properties).as("properties in the metadata").containsKeys("vega.health.enabled", "vega.health.server.port");
    SettingsPage page = SettingsPage.read();
    properties.forEach((name, value) -> {
      assertThat(page.rowsNaming(name)).as(name + " rows in docs/settings.md").hasSize(1);
      if (!value.isEmpty()) {
        assertThat(page.rowsNaming(name).get(0).defaultValue()).as(name + "'s default")
            .contains(value.toLowerCase(Locale.ROOT));
      }
    });
  }
}

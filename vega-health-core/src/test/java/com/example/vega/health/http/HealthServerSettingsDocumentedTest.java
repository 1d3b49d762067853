package com.example.vega.health.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.SettingsPage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/settings.md has one row for each probe-server setting, with the default {@link HealthServer.Options} has. */
class HealthServerSettingsDocumentedTest {

  @Test
  void eachProbeServerSettingHasOneRowWithTheCodesDefault() {
    HealthServer.Options d = HealthServer.Options.defaults();
    Map<String, String> defaults = Map.of(
        HealthServer.Options.REQUEST_TIMEOUT, d.requestTimeout().toSeconds() + "s",
        HealthServer.Options.MAX_CONNECTIONS, String.valueOf(d.maxConnections()),
        HealthServer.Options.MAX_REQUEST_LINE, String.valueOf(d.maxRequestLineBytes()),
        HealthServer.Options.MAX_HEADER, String.valueOf(d.maxHeaderBytes()));
    SettingsPage page = SettingsPage.read();
    defaults.forEach((key, value) -> {
      assertThat(page.rowsNaming(key)).as(key + " rows in docs/settings.md").hasSize(1);
      assertThat(page.rowsNaming(key).get(0).defaultValue()).as(key + "'s default").contains(value);
    });
  }
}

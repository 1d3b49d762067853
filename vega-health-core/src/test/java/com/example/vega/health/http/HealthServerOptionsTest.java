package com.example.vega.health.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.VegaSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthServerOptionsTest {

  @Test
  void defaultsAreTwoSecondsAndTheNettyHttpLimits() {
    HealthServer.Options o = HealthServer.Options.defaults();
    assertThat(o.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.maxConnections()).isEqualTo(256);
    assertThat(o.maxRequestLineBytes()).isEqualTo(4096);
    assertThat(o.maxHeaderBytes()).isEqualTo(8192);
  }

  @Test
  void outOfRangeValuesAreRefusedNamingTheOption() {
    HealthServer.Options o = HealthServer.Options.defaults();
    assertThatThrownBy(() -> o.withRequestTimeout(Duration.ofMillis(99))).hasMessageContaining("requestTimeout");
    assertThatThrownBy(() -> o.withRequestTimeout(Duration.ofSeconds(61))).hasMessageContaining("requestTimeout");
    assertThatThrownBy(() -> o.withMaxConnections(0)).hasMessageContaining("maxConnections");
    assertThatThrownBy(() -> o.withMaxRequestLineBytes(63)).hasMessageContaining("maxRequestLineBytes");
    assertThatThrownBy(() -> o.withMaxHeaderBytes(70_000)).hasMessageContaining("maxHeaderBytes");
    assertThat(o.withMaxConnections(1).maxConnections()).isEqualTo(1);
  }

  @Test
  void settingsUseSpringsRelaxedNamesAndAcceptTheirFormats() {
    List<String> problems = new ArrayList<>();
    HealthServer.Options o = HealthServer.Options.fromSettings(VegaSettings.of(Map.of(
        "VEGA_HEALTH_SERVER_REQUEST_TIMEOUT", "500ms",
        "VEGA_HEALTH_SERVER_MAX_CONNECTIONS", "1000",
        "VEGA_HEALTH_SERVER_MAX_REQUEST_LINE_SIZE", "2KB",
        "VEGA_HEALTH_SERVER_MAX_HEADER_SIZE", "16384")), problems::add);
    assertThat(problems).isEmpty();
    assertThat(o).isEqualTo(new HealthServer.Options(Duration.ofMillis(500), 1000, 2048, 16384));
    assertThat(HealthServer.Options.fromSettings(VegaSettings.of(Map.of(
        "VEGA_HEALTH_SERVER_REQUEST_TIMEOUT", "PT3S")), problems::add).requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(HealthServer.Options.fromSettings(k -> null, problems::add)).isEqualTo(HealthServer.Options.defaults());
    assertThat(problems).isEmpty();
  }

  @Test
  void badSettingsAreReportedByNameAndKeepTheirDefaults() {
    List<String> problems = new ArrayList<>();
    HealthServer.Options o = HealthServer.Options.fromSettings(VegaSettings.of(Map.of(
        "VEGA_HEALTH_SERVER_REQUEST_TIMEOUT", "2",
        "VEGA_HEALTH_SERVER_MAX_CONNECTIONS", "-5",
        "VEGA_HEALTH_SERVER_MAX_REQUEST_LINE_SIZE", "99999999999",
        "VEGA_HEALTH_SERVER_MAX_HEADER_SIZE", "Secret-Looking-Value-123!")), problems::add);
    assertThat(o).isEqualTo(HealthServer.Options.defaults());
    assertThat(problems).hasSize(4);
    assertThat(problems.get(0)).startsWith("VEGA_HEALTH_SERVER_REQUEST_TIMEOUT='2' is not valid: use a duration");
    assertThat(problems.get(1)).startsWith("VEGA_HEALTH_SERVER_MAX_CONNECTIONS='-5' is not valid");
    assertThat(problems.get(2)).startsWith("VEGA_HEALTH_SERVER_MAX_REQUEST_LINE_SIZE=");
    assertThat(problems.get(3)).startsWith("VEGA_HEALTH_SERVER_MAX_HEADER_SIZE=")
        .doesNotContain("Secret-Looking-Value-123!");
    List<String> more = new ArrayList<>();
    HealthServer.Options.fromSettings(VegaSettings.of(Map.of("VEGA_HEALTH_SERVER_REQUEST_TIMEOUT", "90s")), more::add);
    assertThat(more).singleElement().asString().contains("from 100ms to 60s");
  }

  /**
   * Netty enables TCP_NODELAY on accepted sockets by default, so no answer time over loopback can
   * show whether our code sets it; what the server configures can.
   */
  @Test
  void everyAcceptedSocketIsConfiguredWithTcpNoDelay() {
    ServerBootstrap configured = HealthServer.socketOptions(new ServerBootstrap());
    assertThat(configured.config().childOptions()).containsEntry(ChannelOption.TCP_NODELAY, true);
  }
}

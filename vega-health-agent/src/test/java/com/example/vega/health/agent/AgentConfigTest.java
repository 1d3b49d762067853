package com.example.vega.health.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.VegaSettings;
import com.example.vega.health.VegaRole;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

  @Test
  void defaultsToLoopbackOn8081WithoutRole() {
    AgentConfig c = AgentConfig.from(k -> null);
    assertThat(c.address().getPort()).isEqualTo(8081);
    assertThat(c.address().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
    assertThat(c.role()).isNull();
    assertThat(c.problems()).isEmpty();
  }

  @Test
  void roleFromEitherSettingAndServiceNameFromRole() {
    AgentConfig c = AgentConfig.from(VegaSettings.of(Map.of("VEGA_ROLE", "vega-v16-runner", "VEGA_HEALTH_BIND", "0.0.0.0")));
    assertThat(c.role()).isEqualTo(VegaRole.RUNNER);
    assertThat(c.service().serviceId()).isEqualTo("vega-v16-runner");
    assertThat(c.address().getAddress().isAnyLocalAddress()).isTrue();
    assertThat(AgentConfig.from(VegaSettings.of(Map.of("VEGA_HEALTH_ROLE", "llm_proxy"))).role())
        .isEqualTo(VegaRole.LLM_PROXY);
  }

  @Test
  void badValuesBecomeProblemsThatSayWhatToWrite() {
    AgentConfig c = AgentConfig.from(VegaSettings.of(Map.of("VEGA_HEALTH_ROLE", "janitor", "VEGA_HEALTH_PORT", "99999",
        "VEGA_HEALTH_BIND", "my-host", "VEGA_HEALTH_DETAIL_TOKEN", "short")));
    assertThat(c.address()).isNull();
    assertThat(c.problems()).hasSize(4);
    assertThat(String.join("\n", c.problems()))
        .contains("VEGA_HEALTH_ROLE='janitor' is not a role: use one of api, worker, runner, llm-proxy, maintenance")
        .contains("VEGA_HEALTH_PORT='99999' is not a port")
        .contains("VEGA_HEALTH_BIND='my-host' is not an IP address")
        .contains("VEGA_HEALTH_DETAIL_TOKEN is too short")
        .doesNotContain("short\"");
    assertThat(c.secrets()).containsExactly("short");
  }

  @Test
  void behindTheAlbTrustedProxiesJudgeTheForwardedCallerAndAMalformedOneIsAProblem() throws Exception {
    AgentConfig c = AgentConfig.from(VegaSettings.of(Map.of("VEGA_HEALTH_DETAIL_NETWORKS", "10.0.0.0/16",
        "VEGA_HEALTH_TRUSTED_PROXIES", "10.0.0.0/24")));
    assertThat(c.problems()).isEmpty();
    InetAddress alb = InetAddress.getByName("10.0.0.5");
    assertThat(c.detail().allows(alb, Map.of("X-Forwarded-For", "10.0.8.8")::get)).isTrue();
    assertThat(c.detail().allows(alb, Map.of("X-Forwarded-For", "203.0.113.9")::get)).isFalse();
    assertThat(c.detail().allows(alb, Map.<String, String>of()::get)).isFalse();
    AgentConfig bad = AgentConfig.from(VegaSettings.of(Map.of("VEGA_HEALTH_TRUSTED_PROXIES", "10.0.0.0/24,alb")));
    assertThat(String.join("\n", bad.problems())).contains("VEGA_HEALTH_TRUSTED_PROXIES").contains("alb");
  }

  @Test
  void theServiceCarriesVersionAndEnvironmentForTheResource() {
    AgentConfig c = AgentConfig.from(VegaSettings.of(Map.of("VEGA_ROLE", "runner", "VEGA_VERSION", "1.4.2",
        "VEGA_ENVIRONMENT", "prod")));
    assertThat(c.service().version()).isEqualTo("1.4.2");
    assertThat(c.service().environment()).isEqualTo("prod");
    AgentConfig none = AgentConfig.from(VegaSettings.of(Map.of("VEGA_ROLE", "runner")));
    assertThat(none.service().environment()).as("no VEGA_ENVIRONMENT: not dev, unknown").isEqualTo("<env>");
  }
}

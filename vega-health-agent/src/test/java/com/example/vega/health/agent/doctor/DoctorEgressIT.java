package com.example.vega.health.agent.doctor;

import static com.example.vega.health.agent.doctor.DoctorRun.hop;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.agent.AwsSdk;
import com.example.vega.health.testing.MotoServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Secret;

/**
 * "The runner should call the LLM proxy, not the AI provider directly": {@code doctor --aws} reads
 * the runner's task definition from moto (DescribeTaskDefinition of VEGA_RUNNER_TASK_DEFINITION)
 * and judges where its LLM calls go.
 */
class DoctorEgressIT {
  static final String KEY_VALUE = "sk-test-provider-key-never-printed";
  Map<String, String> env;
  AwsSdk sdk;
  EcsClient ecs;

  @BeforeEach
  void moto() {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    env = DoctorIT.aws(moto);
    env.put("VEGA_ENVIRONMENT", "test");
    env.put("VEGA_RUNNER_TASK_DEFINITION", "vega-v16-runner");
    sdk = new AwsSdk(env::get);
    ecs = sdk.ecs();
  }

  @AfterEach
  void close() {
    sdk.close();
  }

  void runner(List<KeyValuePair> environment, List<Secret> secrets) {
    ecs.registerTaskDefinition(b -> b.family("vega-v16-runner").requiresCompatibilities(Compatibility.FARGATE)
        .networkMode(NetworkMode.AWSVPC).cpu("1024").memory("2048")
        .containerDefinitions(ContainerDefinition.builder().name("vega-v16-runner").image("vega/runner:1")
            .essential(true).environment(environment).secrets(secrets).build(),
            ContainerDefinition.builder().name("adot").image("amazon/aws-otel-collector").essential(false).build()));
  }

  static KeyValuePair kv(String k, String v) {
    return KeyValuePair.builder().name(k).value(v).build();
  }

  Map<String, Object> egress() throws Exception {
    Map<String, Object> json = DoctorRun.json(env, "--aws");
    assertThat(json.toString()).doesNotContain(KEY_VALUE);
    return hop(json, "runner egress");
  }

  @Test
  void runnerPointingAtTheProxyIsUp() throws Exception {
    runner(List.of(kv("VEGA_LLM_PROXY_BASE_URL", "http://vega-llm-proxy.vega.local:8080"), kv("VEGA_ENVIRONMENT", "dev")),
        List.of());
    assertThat(egress()).containsEntry("status", "UP").containsEntry("detail", "vega-v16-runner:1:"
        + " VEGA_LLM_PROXY_BASE_URL → vega-llm-proxy.vega.local (container vega-v16-runner), no provider host or key");
  }

  @Test
  void proxyUrlPointingAtTheProviderIsDownWithTheRunbooksStep() throws Exception {
    runner(List.of(kv("VEGA_LLM_PROXY_BASE_URL", "https://api.openai.com/v1")), List.of());
    Map<String, Object> hop = egress();
    assertThat(hop).containsEntry("status", "DOWN").containsEntry("detail", "vega-v16-runner:1 sends LLM calls to"
        + " the provider directly: VEGA_LLM_PROXY_BASE_URL → api.openai.com (container vega-v16-runner)");
    assertThat(DoctorRun.text(hop, "hint")).startsWith("The runner should call the LLM proxy, not the AI provider"
        + " directly: set VEGA_LLM_PROXY_BASE_URL");
  }

  @Test
  void anotherSettingNamingAProviderHostIsDownToo() throws Exception {
    runner(List.of(kv("VEGA_LLM_PROXY_BASE_URL", "http://vega-llm-proxy.vega.local:8080"),
        kv("ANTHROPIC_BASE_URL", "https://api.anthropic.com")), List.of());
    assertThat(egress()).containsEntry("status", "DOWN").containsEntry("detail", "vega-v16-runner:1 sends LLM calls"
        + " to the provider directly: ANTHROPIC_BASE_URL → api.anthropic.com (container vega-v16-runner)");
  }

  @Test
  void providerKeyInTheRunnerIsDownAndItsValueNeverPrinted() throws Exception {
    runner(List.of(kv("VEGA_LLM_PROXY_BASE_URL", "http://vega-llm-proxy.vega.local:8080"),
        kv("OPENAI_API_KEY", KEY_VALUE)), List.of(Secret.builder().name("ANTHROPIC_API_KEY")
        .valueFrom("arn:aws:secretsmanager:us-west-1:123456789012:secret:provider").build()));
    Map<String, Object> hop = egress();
    assertThat(hop).containsEntry("status", "DOWN").containsEntry("detail", "vega-v16-runner:1 holds a provider API"
        + " key: OPENAI_API_KEY (environment of vega-v16-runner), ANTHROPIC_API_KEY (secret of vega-v16-runner)");
    assertThat(DoctorRun.text(hop, "hint")).startsWith("The proxy holds the provider API key, not the runner");
  }

  @Test
  void runnerWithoutTheProxySettingIsDown() throws Exception {
    runner(List.of(kv("VEGA_ENVIRONMENT", "dev")), List.of());
    Map<String, Object> hop = egress();
    assertThat(hop).containsEntry("status", "DOWN")
        .containsEntry("detail", "vega-v16-runner:1 does not set VEGA_LLM_PROXY_BASE_URL");
    assertThat(DoctorRun.text(hop, "hint")).startsWith("Does the runner have VEGA_LLM_PROXY_BASE_URL set to the"
        + " proxy's internal address?");
  }

  @Test
  void unknownTaskDefinitionIsNamed() throws Exception {
    Map<String, Object> hop = egress();
    assertThat(hop).containsEntry("status", "DOWN").containsEntry("detail", "ECS has no task definition vega-v16-runner");
    assertThat(DoctorRun.text(hop, "hint")).startsWith("check VEGA_RUNNER_TASK_DEFINITION");
  }
}

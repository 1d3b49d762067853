package com.example.vega.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.Caller;
import com.example.vega.health.Setting;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A value given in code (a {@link Caller}, a check's builder) and the same value read as a setting
 * are held to one rule: each bad value here passed one entry point and failed the other before, and
 * now both refuse it, naming the setting whose shape it lacks.
 */
class OneRulePerValueTest {
  /** Nothing is called: the client only carries its region. */
  private static final AwsClients AWS = AwsClients.at(URI.create("http://127.0.0.1:1"));

  @Test
  void anEnvironmentTooLongForTheSettingIsRefusedByTheCallerToo() {
    String env = "staging-eu-west-1-blue-green-canary"; // 35 characters: VEGA_ENVIRONMENT allows 32
    assertThatThrownBy(() -> Setting.ENVIRONMENT.require(env)).hasMessageContaining("VEGA_ENVIRONMENT");
    assertThatThrownBy(() -> new Caller("worker", env, "us-west-1", "vega-dev"))
        .hasMessageContaining("VEGA_ENVIRONMENT");
    assertThat(new Caller("worker", Setting.ENVIRONMENT.require("dev"), "us-west-1", "vega-dev").environment())
        .isEqualTo("dev");
  }

  @Test
  void aRegionThatIsNoAwsRegionIsRefusedByTheCallerAndTheBuilderAsByTheSetting() {
    assertThatThrownBy(() -> Setting.COGNITO_REGION.require("local")).hasMessageContaining("VEGA_COGNITO_REGION");
    assertThatThrownBy(() -> new Caller("worker", "dev", "local", "vega-dev"))
        .hasMessageContaining("VEGA_COGNITO_REGION");
    assertThatThrownBy(() -> SqsCheck.builder(AWS.sqs(), "https://sqs.us-west-1.amazonaws.com/123456789012/q")
        .region("local")).hasMessageContaining("VEGA_COGNITO_REGION");
  }

  @Test
  void aClientInARegionHintsCannotNameLeavesTheCallersRegionInTheHint() {
    // An emulator's client may say "local": the check still builds, and its hints name the caller's region.
    try (SecretsManagerClient local = SecretsManagerClient.builder().region(Region.of("local"))
        .endpointOverride(URI.create("http://127.0.0.1:1"))
        .credentialsProvider(AnonymousCredentialsProvider.create()).build()) {
      String hint = SecretsCheck.builder(local).secret("vega/dev/provider-api-key")
          .caller(new Caller("llm-proxy", "dev", "eu-west-1", "vega-dev")).build()
          .onTimeout(Duration.ofSeconds(3)).hint();
      assertThat(hint).contains("eu-west-1").doesNotContain("local");
    }
  }

  @Test
  void aClusterArnWithoutARegionIsRefusedByTheCallerAsByTheSetting() {
    String arn = "arn:aws:ecs:local:123456789012:cluster/vega-dev";
    assertThatThrownBy(() -> Setting.ECS_CLUSTER.require(arn)).hasMessageContaining("VEGA_ECS_CLUSTER");
    assertThatThrownBy(() -> new Caller("worker", "dev", "us-west-1", arn)).hasMessageContaining("VEGA_ECS_CLUSTER");
  }

  @Test
  void aSecretNameWithAColonIsRefusedByTheSecretsCheckAsByTheSetting() {
    String id = "vega/dev/provider:key"; // a colon belongs in an ARN, never in a secret's name
    assertThatThrownBy(() -> Setting.PROVIDER_SECRET_ID.require(id)).hasMessageContaining("VEGA_PROVIDER_SECRET_ID");
    assertThatThrownBy(() -> SecretsCheck.builder(AWS.secrets()).secret(id).build())
        .hasMessageContaining("VEGA_PROVIDER_SECRET_ID");
    String arn = "arn:aws:secretsmanager:us-west-1:123456789012:secret:vega/dev/provider-AbCdEf";
    assertThat(Setting.PROVIDER_SECRET_ID.require(arn)).isEqualTo(arn);
    assertThat(SecretsCheck.builder(AWS.secrets()).secret(arn).build()).isNotNull();
  }
}

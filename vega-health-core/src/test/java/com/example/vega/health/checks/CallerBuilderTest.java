package com.example.vega.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.VegaRole;
import com.example.vega.health.Caller;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** The one caller description the AWS and LLM-proxy checks share, and the region their hints name. */
class CallerBuilderTest {
  private static final Caller CALLER = new Caller("api", "prod", "eu-west-1", "vega-prod");
  /** Nothing is called: the client only carries its region. */
  private static final AwsClients AWS = AwsClients.at(URI.create("http://127.0.0.1:1"));

  @Test
  void theCallerNamesRoleEnvironmentAndClusterInEveryCheck() {
    String proxy = LlmProxyCheck.builder(HttpClient.newHttpClient(), URI.create("http://proxy.internal:8080"), () -> null)
        .caller(CALLER).build().onTimeout(Duration.ofSeconds(3)).hint();
    assertThat(proxy).contains("--cluster vega-prod", "--region eu-west-1");
    String secrets = SecretsCheck.builder(AWS.secrets()).secret("vega/prod/key").caller(CALLER).build()
        .onTimeout(Duration.ofSeconds(3)).hint();
    assertThat(secrets).contains("the api task's CPU and memory");
  }

  @Test
  void theClientsRegionWinsOverTheCallersAndAnExplicitRegionOverBoth() {
    String hint = SqsCheck.builder(AWS.sqs(), "https://sqs.us-west-1.amazonaws.com/123456789012/q").caller(CALLER)
        .build().onTimeout(Duration.ofSeconds(3)).hint();
    assertThat(hint).as("the client's region: where the calls go").contains("endpoint in us-west-1");
    hint = S3Check.builder(AWS.s3(Region.EU_CENTRAL_1)).sourceBucket("vega-source").caller(CALLER)
        .region("ap-south-1").build().onTimeout(Duration.ofSeconds(3)).hint();
    assertThat(hint).contains("endpoint in ap-south-1");
  }

  @Test
  void aCallerIsValidatedSinceItIsPrintedInHints() {
    assertThatThrownBy(() -> new Caller("api", "Pa55 word", "us-west-1", "c")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("environment");
    assertThatThrownBy(() -> CALLER.withCluster("a cluster; rm -rf")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Caller.of(VegaRole.WORKER).serviceName()).isEqualTo("vega-worker");
    assertThatThrownBy(() -> CALLER.withLogs("the logs\nat night")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VEGA_LOGS_HINT");
  }

  @Test
  void aBuilderGivenNoCallerClaimsNoEnvironment() {
    Caller who = SqsCheck.builder(AWS.sqs(), "https://sqs.us-west-1.amazonaws.com/123456789012/q").buildCaller(null);
    assertThat(who.environment()).isEqualTo(Caller.UNKNOWN_ENVIRONMENT);
    assertThat(who.logsHint()).isEqualTo(Caller.NEUTRAL_LOGS);
  }

  @Test
  void whereTheLogsAreIsNeutralUnlessTheServiceSaysAndEveryCheckWordsItTheSameWay() {
    assertThat(CALLER.logs()).isEqualTo("the vega-api logs");
    assertThat(CALLER.logs("vega-worker")).isEqualTo("the vega-worker logs");
    Caller house = CALLER.withLogs("the {service} logs (aws logs tail /vega/{environment}/{service} --since 30m)");
    assertThat(house.logs("vega-worker")).isEqualTo("the vega-worker logs (aws logs tail /vega/prod/vega-worker --since 30m)");
    assertThat(Caller.logsHintOf(java.util.Map.of("VEGA_LOGS_HINT", "CloudWatch group {service}")::get))
        .isEqualTo("CloudWatch group {service}");
    assertThat(Caller.logsHintOf(java.util.Map.<String, String>of()::get)).isEqualTo(Caller.NEUTRAL_LOGS);
  }
}

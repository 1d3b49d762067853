package com.example.vega.health.checks;

import com.example.vega.health.VegaRole;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import com.example.vega.health.testing.MotoServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The llm-proxy's provider key check: the key from Secrets Manager (moto), presented to a provider
 * (WireMock: a provider's answers to good, bad and throttled keys are what no emulator gives).
 */
class ProviderKeyCheckTest {
  static final String SECRET = "vega/dev/provider-api-key";
  static final String GOOD = "sk-good-0123456789abcdefghij";
  static final String OLD = "sk-revoked-9876543210zyxwvut";
  private WireMockServer provider;
  private SecretsManagerClient secrets;
  private final Map<String, String> settings = new HashMap<>();

  @BeforeEach
  void start() {
    MotoServer.shared().reset();
    secrets = AwsClients.moto().secrets();
    provider = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    provider.start();
    // A provider that echoes the key it refuses, as some do: it must still appear nowhere.
    provider.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(aResponse().withStatus(401)
        .withBody("{\"error\":{\"message\":\"Incorrect API key provided: " + OLD + "\"}}")));
    provider.stubFor(get(urlPathEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer " + GOOD))
        .willReturn(aResponse().withStatus(200).withBody("{\"data\":[]}")));
    settings.put("VEGA_ENVIRONMENT", "dev");
    settings.put("VEGA_PROVIDER_SECRET_ID", SECRET);
    settings.put("VEGA_PROVIDER_KEY_CHECK_URL", provider.baseUrl() + "/v1/models");
  }

  @AfterEach
  void stop() {
    provider.stop();
  }

  private List<CheckRegistration> profile() {
    return VegaChecks.forRole(VegaRole.LLM_PROXY, settings::get,
        VegaChecks.Clients.builder().aws(secrets).http(HttpClient.newHttpClient()).build());
  }

  private CheckResult run() throws Exception {
    CheckRegistration r = profile().stream().filter(c -> c.name().equals("llm-provider")).findFirst().orElseThrow();
    assertThat(r.policy().critical()).as("a provider outage must not take the proxy out of service").isFalse();
    return r.check().check(CheckContext.of(Duration.ofSeconds(3)));
  }

  private static void keyAppearsNowhere(CheckResult r) {
    assertThat(r.message() + r.hint() + r.observations()).doesNotContain(GOOD, OLD, "sk-");
  }

  @Test
  void acceptedKeyIsUpAndGoesOnlyInItsHeaderToTheConfiguredUrl() throws Exception {
    secrets.createSecret(c -> c.name(SECRET).secretString(GOOD));
    CheckResult ok = run();
    assertThat(ok.status()).isEqualTo(Status.UP);
    assertThat(ok.message()).isEqualTo("the provider at " + provider.baseUrl() + " accepts the API key in secret " + SECRET);
    assertThat(ok.observation("responseTime").unit()).isEqualTo("ms");
    keyAppearsNowhere(ok);
    provider.verify(1, getRequestedFor(urlPathEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer " + GOOD)));

    // A provider that takes the key in its own header (e.g. x-api-key) gets it there, without "Bearer".
    settings.put("VEGA_PROVIDER_KEY_HEADER", "x-api-key");
    provider.stubFor(get(urlPathEqualTo("/v1/models")).withHeader("x-api-key", equalTo(GOOD))
        .willReturn(aResponse().withStatus(200)));
    assertThat(run().status()).isEqualTo(Status.UP);
  }

  @Test
  void rejectedKeyIsAProviderAuthenticationErrorAndRecoversOnceTheKeyIsReplaced() throws Exception {
    secrets.createSecret(c -> c.name(SECRET).secretString(OLD));
    CheckResult r = run();
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.AUTHENTICATION);
    assertThat(r.message()).isEqualTo("the provider at " + provider.baseUrl() + " rejected the API key in secret "
        + SECRET + " (401)");
    assertThat(r.hint()).isEqualTo("provider authentication error: the key is wrong, revoked or out of credit; put the "
        + "current key (aws secretsmanager put-secret-value --secret-id " + SECRET + " --region us-west-1) and "
        + "restart vega-llm-proxy; see the vega-llm-proxy logs");
    keyAppearsNowhere(r);
    // Where the logs are is the service's house rule (VEGA_LOGS_HINT), through the role profile.
    settings.put("VEGA_LOGS_HINT", "the {service} logs (aws logs tail /vega/{environment}/{service} --since 30m)");
    assertThat(run().hint()).endsWith("restart vega-llm-proxy; see the vega-llm-proxy logs "
        + "(aws logs tail /vega/dev/vega-llm-proxy --since 30m)");

    secrets.putSecretValue(p -> p.secretId(SECRET).secretString(GOOD));
    assertThat(run().status()).isEqualTo(Status.UP);
  }

  @Test
  void throttlingAndOutagesAreWarningsAWrongUrlAndAnUnreachableProviderAreNamed() throws Exception {
    secrets.createSecret(c -> c.name(SECRET).secretString(GOOD));
    provider.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(aResponse().withStatus(429)));
    CheckResult limited = run();
    assertThat(limited.status()).isEqualTo(Status.DEGRADED);
    assertThat(limited.errorKind()).isEqualTo(ErrorKind.THROTTLED);
    assertThat(limited.hint()).startsWith("the key is accepted but rate limited");

    provider.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(aResponse().withStatus(503)));
    CheckResult outage = run();
    assertThat(outage.status()).isEqualTo(Status.DEGRADED);
    assertThat(outage.errorKind()).isEqualTo(ErrorKind.SERVER_ERROR);

    settings.put("VEGA_PROVIDER_KEY_CHECK_URL", provider.baseUrl() + "/v2/nothing");
    CheckResult wrongUrl = run();
    assertThat(wrongUrl.status()).isEqualTo(Status.DOWN);
    assertThat(wrongUrl.errorKind()).isEqualTo(ErrorKind.MISCONFIGURED);
    assertThat(wrongUrl.message()).endsWith("answered 404 to /v2/nothing");
    assertThat(wrongUrl.hint()).startsWith("check VEGA_PROVIDER_KEY_CHECK_URL is a URL of the provider's API");

    settings.put("VEGA_PROVIDER_KEY_CHECK_URL", "http://127.0.0.1:" + MotoServer.freePort() + "/v1/models");
    CheckResult refused = run();
    assertThat(refused.status()).isEqualTo(Status.DOWN);
    assertThat(refused.errorKind()).isEqualTo(ErrorKind.CONNECTION_REFUSED);
    assertThat(refused.hint()).startsWith("the vega-llm-proxy task needs outbound HTTPS to 127.0.0.1");
  }

  @Test
  void missingSecretIsNamedAndNoProviderIsCalled() throws Exception {
    CheckResult r = run();
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(r.message()).isEqualTo("secret " + SECRET + " does not exist");
    provider.verify(0, getRequestedFor(urlPathEqualTo("/v1/models")));
  }

  @Test
  void withoutTheUrlSettingTheProviderIsNeverCalled() {
    settings.remove("VEGA_PROVIDER_KEY_CHECK_URL");
    assertThat(profile()).extracting(CheckRegistration::name).containsExactly("config", "jvm-deadlock", "secrets");
  }

  @Test
  void aHeaderOrSecretIdGivenInCodeIsCheckedByItsSettingWhereItIsGiven() {
    java.net.URI url = java.net.URI.create("https://api.provider.test/v1/models");
    HttpClient http = HttpClient.newHttpClient();
    assertThatThrownBy(() -> ProviderKeyCheck.builder(secrets, http, "vega/provider key", url))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VEGA_PROVIDER_SECRET_ID");
    ProviderKeyCheck.Builder b = ProviderKeyCheck.builder(secrets, http, "vega/provider-key", url);
    assertThatThrownBy(() -> b.header("x api key")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VEGA_PROVIDER_KEY_HEADER");
    assertThat(b.header("x-api-key").build()).isNotNull();
  }
}

package com.example.vega.health.checks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import com.example.vega.health.testing.MotoServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

class SecretsCheckTest {
  static final String PLANTED = "sk-planted-provider-key-4f9a1c";
  private SecretsManagerClient sm;

  @BeforeEach
  void reset() {
    MotoServer.shared().reset();
    sm = AwsClients.moto().secrets();
  }

  private static CheckResult run(SecretsCheck check) {
    return check.check(CheckContext.of(Duration.ofSeconds(5)));
  }

  @Test
  void missingSecretIsDownNotFoundAndRecoversOnceCreated() {
    SecretsCheck check = SecretsCheck.builder(sm).secret("vega/dev/provider-api-key").build();
    CheckResult r = run(check);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(r.message()).isEqualTo("secret vega/dev/provider-api-key does not exist");
    assertThat(r.hint()).isEqualTo("check Secrets Manager in us-west-1 for the secret referenced in the "
        + "vega-llm-proxy task definition (VEGA_PROVIDER_SECRET_ID)");

    sm.createSecret(c -> c.name("vega/dev/provider-api-key").secretString(PLANTED));
    CheckResult ok = run(check);
    assertThat(ok.status()).isEqualTo(Status.UP);
    assertThat(ok.message()).isEqualTo("secret vega/dev/provider-api-key present");
  }

  @Test
  void secretScheduledForDeletionIsInactiveUntilRestored() {
    sm.createSecret(c -> c.name("vega/dev/provider-api-key").secretString(PLANTED));
    sm.deleteSecret(d -> d.secretId("vega/dev/provider-api-key").recoveryWindowInDays(7L));
    SecretsCheck check = SecretsCheck.builder(sm).secret("vega/dev/provider-api-key").build();
    CheckResult r = run(check);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.INACTIVE);
    assertThat(r.message()).startsWith("secret vega/dev/provider-api-key is scheduled for deletion on 20");
    assertThat(r.hint()).isEqualTo("restore it (aws secretsmanager restore-secret --secret-id "
        + "vega/dev/provider-api-key --region us-west-1) or point VEGA_PROVIDER_SECRET_ID at the current secret");

    sm.restoreSecret(x -> x.secretId("vega/dev/provider-api-key"));
    assertThat(run(check).status()).isEqualTo(Status.UP);
  }

  @Test
  void decryptProbeReadsTheValueButItAppearsNowhere() {
    sm.createSecret(c -> c.name("vega/dev/provider-api-key").secretString(PLANTED));
    AtomicInteger gets = new AtomicInteger();
    SecretsManagerClient counting = AwsClients.moto(new ExecutionInterceptor() {
      @Override
      public void afterExecution(Context.AfterExecution c, ExecutionAttributes a) {
        if (c.request().getClass().getSimpleName().equals("GetSecretValueRequest")) {
          gets.incrementAndGet();
        }
      }
    }).secrets();
    SecretsCheck check = SecretsCheck.builder(counting).secret("vega/dev/provider-api-key")
        .verifyDecrypt(true).build();
    CheckResult r = run(check);
    assertThat(r.status()).isEqualTo(Status.UP);
    assertThat(r.message()).isEqualTo("secret vega/dev/provider-api-key present and decryptable");
    assertThat(gets).hasValue(1);
    assertThat(r.toString()).doesNotContain(PLANTED).doesNotContain("planted");
  }

  @Test
  void kmsDeniedIsToldApartFromASecretsManagerDenial() {
    WireMockServer wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    try {
      wm.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", containing("DescribeSecret"))
          .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
              .withBody("{\"Name\":\"vega/dev/provider-api-key\",\"KmsKeyId\":\"alias/vega-dev\"}")));
      wm.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", containing("GetSecretValue"))
          .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
              .withBody("{\"__type\":\"DecryptionFailure\",\"Message\":\"Access to KMS is not allowed\"}")));
      SecretsCheck check = SecretsCheck.builder(AwsClients.at(URI.create(wm.baseUrl())).secrets())
          .secret("vega/dev/provider-api-key").verifyDecrypt(true).build();
      CheckResult kms = run(check);
      assertThat(kms.status()).isEqualTo(Status.DOWN);
      assertThat(kms.errorKind()).isEqualTo(ErrorKind.ACCESS_DENIED);
      assertThat(kms.message()).isEqualTo("kms:Decrypt denied for secret vega/dev/provider-api-key");
      assertThat(kms.hint()).isEqualTo("the llm-proxy task role may not decrypt with KMS key alias/vega-dev: "
          + "check the key policy and the IAM policy on the llm-proxy task role (kms:Decrypt)");

      wm.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", containing("GetSecretValue"))
          .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
              .withBody("{\"__type\":\"AccessDeniedException\",\"Message\":\"not authorized to perform: "
                  + "secretsmanager:GetSecretValue\"}")));
      CheckResult sm = run(check);
      assertThat(sm.errorKind()).isEqualTo(ErrorKind.ACCESS_DENIED);
      assertThat(sm.message()).isEqualTo("secretsmanager:GetSecretValue denied on secret vega/dev/provider-api-key");
      assertThat(sm.hint()).endsWith("check the IAM policy on the llm-proxy task role");

      wm.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", containing("DescribeSecret"))
          .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
              .withBody("{\"__type\":\"AccessDeniedException\",\"Message\":\"no\"}")));
      CheckResult describe = run(check);
      assertThat(describe.message()).isEqualTo("secretsmanager:DescribeSecret denied on secret vega/dev/provider-api-key");

      // The key policy and the IAM policy fixed: decryptable again; the value is not in the result.
      wm.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", containing("DescribeSecret"))
          .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
              .withBody("{\"Name\":\"vega/dev/provider-api-key\",\"KmsKeyId\":\"alias/vega-dev\"}")));
      wm.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", containing("GetSecretValue"))
          .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
              .withBody("{\"Name\":\"vega/dev/provider-api-key\",\"SecretString\":\"" + PLANTED + "\"}")));
      CheckResult fixed = run(check);
      assertThat(fixed.status()).isEqualTo(Status.UP);
      assertThat(fixed.toString()).doesNotContain(PLANTED);
    } finally {
      wm.stop();
    }
  }
}

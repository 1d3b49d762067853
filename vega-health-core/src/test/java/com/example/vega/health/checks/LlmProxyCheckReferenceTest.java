package com.example.vega.health.checks;

import com.example.vega.health.VegaRole;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import com.example.vega.health.Caller;
import com.example.vega.health.testing.ManualScheduler;
import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.token.ScanTokenHandoff;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The llm-proxy check of a runner that has only {@code VEGA_LLM_PROXY_TOKEN_REF}: it never reads
 * the reference, proves what it can without (the file or secret there, gone after seen = redeemed),
 * and validates the token when the application redeemed it through the same core.
 */
class LlmProxyCheckReferenceTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicReference<String> accepted = new AtomicReference<>("");
  private final AtomicInteger requestsWithToken = new AtomicInteger();
  private final AtomicReference<String> reference = new AtomicReference<>();
  private HttpServer proxy;
  private URI base;
  private ScanTokenHandoff files;

  @BeforeEach
  void start() throws IOException {
    proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    proxy.createContext("/v1/health", ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth != null) {
        requestsWithToken.incrementAndGet();
      }
      ex.sendResponseHeaders(auth != null && auth.equals("Bearer " + accepted.get()) ? 200 : 401, -1);
      ex.close();
    });
    proxy.start();
    base = URI.create("http://127.0.0.1:" + proxy.getAddress().getPort());
    files = ScanTokenHandoff.files();
  }

  @AfterEach
  void stop() {
    proxy.stop(0);
    files.close();
  }

  private LlmProxyCheck.Builder builder() {
    return LlmProxyCheck.builder(http, base, () -> null).tokenReference(reference::get)
        .caller(new Caller("runner", "dev", "us-west-1", "vega-dev"));
  }

  private static CheckResult run(LlmProxyCheck c) throws InterruptedException {
    return c.check(new ManualScheduler(LlmProxyCheckTest.NOW).context(Duration.ofSeconds(5)));
  }

  private static String text(CheckResult r) {
    return r.message() + " " + r.hint() + " " + r.observations();
  }

  @Test
  void aTokenFileThereAndOwnerOnlyIsEvidenceAndIsNeitherReadNorConsumed() throws Exception {
    String token = LlmProxyCheckTest.jwt(LlmProxyCheckTest.NOW.plusSeconds(3600), "scan-1");
    reference.set(files.put("scan-1", token));
    Path file = Path.of(URI.create(reference.get()));
    CheckResult r = run(builder().build());
    assertThat(r.status()).isEqualTo(Status.UP);
    assertThat(r.message()).isEqualTo("LLM proxy at " + base + " answers (401 without a token); the scan token file "
        + reference.get() + " is there and owner-only; the token itself was not read here (the runner reads it once)");
    assertThat(file).exists().hasContent(token);
    assertThat(requestsWithToken).hasValue(0);
    assertThat(text(r)).doesNotContain(token);
  }

  @Test
  void aReferenceSeenPresentThenGoneWasRedeemedByTheRunner() throws Exception {
    reference.set(files.put("scan-2", "t"));
    LlmProxyCheck c = builder().build();
    assertThat(run(c).status()).isEqualTo(Status.UP);
    Files.delete(Path.of(URI.create(reference.get()))); // the runner, in its own process, read and deleted it
    CheckResult r = run(c);
    assertThat(r.status()).isEqualTo(Status.UP);
    assertThat(r.message()).contains("the scan token was redeemed by the runner (the token file " + reference.get()
        + ", seen before, is gone)").contains("the token itself was not read here");
  }

  @Test
  void aReferenceNeverSeenPresentIsDownWithTheWorkersPutInTheHint() throws Exception {
    reference.set(files.put("scan-3", "t"));
    Files.delete(Path.of(URI.create(reference.get())));
    CheckResult r = run(builder().build());
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(r.message()).isEqualTo("the scan token file " + reference.get() + " named by VEGA_LLM_PROXY_TOKEN_REF "
        + "does not exist and was never seen present here; the token itself was not read");
    assertThat(r.hint()).contains("check the worker's log");
  }

  @Test
  void aTokenFileOthersMayReadIsDown() throws Exception {
    reference.set(files.put("scan-4", "t"));
    Files.setPosixFilePermissions(Path.of(URI.create(reference.get())), PosixFilePermissions.fromString("rw-r--r--"));
    CheckResult r = run(builder().build());
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.MISCONFIGURED);
    assertThat(r.message()).contains("may be read or written by group or others");
  }

  @Test
  void aMalformedReferenceIsDownNamingTheSettingWithoutEchoingIt() throws Exception {
    String pasted = LlmProxyCheckTest.jwt(LlmProxyCheckTest.NOW.plusSeconds(3600), "scan-5");
    reference.set(pasted);
    CheckResult r = run(builder().build());
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.MISCONFIGURED);
    assertThat(r.message()).startsWith("VEGA_LLM_PROXY_TOKEN_REF is malformed: expected a Secrets Manager secret ARN");
    assertThat(text(r)).doesNotContain(pasted).doesNotContain("RunTask overrides: VEGA_LLM_PROXY_TOKEN ");
  }

  @Test
  void theTokenTheApplicationRedeemedThroughThisCoreIsValidatedAsAToken() throws Exception {
    String token = LlmProxyCheckTest.jwt(LlmProxyCheckTest.NOW.plusSeconds(3600), "scan-6");
    accepted.set(token);
    reference.set(files.put("scan-6", token));
    LlmProxyCheck c = builder().build();
    assertThat(ScanTokenHandoff.redeem(reference.get())).isEqualTo(token); // the runner's own code
    CheckResult r = run(c);
    assertThat(r.status()).isEqualTo(Status.UP);
    assertThat(r.message()).isEqualTo("LLM proxy at " + base + " accepted the scan-scoped token (expires in 60m)");
    assertThat(requestsWithToken).hasValue(1);
    assertThat(VegaChecks.secretValues(Map.of("VEGA_LLM_PROXY_TOKEN_REF", reference.get())::get)).contains(token);
  }

  @Test
  void aReferenceAnotherCopyOfCoreRedeemedInThisJvmIsEvidenceToo() throws Exception {
    reference.set(files.put("scan-7", "t"));
    Files.delete(Path.of(URI.create(reference.get()))); // gone before this check first looked
    String before = System.getProperty(ScanTokenHandoff.REDEEMED_PROPERTY);
    // What the application's copy of ScanTokenHandoff sets when the agent's relocated copy runs this check.
    System.setProperty(ScanTokenHandoff.REDEEMED_PROPERTY, reference.get());
    try {
      CheckResult r = run(builder().build());
      assertThat(r.status()).isEqualTo(Status.UP);
      assertThat(r.message()).contains("the runner redeemed its scan token in this JVM");
    } finally {
      if (before == null) {
        System.clearProperty(ScanTokenHandoff.REDEEMED_PROPERTY);
      } else {
        System.setProperty(ScanTokenHandoff.REDEEMED_PROPERTY, before);
      }
    }
  }

  @Test
  void aSecretReferenceIsDescribedNeverReadAgainstMoto() throws Exception {
    MotoServer.shared().reset();
    String token = LlmProxyCheckTest.jwt(LlmProxyCheckTest.NOW.plusSeconds(3600), "scan-8");
    try (SecretsManagerClient sm = AwsClients.moto().secrets()) {
      ScanTokenHandoff worker = ScanTokenHandoff.secrets(sm, "vega/dev/scan-tokens/");
      String arn = worker.put("scan-8", token);
      reference.set(arn);

      // Without a client: the proxy answers, but whether the secret is there is not known.
      CheckResult unknown = run(builder().build());
      assertThat(unknown.status()).isEqualTo(Status.UNKNOWN);
      assertThat(unknown.message()).contains("is not known (no SecretsManagerClient given)");

      LlmProxyCheck c = builder().referenceSecrets(sm).build();
      CheckResult there = run(c);
      assertThat(there.status()).isEqualTo(Status.UP);
      assertThat(there.message()).contains("the scan token secret " + arn + " is there (DescribeSecret)")
          .contains("the token itself was not read here");
      assertThat(sm.getSecretValue(b -> b.secretId(arn)).secretString()).isEqualTo(token); // not consumed
      assertThat(c.callsPerRun()).extracting(d -> d.service() + ":" + d.operation())
          .contains("secretsmanager:DescribeSecret");

      // The runner (another process) redeems it: gone after seen.
      sm.deleteSecret(b -> b.secretId(arn).forceDeleteWithoutRecovery(true));
      CheckResult redeemed = run(c);
      assertThat(redeemed.status()).isEqualTo(Status.UP);
      assertThat(redeemed.message()).contains("the scan token was redeemed by the runner");

      // A check that never saw it: the worker's put is what to look at.
      CheckResult never = run(builder().referenceSecrets(sm).build());
      assertThat(never.status()).isEqualTo(Status.DOWN);
      assertThat(never.errorKind()).isEqualTo(ErrorKind.NOT_FOUND);
      assertThat(never.hint()).contains("secretsmanager:CreateSecret on VEGA_SCAN_TOKEN_SECRET_PREFIX*")
          .contains("worker's log");
      for (CheckResult r : List.of(unknown, there, redeemed, never)) {
        assertThat(text(r)).doesNotContain(token);
      }
    }
  }

  @Test
  void theRunnerProfileWithOnlyASecretReferenceAsksForTheSecretsManagerClient() throws Exception {
    Map<String, String> env = Map.of("VEGA_ENVIRONMENT", "dev", "VEGA_LLM_PROXY_BASE_URL", base.toString(),
        "VEGA_LLM_PROXY_TOKEN_REF", "arn:aws:secretsmanager:us-west-1:123456789012:secret:vega/dev/scan-tokens/s-AbCdEf");
    List<CheckRegistration> regs = VegaChecks.forRole(VegaRole.RUNNER, env::get, VegaChecks.Clients.none());
    assertThat(regs).extracting(CheckRegistration::name).contains("llm-proxy");
    CheckResult config = regs.get(0).check().check(CheckContext.of(Duration.ofSeconds(1)));
    assertThat(config.message() + config.observations()).contains("SecretsManagerClient");
  }
}

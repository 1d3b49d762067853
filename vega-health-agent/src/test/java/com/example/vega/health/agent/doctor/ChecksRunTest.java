package com.example.vega.health.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.Status;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.VegaRole;

import com.example.vega.health.agent.AwsSdk;
import com.example.vega.health.testing.MotoServer;
import com.example.vega.health.token.ScanTokenHandoff;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The doctor runs a role's checks once, as a command: all of them at once, not spread as a fleet's. */
class ChecksRunTest {

  @Test
  void everyCheckOfAOneShotRunStartsAtOnceSoAShortTimeoutStillHearsThemAll() {
    // Twenty checks on the doctor's one-hour interval. Spread as a long-running monitor spreads its
    // first runs (up to 5 s), most would start after this run's deadline (--timeout 1s plus 2 s)
    // and read "no result in time".
    CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofHours(1)).timeout(Duration.ofSeconds(1)).build();
    List<CheckRegistration> regs = IntStream.range(0, 20)
        .mapToObj(i -> CheckRegistration.of("check-" + i, ctx -> CheckResult.up("answered"), policy)).toList();
    try (Context ctx = new Context(VegaSettings.of(Map.of()), Duration.ofSeconds(1), Clock.systemUTC(), null)) {
      List<Hop> hops = ChecksRun.runOnce(VegaRole.MAINTENANCE, ctx, regs, List.of());
      assertThat(hops).hasSize(20).allSatisfy(h -> assertThat(h.status()).as(h.name() + ": " + h.detail())
          .isEqualTo(Status.UP));
    }
  }

  /**
   * Inside a runner task that got its token through the hand-off, the doctor sees only
   * VEGA_LLM_PROXY_TOKEN_REF: the token is not missing, and the doctor must not consume it.
   */
  @Test
  void doctorRoleRunnerWithOnlyTheTokenReferenceDoesNotSayTheTokenIsMissingAndLeavesItUnread() throws Exception {
    HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    proxy.createContext("/", ex -> {
      ex.sendResponseHeaders(401, -1); // the proxy asks for a token: it answers
      ex.close();
    });
    proxy.start();
    String token = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln";
    try (ScanTokenHandoff worker = ScanTokenHandoff.files()) {
      String ref = worker.put("scan-00000000000000b2", token);
      Map<String, String> env = new java.util.HashMap<>(Map.of("VEGA_ENVIRONMENT", "local",
          "VEGA_LLM_PROXY_BASE_URL", "http://127.0.0.1:" + proxy.getAddress().getPort(),
          "VEGA_LLM_PROXY_TOKEN_REF", ref));
      // Run beside the runner's container (no VEGA_SCAN_ID), then inside its task (the worker sets it).
      for (String scanId : new String[] {null, "scan-00000000000000b2"}) {
        if (scanId != null) {
          env.put("VEGA_SCAN_ID", scanId);
        }
        Map<String, Object> json = DoctorRun.json(env, "--role", "runner", "--timeout", "3s");
        Map<String, Object> hop = DoctorRun.hop(json, "vega-v16-runner → llm-proxy");
        assertThat(DoctorRun.text(hop, "status")).as(hop.toString()).isEqualTo("UP");
        assertThat(DoctorRun.text(hop, "detail")).contains("is there and owner-only")
            .contains("the token itself was not read here");
        assertThat(json.toString()).doesNotContain("token is missing").doesNotContain(token);
        assertThat(Path.of(URI.create(ref))).exists().hasContent(token); // still there for the runner
      }
    } finally {
      proxy.stop(0);
    }
  }

  /** With a secret reference, the doctor describes the secret (never reads it) with the runner role's client. */
  @Test
  void doctorRoleRunnerWithASecretReferenceDescribesTheSecretAndLeavesItUnread() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    proxy.createContext("/", ex -> {
      ex.sendResponseHeaders(401, -1);
      ex.close();
    });
    proxy.start();
    String token = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln";
    Map<String, String> env = DoctorIT.aws(moto);
    try (AwsSdk sdk = new AwsSdk(env::get)) {
      String arn = ScanTokenHandoff.secrets(sdk.secrets(), "vega/test/scan-tokens/").put("scan-00000000000000b3", token);
      env.put("VEGA_ENVIRONMENT", "test");
      env.put("VEGA_SCAN_ID", "scan-00000000000000b3");
      env.put("VEGA_LLM_PROXY_BASE_URL", "http://127.0.0.1:" + proxy.getAddress().getPort());
      env.put("VEGA_LLM_PROXY_TOKEN_REF", arn);
      Map<String, Object> json = DoctorRun.json(env, "--role", "runner", "--timeout", "5s");
      Map<String, Object> hop = DoctorRun.hop(json, "vega-v16-runner → llm-proxy");
      assertThat(DoctorRun.text(hop, "status")).as(hop.toString()).isEqualTo("UP");
      assertThat(DoctorRun.text(hop, "detail")).contains("is there (DescribeSecret)")
          .contains("the token itself was not read here");
      assertThat(json.toString()).doesNotContain("token is missing").doesNotContain(token);
      assertThat(sdk.secrets().getSecretValue(b -> b.secretId(arn)).secretString()).isEqualTo(token);
    } finally {
      proxy.stop(0);
    }
  }
}

package com.example.vega.health.checks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.VegaRole;
import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import com.example.vega.health.testing.MotoServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

class S3CheckTest {
  private S3Client s3;

  @BeforeEach
  void reset() {
    MotoServer.shared().reset();
    s3 = AwsClients.moto().s3();
  }

  private void create(String bucket) {
    s3.createBucket(c -> c.bucket(bucket)
        .createBucketConfiguration(b -> b.locationConstraint(MotoServer.REGION)));
  }

  private static CheckResult run(S3Check check) {
    return check.check(CheckContext.of(Duration.ofSeconds(5)));
  }

  @Test
  void missingBucketIsDownNotFoundAndRecoversOnceCreated() {
    S3Check check = S3Check.builder(s3).sourceBucket("vega-dev-source").build();
    CheckResult r = run(check);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(r.message()).isEqualTo("source bucket vega-dev-source does not exist");
    assertThat(r.hint()).isEqualTo("check VEGA_S3_SOURCE_BUCKET in the vega-v16-runner task definition "
        + "names an existing bucket in us-west-1");

    create("vega-dev-source");
    CheckResult ok = run(check);
    assertThat(ok.status()).isEqualTo(Status.UP);
    assertThat(ok.message()).isEqualTo("buckets reachable: source vega-dev-source");
  }

  @Test
  void bucketInAnotherRegionIsToldApartFromAMissingOne() {
    AwsClients.moto().s3(Region.EU_WEST_1).createBucket(c -> c.bucket("vega-dev-artifacts")
        .createBucketConfiguration(b -> b.locationConstraint("eu-west-1")));
    S3Check check = S3Check.builder(s3).artifactsBucket("vega-dev-artifacts").build();
    CheckResult r = run(check);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.MISCONFIGURED);
    assertThat(r.message()).isEqualTo("artifacts bucket vega-dev-artifacts is in eu-west-1, not us-west-1");
    assertThat(r.hint()).contains("set AWS_REGION to eu-west-1")
        .contains("point VEGA_S3_ARTIFACTS_BUCKET at the bucket in us-west-1");

    CheckResult fromRightRegion = run(S3Check.builder(AwsClients.moto().s3(Region.EU_WEST_1))
        .artifactsBucket("vega-dev-artifacts").build());
    assertThat(fromRightRegion.status()).isEqualTo(Status.UP);
    assertThat(run(S3Check.builder(s3).artifactsBucket("vega-dev-artifacts").crossRegionAccess(true).build())
        .status()).isEqualTo(Status.UP);
  }

  @Test
  void frontendBucketWithoutIndexHtmlIsDownUntilUploaded() {
    create("vega-dev-frontend");
    S3Check check = S3Check.builder(s3).frontendBucket("vega-dev-frontend").caller(AwsClients.caller("api")).build();
    CheckResult r = run(check);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(r.message()).isEqualTo("frontend bucket vega-dev-frontend has no index.html");
    assertThat(r.hint()).contains("rerun the deploy scripts");

    s3.putObject(p -> p.bucket("vega-dev-frontend").key("index.html"), RequestBody.fromString("<html/>"));
    assertThat(run(check).status()).isEqualTo(Status.UP);
  }

  @Test
  void writeProbeWritesUnderTheHealthPrefixAndCleansUp() {
    create("vega-dev-artifacts");
    S3Check check = S3Check.builder(s3).artifactsBucket("vega-dev-artifacts").writeProbe(true).build();
    CheckResult r = run(check);
    assertThat(r.status()).isEqualTo(Status.UP);
    assertThat(r.message()).isEqualTo("buckets reachable: artifacts vega-dev-artifacts; write probe ok");
    assertThat(s3.listObjectsV2(l -> l.bucket("vega-dev-artifacts")).contents()).isEmpty();
  }

  @Test
  void runnersProfileProvesPutObjectOnArtifactsAndGetObjectOnSourceAndCleansUp() {
    create("vega-dev-source");
    create("vega-dev-artifacts");
    Map<String, String> runner = Map.of("VEGA_ENVIRONMENT", "dev", "VEGA_FILE_STORAGE_BACKEND", "s3",
        "VEGA_S3_SOURCE_BUCKET", "vega-dev-source", "VEGA_S3_ARTIFACTS_BUCKET", "vega-dev-artifacts");
    CheckResult r = run(profiled(VegaRole.RUNNER, runner));
    assertThat(r.status()).isEqualTo(Status.UP);
    assertThat(r.message()).isEqualTo("buckets reachable: source vega-dev-source, artifacts vega-dev-artifacts; "
        + "write probe ok; read probe ok");
    assertThat(s3.listObjectsV2(l -> l.bucket("vega-dev-artifacts")).contents()).as("probe object deleted").isEmpty();
    assertThat(s3.listObjectsV2(l -> l.bucket("vega-dev-source")).contents()).as("read probe writes nothing").isEmpty();

    // The api uploads sources and never reads them back: no probe writes in its name.
    Map<String, String> api = Map.of("VEGA_ENVIRONMENT", "dev", "VEGA_FILE_STORAGE_BACKEND", "s3",
        "VEGA_S3_SOURCE_BUCKET", "vega-dev-source");
    assertThat(run(profiled(VegaRole.API, api)).message()).isEqualTo("buckets reachable: source vega-dev-source");
  }

  private S3Check profiled(VegaRole role, Map<String, String> settings) {
    return (S3Check) VegaChecks.forRole(role, settings::get, VegaChecks.Clients.builder().aws(s3).build()).stream()
        .filter(c -> c.name().equals("s3")).findFirst().orElseThrow().check();
  }

  @Test
  void deniedReadProbeNamesGetObjectOnTheSourceBucketAndRecovers() {
    WireMockServer wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    try {
      wm.stubFor(head(urlPathEqualTo("/vega-dev-source")).willReturn(aResponse().withStatus(200)));
      // HEAD answers have no body: S3's 403 is a bare status.
      wm.stubFor(head(urlPathEqualTo("/vega-dev-source/" + S3Check.READ_PROBE_KEY)).willReturn(aResponse().withStatus(403)));
      S3Check check = S3Check.builder(AwsClients.at(URI.create(wm.baseUrl())).s3()).sourceBucket("vega-dev-source")
          .readProbe(S3Check.READ_PROBE_KEY).build();
      CheckResult r = run(check);
      assertThat(r.status()).isEqualTo(Status.DOWN);
      assertThat(r.errorKind()).isEqualTo(ErrorKind.ACCESS_DENIED);
      assertThat(r.message()).isEqualTo("s3:GetObject denied on vega-dev-source");
      assertThat(r.hint()).isEqualTo("the runner cannot download sources: check that the runner task role has "
          + "s3:GetObject on arn:aws:s3:::vega-dev-source/* (and that VEGA_S3_SOURCE_BUCKET names the bucket the "
          + "api uploads to): check the IAM policy on the runner task role");

      wm.stubFor(head(urlPathEqualTo("/vega-dev-source/" + S3Check.READ_PROBE_KEY)).willReturn(aResponse().withStatus(500)));
      CheckResult transient5xx = run(check);
      assertThat(transient5xx.status()).isEqualTo(Status.DEGRADED);
      assertThat(transient5xx.errorKind()).isEqualTo(ErrorKind.SERVER_ERROR);

      // The policy fixed: S3 tells an allowed caller that the key does not exist.
      wm.stubFor(head(urlPathEqualTo("/vega-dev-source/" + S3Check.READ_PROBE_KEY)).willReturn(aResponse().withStatus(404)));
      CheckResult fixed = run(check);
      assertThat(fixed.status()).isEqualTo(Status.UP);
      assertThat(fixed.message()).isEqualTo("buckets reachable: source vega-dev-source; read probe ok");
    } finally {
      wm.stop();
    }
  }

  @Test
  void allConfiguredBucketsAreCheckedAndTheWorstIsReported() {
    create("vega-dev-source");
    S3Check check = S3Check.builder(s3).sourceBucket("vega-dev-source")
        .artifactsBucket("vega-dev-artifacts").frontendBucket("vega-dev-frontend").build();
    CheckResult r = run(check);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.message()).isEqualTo("artifacts bucket vega-dev-artifacts does not exist (and 1 more bucket problem)");
    assertThat(r.observation("buckets").value()).isEqualTo(3);
    assertThat(r.observation("bucketsOk").value()).isEqualTo(1);
  }

  @Test
  void deniedWriteProbeNamesPutObjectOnTheArtifactsBucket() {
    WireMockServer wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    try {
      wm.stubFor(head(urlPathEqualTo("/vega-dev-artifacts")).willReturn(aResponse().withStatus(200)));
      wm.stubFor(put(urlPathMatching("/vega-dev-artifacts/vega-health/.*")).willReturn(aResponse()
          .withStatus(403).withHeader("Content-Type", "application/xml")
          .withBody("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>")));
      S3Client denied = AwsClients.at(URI.create(wm.baseUrl())).s3();
      S3Check check = S3Check.builder(denied).artifactsBucket("vega-dev-artifacts").writeProbe(true).build();
      CheckResult r = run(check);
      assertThat(r.status()).isEqualTo(Status.DOWN);
      assertThat(r.errorKind()).isEqualTo(ErrorKind.ACCESS_DENIED);
      assertThat(r.message()).isEqualTo("s3:PutObject denied on vega-dev-artifacts");
      assertThat(r.hint()).isEqualTo("check that the runner task role has s3:PutObject permission on "
          + "the artifacts bucket vega-dev-artifacts: check the IAM policy on the runner task role");

      wm.stubFor(head(urlPathEqualTo("/vega-dev-artifacts")).willReturn(aResponse().withStatus(403)));
      CheckResult head = run(check);
      assertThat(head.errorKind()).isEqualTo(ErrorKind.ACCESS_DENIED);
      assertThat(head.message()).isEqualTo("s3:ListBucket denied on bucket vega-dev-artifacts");

      // Real S3 answers a regional HEAD for a bucket elsewhere with 301 and the bucket's region.
      wm.stubFor(head(urlPathEqualTo("/vega-dev-artifacts")).willReturn(aResponse().withStatus(301)
          .withHeader("x-amz-bucket-region", "eu-central-1")));
      CheckResult moved = run(check);
      assertThat(moved.errorKind()).isEqualTo(ErrorKind.MISCONFIGURED);
      assertThat(moved.message()).isEqualTo("artifacts bucket vega-dev-artifacts is in eu-central-1, not us-west-1");

      wm.stubFor(head(urlPathEqualTo("/vega-dev-artifacts")).willReturn(aResponse().withStatus(200)));
      wm.stubFor(put(urlPathMatching("/vega-dev-artifacts/vega-health/.*")).willReturn(aResponse()
          .withStatus(200).withHeader("ETag", "\"abc\"")));
      wm.stubFor(delete(urlPathMatching("/vega-dev-artifacts/vega-health/.*")).willReturn(aResponse()
          .withStatus(403).withBody("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>")));
      CheckResult leftover = run(check);
      assertThat(leftover.status()).isEqualTo(Status.DEGRADED);
      assertThat(leftover.errorKind()).isEqualTo(ErrorKind.ACCESS_DENIED);
      assertThat(leftover.message()).startsWith("write probe ok but s3:DeleteObject denied on vega-dev-artifacts/vega-health/");

      // The policy fixed: write and clean-up both allowed.
      wm.stubFor(delete(urlPathMatching("/vega-dev-artifacts/vega-health/.*")).willReturn(aResponse().withStatus(204)));
      CheckResult fixed = run(check);
      assertThat(fixed.status()).isEqualTo(Status.UP);
      assertThat(fixed.message()).isEqualTo("buckets reachable: artifacts vega-dev-artifacts; write probe ok");
    } finally {
      wm.stop();
    }
  }

  @Test
  void aBare503OnHeadBucketIsS3SlowingUsDownAndA500IsATransientError() {
    WireMockServer wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    try {
      // S3 throttles with "503 Slow Down"; a HEAD answer has no body to carry the code.
      wm.stubFor(head(urlPathEqualTo("/vega-dev-artifacts")).willReturn(aResponse().withStatus(503)));
      S3Check check = S3Check.builder(AwsClients.at(URI.create(wm.baseUrl())).s3())
          .artifactsBucket("vega-dev-artifacts").build();
      CheckResult slowDown = run(check);
      assertThat(slowDown.status()).isEqualTo(Status.DEGRADED);
      assertThat(slowDown.errorKind()).isEqualTo(ErrorKind.THROTTLED);
      assertThat(slowDown.hint()).startsWith("S3 is throttling this account");

      wm.stubFor(head(urlPathEqualTo("/vega-dev-artifacts")).willReturn(aResponse().withStatus(500)));
      CheckResult internal = run(check);
      assertThat(internal.status()).isEqualTo(Status.DEGRADED);
      assertThat(internal.errorKind()).isEqualTo(ErrorKind.SERVER_ERROR);
      assertThat(internal.hint()).startsWith("a transient S3 error");
    } finally {
      wm.stop();
    }
  }

  @Test
  void builderValidatesBucketNamesNamingTheSetting() {
    assertThatThrownBy(() -> S3Check.builder(s3).sourceBucket("Bad_Bucket").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VEGA_S3_SOURCE_BUCKET");
    assertThatThrownBy(() -> S3Check.builder(s3).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one bucket");
    assertThatThrownBy(() -> S3Check.builder(s3).sourceBucket("vega-src").writeProbe(true).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VEGA_S3_ARTIFACTS_BUCKET");
    assertThatThrownBy(() -> S3Check.builder(s3).artifactsBucket("vega-art").readProbe("scans/probe").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VEGA_S3_SOURCE_BUCKET");
    assertThatThrownBy(() -> S3Check.builder(s3).sourceBucket("vega-src").readProbe(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 1024 bytes");
    // 342 three-byte characters: 1026 bytes, though only 342 chars.
    assertThatThrownBy(() -> S3Check.builder(s3).sourceBucket("vega-src").readProbe("\u20ac".repeat(342)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 1024 bytes");
    assertThat(S3Check.builder(s3).sourceBucket("vega-src").readProbe("\u20ac".repeat(341)).build()).isNotNull();
  }
}

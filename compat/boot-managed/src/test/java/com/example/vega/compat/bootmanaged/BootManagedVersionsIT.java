package com.example.vega.compat.bootmanaged;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.compat.shared.Await;
import com.example.vega.compat.shared.TracedController;
import com.example.vega.health.testing.MotoServer;
import io.netty.util.Version;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.util.VersionInfo;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Case (a) of docs/compatibility.md: a Boot 4 application whose versions come from Spring Boot's
 * dependency management alone (this module has no Vega parent), with {@code vega-health-spring}
 * added as README.md shows, Boot's own OpenTelemetry and the AWS SDK with its Netty client. On
 * the versions Boot picks (asserted first, so the docs name what ran): the probe server (Netty)
 * answers the health endpoints, a custom check that calls S3 over the SDK's Netty client
 * (against the moto emulator) reports UP, and a request from a trusted caller is traced on
 * Boot's SDK, continuing the caller's trace with the scan id from its baggage.
 */
@SpringBootTest(
    classes = BootManagedVersionsIT.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.application.name=compat-boot-managed",
      "vega.health.environment=test",
      "vega.health.server.address=127.0.0.1",
      "vega.tracing.trusted-networks=127.0.0.0/8",
      "management.tracing.sampling.probability=1.0",
      "management.otlp.metrics.export.enabled=false",
      "management.opentelemetry.logging.export.otlp.enabled=false"
    })
class BootManagedVersionsIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String BUCKET = "compat-boot-managed";
  private static final AttributeKey<String> SCAN_ID = AttributeKey.stringKey("vega.scan.id");
  private static final int PROBE_PORT = MotoServer.freePort();
  /** Boot's SDK exports here: a SpanExporter bean, wired by Boot's tracing auto-configuration. */
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static MotoServer moto;

  @BeforeAll
  static void bucket() throws Exception {
    moto = MotoServer.shared();
    moto.reset();
    try (S3AsyncClient s3 = s3(moto.endpoint().toString())) {
      s3.createBucket(b -> b.bucket(BUCKET)).get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void reset() {
    if (moto != null) {
      moto.reset();
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("vega.health.server.port", () -> PROBE_PORT);
    registry.add("compat.s3.endpoint", () -> moto.endpoint().toString());
  }

  static S3AsyncClient s3(String endpoint) {
    return S3AsyncClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.of(MotoServer.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .forcePathStyle(true)
        .httpClient(NettyNioAsyncHttpClient.create())
        .build();
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean(destroyMethod = "close")
    S3AsyncClient s3Client(@Value("${compat.s3.endpoint}") String endpoint) {
      return BootManagedVersionsIT.s3(endpoint);
    }

    /** The custom check, registered as docs/custom-checks.md shows for Spring. */
    @Bean
    CheckRegistration bucketCheck(S3AsyncClient s3) {
      return CheckRegistration.of("compat-bucket", ctx -> {
        s3.headBucket(b -> b.bucket(BUCKET)).get(ctx.remaining().toMillis(), TimeUnit.MILLISECONDS);
        return CheckResult.up("bucket " + BUCKET + " answers");
      }, CheckPolicy.builder().interval(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(2)).critical(true).build());
    }

    @Bean
    InMemorySpanExporter spanExporter() {
      return SPANS;
    }

    @Bean
    TracedController traced(OpenTelemetry openTelemetry) {
      return new TracedController(openTelemetry);
    }
  }

  @Autowired
  OpenTelemetry openTelemetry;

  @LocalServerPort
  int port;

  @Test
  void onBootsVersionsTheProbeServerACustomCheckAndTracingWork() throws Exception {
    // What Boot 4.0.7's dependency management chose, not the library's pins (OpenTelemetry 1.68).
    assertThat(jarOf(OpenTelemetry.class)).as("OpenTelemetry API").endsWith("opentelemetry-api-1.55.0.jar");
    assertThat(jarOf(OpenTelemetrySdk.class)).as("OpenTelemetry SDK").endsWith("opentelemetry-sdk-1.55.0.jar");
    assertThat(Version.identify()).as("Netty: the probe server's and the AWS SDK's (netty-codec-http2 is the SDK's only)")
        .containsKeys("netty-codec-http", "netty-codec-http2", "netty-transport")
        .allSatisfy((artifact, version) -> assertThat(version.artifactVersion()).as(artifact).isEqualTo("4.2.15.Final"));
    assertThat(VersionInfo.SDK_VERSION).as("AWS SDK (the application's)").isEqualTo("2.57.8");
    assertThat(openTelemetry).as("Boot's SDK").isInstanceOf(OpenTelemetrySdk.class);

    String probe = "http://127.0.0.1:" + PROBE_PORT + "/v1/healthz";
    HttpResponse<String> ready = Await.until(() -> {
      HttpResponse<String> r = get(probe + "/ready");
      return r.statusCode() == 200 ? r : null;
    });
    assertThat(ready.body()).contains("\"status\":\"pass\"");
    assertThat(get(probe + "/live").statusCode()).isEqualTo(200);
    HttpResponse<String> detail = get(probe);
    assertThat(detail.statusCode()).as(detail.body()).isEqualTo(200);
    assertThat(detail.headers().firstValue("Content-Type")).hasValue("application/health+json");
    assertThat(detail.body()).as("the custom check, UP: S3 answered over the SDK's Netty client")
        .contains("\"componentId\":\"compat-bucket\",\"componentType\":\"component\",\"status\":\"pass\"");

    assertThat(TracedController.call(port, TRACE_ID, "00f067aa0ba902b7", "scan-compat-2").statusCode()).isEqualTo(200);
    List<SpanData> trace = Await.until(() -> {
      List<SpanData> spans = SPANS.getFinishedSpanItems().stream()
          .filter(s -> s.getTraceId().equals(TRACE_ID)).toList();
      return spans.stream().anyMatch(s -> s.getName().equals(TracedController.WORK_SPAN)) ? spans : null;
    });
    assertThat(trace).as("the caller's trace, continued by Vega's server span")
        .anyMatch(s -> s.getName().equals("GET /traced") && s.getKind() == SpanKind.SERVER
            && s.getParentSpanId().equals("00f067aa0ba902b7")
            && "scan-compat-2".equals(s.getAttributes().get(SCAN_ID)));
    assertThat(trace).as("the application's own span carries the scan id (Vega's processor on Boot's SDK)")
        .anyMatch(s -> s.getName().equals(TracedController.WORK_SPAN) && "scan-compat-2".equals(s.getAttributes().get(SCAN_ID)));
    assertThat(Await.until(() -> SPANS.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("vega.health.check compat-bucket")).findFirst().orElse(null)))
        .as("the custom check's run, as a span").isNotNull();
  }

  private static String jarOf(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation().getPath();
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

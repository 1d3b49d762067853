package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.TrustedProxies;
import com.example.vega.health.trace.ScanContext;
import com.example.vega.health.trace.ScanTracing;
import com.example.vega.health.trace.ServerSpans;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.semconv.ClientAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.opentelemetry.semconv.UserAgentAttributes;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class ScanTraceFilterTest {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setPropagators(ContextPropagators.create(TextMapPropagator.composite(
          W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
      .build();

  private ScanTraceFilter filter(DetailAccess trusted) {
    return filter(trusted, TrustedProxies.none());
  }

  private ScanTraceFilter filter(DetailAccess trusted, TrustedProxies proxies) {
    return new ScanTraceFilter(ServerSpans.create(ScanTracing.create(otel)), trusted, proxies,
        VegaTracingAutoConfiguration.Web.UNTRACED);
  }

  /** A request from {@code remote} carrying the W3C headers and these forwarded headers (a null value: absent). */
  private SpanData forwarded(ScanTraceFilter filter, String remote, String xff, String proto) throws Exception {
    spans.reset();
    MockHttpServletRequest req = new MockHttpServletRequest("GET", "/v1/scans");
    req.setRemoteAddr(remote);
    req.addHeader("traceparent", "00-" + TRACE + "-b7ad6b7169203331-01");
    if (xff != null) {
      req.addHeader("X-Forwarded-For", xff);
    }
    if (proto != null) {
      req.addHeader("X-Forwarded-Proto", proto);
    }
    filter.doFilter(req, new MockHttpServletResponse(), new MockFilterChain());
    return spans.getFinishedSpanItems().get(0);
  }

  private SpanData serve(ScanTraceFilter filter, String remote, String path) throws Exception {
    MockHttpServletRequest req = new MockHttpServletRequest("GET", path);
    req.setRemoteAddr(remote);
    req.addHeader("traceparent", "00-" + TRACE + "-b7ad6b7169203331-01");
    req.addHeader("baggage", ScanContext.SCAN_ID + "=scan-abc");
    filter.doFilter(req, new MockHttpServletResponse(), new MockFilterChain());
    return spans.getFinishedSpanItems().isEmpty() ? null : spans.getFinishedSpanItems().get(0);
  }

  @Test
  void trustedCallersContinueTheTraceAndScan() throws Exception {
    ScanTraceFilter f = filter(DetailAccess.fromNetworks("10.0.0.0/8"));
    SpanData s = serve(f, "10.1.2.3", "/v1/scans/scan-abc");
    assertThat(s.getTraceId()).isEqualTo(TRACE);
    assertThat(s.getAttributes().get(ScanContext.SCAN_ID_ATTRIBUTE)).isEqualTo("scan-abc");
  }

  @Test
  void untrustedCallersRestartTheTraceAndLoseTheirBaggage() throws Exception {
    ScanTraceFilter f = filter(DetailAccess.fromNetworks("10.0.0.0/8"));
    SpanData s = serve(f, "203.0.113.9", "/v1/scans");
    assertThat(s.getTraceId()).isNotEqualTo(TRACE);
    assertThat(s.getParentSpanContext().isValid()).isFalse();
    assertThat(s.getAttributes().get(ScanContext.SCAN_ID_ATTRIBUTE)).isNull();
  }

  @Test
  void aHostNameInsteadOfAnAddressIsNeverTrustedNorLookedUp() throws Exception {
    // 0.0.0.0/0 trusts every address; a name must still not be resolved on the request path.
    ScanTraceFilter f = filter(DetailAccess.fromNetworks("0.0.0.0/0"));
    SpanData s = serve(f, "trusted.example.invalid", "/v1/scans");
    assertThat(s.getTraceId()).isNotEqualTo(TRACE);
  }

  @Test
  void healthProbesAndTheProxysTokenCheckAreNotTraced() throws Exception {
    ScanTraceFilter f = filter(DetailAccess.never());
    assertThat(serve(f, "127.0.0.1", "/v1/healthz/ready")).isNull();
    assertThat(serve(f, "127.0.0.1", "/v1/health")).isNull();
    assertThat(serve(f, "127.0.0.1", "/v1/healthcare")).isNotNull();
  }

  @Test
  void spanIsNamedByTheMatchedRouteWithServerAttributesAndFiveHundredsAreErrors() throws Exception {
    MockHttpServletRequest req = new MockHttpServletRequest("GET", "/v1/scans/scan-abc");
    req.setRemoteAddr("203.0.113.9");
    req.addHeader("User-Agent", "curl/8");
    req.addHeader("X-Amzn-Trace-Id", "Root=1-67891233-abcdef012345678912345678");
    MockHttpServletResponse res = new MockHttpServletResponse();
    filter(DetailAccess.never()).doFilter(req, res, new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
      @Override
      protected void service(jakarta.servlet.http.HttpServletRequest r, jakarta.servlet.http.HttpServletResponse s) {
        // what Spring MVC's handler mapping does during dispatch
        r.setAttribute(org.springframework.web.servlet.HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/v1/scans/{id}");
        s.setStatus(503);
      }
    }));

    SpanData s = spans.getFinishedSpanItems().get(0);
    assertThat(s.getName()).isEqualTo("GET /v1/scans/{id}");
    assertThat(s.getAttributes().get(HttpAttributes.HTTP_ROUTE)).isEqualTo("/v1/scans/{id}");
    assertThat(s.getAttributes().get(UrlAttributes.URL_PATH)).isEqualTo("/v1/scans/scan-abc");
    assertThat(s.getAttributes().get(ClientAttributes.CLIENT_ADDRESS)).isEqualTo("203.0.113.9");
    assertThat(s.getAttributes().get(UserAgentAttributes.USER_AGENT_ORIGINAL)).isEqualTo("curl/8");
    assertThat(s.getAttributes().get(ServerSpans.XRAY_HEADER_ATTRIBUTE))
        .containsExactly("Root=1-67891233-abcdef012345678912345678");
    assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(s.getAttributes().get(HttpAttributes.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(503L);
  }

  @Test
  void registeredOnlyWithAnOpenTelemetryBeanAndMalformedNetworksNameTheKey() {
    WebApplicationContextRunner runner = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VegaHealthAutoConfiguration.class, VegaTracingAutoConfiguration.class))
        .withPropertyValues("vega.health.server.port=-1");
    runner.run(ctx -> assertThat(ctx).doesNotHaveBean(ScanTraceFilter.class));
    runner.withBean(io.opentelemetry.api.OpenTelemetry.class, () -> otel)
        .run(ctx -> assertThat(ctx).hasSingleBean(ScanTraceFilter.class).hasSingleBean(ScanTracing.class));
    runner.withBean(io.opentelemetry.api.OpenTelemetry.class, () -> otel)
        .withPropertyValues("vega.tracing.trusted-networks=10.0.0.0/99")
        .run(ctx -> assertThat(ctx).getFailure().hasStackTraceContaining("vega.tracing.trusted-networks: '10.0.0.0/99'"));
    assertThatThrownBy(() -> DetailAccess.fromNetworks("nope")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void behindATrustedProxyClientAddressAndSchemeAreTheForwardedCallers() throws Exception {
    ScanTraceFilter f = filter(DetailAccess.never(), TrustedProxies.of("10.0.0.0/24"));
    SpanData s = forwarded(f, "10.0.0.5", "198.51.100.7, 203.0.113.9", "https");
    assertThat(s.getAttributes().get(ClientAttributes.CLIENT_ADDRESS)).isEqualTo("203.0.113.9");
    assertThat(s.getAttributes().get(UrlAttributes.URL_SCHEME)).isEqualTo("https");
    // Repeated header lines are one list: the line the proxy appended is read too.
    MockHttpServletRequest req = new MockHttpServletRequest("GET", "/v1/scans");
    req.setRemoteAddr("10.0.0.5");
    req.addHeader("X-Forwarded-For", "10.0.0.9");
    req.addHeader("X-Forwarded-For", "203.0.113.9");
    spans.reset();
    f.doFilter(req, new MockHttpServletResponse(), new MockFilterChain());
    assertThat(spans.getFinishedSpanItems().get(0).getAttributes().get(ClientAttributes.CLIENT_ADDRESS))
        .isEqualTo("203.0.113.9");
  }

  @Test
  void forwardedHeadersFromAPeerThatIsNoTrustedProxyAreIgnored() throws Exception {
    ScanTraceFilter f = filter(DetailAccess.never(), TrustedProxies.of("10.0.0.0/24"));
    SpanData s = forwarded(f, "203.0.113.50", "10.0.0.9", "https");
    assertThat(s.getAttributes().get(ClientAttributes.CLIENT_ADDRESS)).isEqualTo("203.0.113.50");
    assertThat(s.getAttributes().get(UrlAttributes.URL_SCHEME)).isEqualTo("http");
    SpanData none = forwarded(filter(DetailAccess.never()), "10.0.0.5", "203.0.113.9", "https");
    assertThat(none.getAttributes().get(ClientAttributes.CLIENT_ADDRESS)).isEqualTo("10.0.0.5");
    assertThat(none.getAttributes().get(UrlAttributes.URL_SCHEME)).isEqualTo("http");
  }

  @Test
  void garbageForwardedHeadersNeverFailARequestNorAreBelieved() throws Exception {
    ScanTraceFilter f = filter(DetailAccess.never(), TrustedProxies.of("10.0.0.0/24"));
    for (String xff : new String[] {"", "garbage", "203.0.113.9:443", "203.0.113.9, , 10.0.0.9", "evil.example",
        "1.1.1.1,".repeat(40), "x".repeat(5000), "203.0.113.9\u0000"}) {
      SpanData s = forwarded(f, "10.0.0.5", xff, "javascript:alert(1)");
      assertThat(s.getAttributes().get(ClientAttributes.CLIENT_ADDRESS)).as(xff).isNull();
      assertThat(s.getAttributes().get(UrlAttributes.URL_SCHEME)).as(xff).isEqualTo("http");
    }
  }

  @Test
  void aVpcInTheTrustedNetworksDoesNotContinueTheTraceOfTheAlbsInternetCallers() throws Exception {
    // Vega services call each other inside the VPC; the ALB (10.0.0.0/24) forwards the internet.
    DetailAccess vpc = DetailAccess.fromNetworks("10.0.0.0/16");
    ScanTraceFilter behind = filter(vpc, TrustedProxies.of("10.0.0.0/24"));
    assertThat(forwarded(behind, "10.0.0.5", "203.0.113.9", "https").getTraceId()).isNotEqualTo(TRACE);
    assertThat(forwarded(behind, "10.0.0.5", "10.0.7.7", "https").getTraceId()).isEqualTo(TRACE);
    assertThat(forwarded(behind, "10.0.7.7", null, null).getTraceId()).isEqualTo(TRACE);
    // Without the ALB named, a forwarded request is not trusted either.
    assertThat(forwarded(filter(vpc), "10.0.0.5", "203.0.113.9", "https").getTraceId()).isNotEqualTo(TRACE);
  }

  @Test
  void trustedProxiesComeFromThePropertyOrTheVariableAndAMalformedOneNamesItsKey() {
    WebApplicationContextRunner runner = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VegaHealthAutoConfiguration.class, VegaTracingAutoConfiguration.class))
        .withPropertyValues("vega.health.server.port=-1")
        .withBean(io.opentelemetry.api.OpenTelemetry.class, () -> otel);
    runner.withPropertyValues("vega.health.trusted-proxies=10.0.0.0/24")
        .run(ctx -> assertThat(ctx.getBean(TrustedProxies.class).trusts(java.net.InetAddress.getByName("10.0.0.7")))
            .isTrue());
    runner.withPropertyValues("VEGA_HEALTH_TRUSTED_PROXIES=10.0.1.0/24, 10.0.2.0/24")
        .run(ctx -> assertThat(ctx.getBean(TrustedProxies.class).trusts(java.net.InetAddress.getByName("10.0.2.7")))
            .isTrue());
    runner.withPropertyValues("vega.health.trusted-proxies=10.0.0.0/24,alb.internal")
        .run(ctx -> assertThat(ctx).getFailure().hasStackTraceContaining("vega.health.trusted-proxies[1]")
            .hasStackTraceContaining("alb.internal"));
    runner.withPropertyValues("VEGA_HEALTH_TRUSTED_PROXIES=10.0.0.0/77")
        .run(ctx -> assertThat(ctx).getFailure().hasStackTraceContaining("VEGA_HEALTH_TRUSTED_PROXIES"));
  }
}

package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.servlet.function.RouterFunction;

/** /v1/healthz on the application's port: who gets detail, and when the routes exist. */
class HealthzRoutesTest {
  private static final String TOKEN = "a-detail-token-of-32-characters!";

  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(
          VegaHealthAutoConfiguration.class, VegaHealthWebAutoConfiguration.class))
      .withPropertyValues("vega.health.server.port=-1", "vega.health.detail.token=" + TOKEN,
          "vega.health.detail.networks=192.168.7.0/24", "vega.health.detail.authority=ROLE_vega-ops");

  private static MockMvc mvc(ApplicationContext ctx) {
    return MockMvcBuilders.routerFunctions(ctx.getBean("vegaHealthRoutes", RouterFunction.class)).build();
  }

  private static MockHttpServletRequestBuilder from(String remote) {
    return get("/v1/healthz").with(r -> {
      r.setRemoteAddr(remote);
      return r;
    });
  }

  private static MvcResult call(ApplicationContext ctx, MockHttpServletRequestBuilder request) throws Exception {
    return mvc(ctx).perform(request).andReturn();
  }

  @Test
  void routesExistOnlyInAServletApplication() {
    runner.run(ctx -> assertThat(ctx).hasBean("vegaHealthRoutes"));
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(
            VegaHealthAutoConfiguration.class, VegaHealthWebAutoConfiguration.class))
        .withPropertyValues("vega.health.server.port=-1")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("vegaHealthRoutes"));
  }

  @Test
  void propertyTurnsTheAppPortRoutesOff() {
    runner.withPropertyValues("vega.health.endpoints.enabled=false")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("vegaHealthRoutes"));
  }

  @Test
  void loopbackCallerGetsEveryCheck() {
    runner.run(ctx -> {
      MvcResult r = call(ctx, from("127.0.0.1"));
      assertThat(r.getResponse().getContentType()).startsWith("application/health+json");
      assertThat(r.getResponse().getContentAsString()).contains("\"checks\"", "jvm-deadlock");
    });
  }

  @Test
  void unknownCallerGetsStatusOnly() {
    runner.run(ctx -> {
      MvcResult r = call(ctx, from("10.1.2.3"));
      assertThat(r.getResponse().getStatus()).isEqualTo(200);
      assertThat(r.getResponse().getContentAsString()).isEqualTo("{\"status\":\"pass\"}");
      assertThat(r.getResponse().getHeader("Vary")).contains("Authorization");
    });
  }

  @Test
  void configuredNetworkGetsDetail() {
    runner.run(ctx -> assertThat(call(ctx, from("192.168.7.20")).getResponse().getContentAsString())
        .contains("\"checks\""));
  }

  @Test
  void bearerTokenGetsDetailAndAWrongOneDoesNot() {
    runner.run(ctx -> {
      assertThat(call(ctx, from("10.1.2.3").header("Authorization", "Bearer " + TOKEN))
          .getResponse().getContentAsString()).contains("\"checks\"");
      assertThat(call(ctx, from("10.1.2.3").header("Authorization", "Bearer not-the-token-at-all"))
          .getResponse().getContentAsString()).doesNotContain("\"checks\"");
    });
  }

  @Test
  void principalWithTheConfiguredAuthorityGetsDetail() {
    runner.run(ctx -> {
      var ops = new UsernamePasswordAuthenticationToken("ops", null,
          List.of(new SimpleGrantedAuthority("ROLE_vega-ops")));
      var user = new UsernamePasswordAuthenticationToken("someone", null,
          List.of(new SimpleGrantedAuthority("ROLE_user")));
      assertThat(call(ctx, from("10.1.2.3").principal(ops)).getResponse().getContentAsString())
          .contains("\"checks\"");
      assertThat(call(ctx, from("10.1.2.3").principal(user)).getResponse().getContentAsString())
          .doesNotContain("\"checks\"");
    });
  }

  @Test
  void browserGetsAReadablePage() {
    runner.run(ctx -> {
      MvcResult r = call(ctx, from("127.0.0.1").header("Accept", "text/html,application/xhtml+xml"));
      assertThat(r.getResponse().getContentType()).startsWith("text/html");
      assertThat(r.getResponse().getContentAsString()).contains("<table>", "jvm-deadlock");
    });
  }

  @Test
  void probesAnswerFromTheSnapshot() {
    runner.run(ctx -> {
      MockMvc mvc = mvc(ctx);
      MvcResult live = mvc.perform(get("/v1/healthz/live")).andReturn();
      MvcResult ready = mvc.perform(get("/v1/healthz/ready")).andReturn();
      assertThat(live.getResponse().getStatus()).isEqualTo(200);
      assertThat(live.getResponse().getHeader("Cache-Control")).isEqualTo("no-store");
      assertThat(ready.getResponse().getStatus()).isEqualTo(200);
    });
  }

  @Test
  void behindTheAlbADetailNetworkJudgesTheForwardedCallerNeverTheAlb() {
    // 192.168.0.0/16 stands for the VPC; the ALB's subnet 192.168.1.0/24 is in it.
    runner.withPropertyValues("vega.health.detail.networks=192.168.0.0/16", "vega.health.trusted-proxies=192.168.1.0/24")
        .run(ctx -> {
          assertThat(body(ctx, "192.168.1.5", "203.0.113.9")).isEqualTo("{\"status\":\"pass\"}");
          assertThat(body(ctx, "192.168.1.5", "192.168.7.7, garbage")).isEqualTo("{\"status\":\"pass\"}");
          // What the client wrote left of its own address is never read.
          assertThat(body(ctx, "192.168.1.5", "garbage, 192.168.7.7")).contains("\"checks\"");
          assertThat(body(ctx, "192.168.1.5", null)).isEqualTo("{\"status\":\"pass\"}");
          assertThat(body(ctx, "192.168.1.5", "192.168.7.7")).contains("\"checks\"");
          assertThat(body(ctx, "192.168.7.7", null)).contains("\"checks\"");
        });
    // Without the ALB named a forwarded request gets no detail by network, only by token.
    runner.run(ctx -> {
      assertThat(body(ctx, "192.168.7.7", "203.0.113.9")).isEqualTo("{\"status\":\"pass\"}");
      assertThat(call(ctx, from("192.168.7.7").header("X-Forwarded-For", "203.0.113.9")
          .header("Authorization", "Bearer " + TOKEN)).getResponse().getContentAsString()).contains("\"checks\"");
    });
  }

  private static String body(ApplicationContext ctx, String remote, String xff) throws Exception {
    MockHttpServletRequestBuilder b = from(remote);
    if (xff != null) {
      b = b.header("X-Forwarded-For", xff);
    }
    return call(ctx, b).getResponse().getContentAsString();
  }
}

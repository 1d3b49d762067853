package com.example.vega.health.agent.doctor;

import static com.example.vega.health.agent.doctor.DoctorRun.hop;
import static com.example.vega.health.agent.doctor.DoctorRun.strings;
import static com.example.vega.health.agent.doctor.DoctorRun.text;
import static com.example.vega.health.agent.doctor.EcsFixtures.CLUSTER;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.agent.AwsSdk;
import com.example.vega.health.testing.MotoServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudfront.model.CacheBehavior;
import software.amazon.awssdk.services.cloudfront.model.Origin;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * "Frontend not loading" and "API is down → Security group blocks traffic", in-process against
 * moto_server: the CloudFront distribution (state, enabled, routes), the frontend bucket (index.html,
 * its bundles, their age next to the API's deployment), and the API's ALB target group (settings,
 * targets). moto reports every registered target healthy: the unhealthy reason codes come from
 * WireMock (ELBv2's query protocol), with ECS still on moto.
 */
class DoctorFrontendIT {
  static final String BUCKET = "vega-test-frontend";
  static final String INDEX = "<!doctype html><html><head><script type=\"module\" src=\"/assets/app-3f2a.js\"></script>"
      + "<link rel=\"stylesheet\" href=\"/assets/app-91bc.css?v=2\"><script src=\"https://cdn.example.com/x.js\">"
      + "</script></head><body><div id=\"root\"></div></body></html>";
  EcsFixtures.Scene aws;
  MotoServer moto;
  Map<String, String> env;
  AwsSdk sdk;
  EcsFixtures.Moto ecs;
  WireMockServer fake;
  String albDns;
  String targetGroup;

  @BeforeEach
  void emulator() throws Exception {
    aws = new EcsFixtures.Scene();
    moto = aws.moto;
    env = aws.env;
    sdk = aws.sdk;
    ecs = aws.ecs;
  }

  @AfterEach
  void close() throws Exception {
    aws.close();
    motoApi("unset-transition", "{\"model_name\":\"cloudfront::distribution\"}");
  }

  // ---- the API behind its ALB (moto) ----

  /** An ALB and a target group with this health check, and vega-api behind it on {@code port}. */
  void api(int containerPort, String checkPort, String checkPath, boolean registered) {
    var elb = sdk.elb();
    var lb = elb.createLoadBalancer(b -> b.name("vega-test").subnets(subnets())).loadBalancers().get(0);
    albDns = lb.dnsName();
    targetGroup = elb.createTargetGroup(b -> b.name("vega-test-api").protocol(ProtocolEnum.HTTP).port(8000)
        .vpcId(lb.vpcId()).targetType(TargetTypeEnum.IP).healthCheckPort(checkPort).healthCheckPath(checkPath))
        .targetGroups().get(0).targetGroupArn();
    elb.createListener(b -> b.loadBalancerArn(lb.loadBalancerArn()).protocol(ProtocolEnum.HTTP).port(80)
        .defaultActions(a -> a.type("forward").targetGroupArn(targetGroup)));
    if (registered) {
      elb.registerTargets(b -> b.targetGroupArn(targetGroup).targets(t -> t.id("10.0.1.5").port(8000)));
    }
    ecs.serviceBehind("vega-api", targetGroup, containerPort);
  }

  private java.util.List<String> subnets() {
    try {
      return EcsFixtures.defaultSubnets(moto);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void healthyTargetsWithTheRecommendedHealthCheckAreUp() throws Exception {
    api(8000, "8081", "/v1/healthz/ready", true);
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--services", "vega-api"), "alb vega-api targets");
    assertThat(h).containsEntry("status", "UP").containsEntry("detail", "1 of 1 targets healthy");
    assertThat(strings(h, "evidence")).contains("target group vega-test-api: traffic to vega-api:8000, health check"
        + " /v1/healthz/ready on port 8081 (matcher 200)", "target 10.0.1.5:8000 healthy");
  }

  @Test
  void healthCheckOnTheApplicationsRootIsAWarning() throws Exception {
    api(8000, "traffic-port", "/", true);
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--services", "vega-api"), "alb vega-api targets");
    assertThat(h).containsEntry("status", "DEGRADED").containsEntry("hint", "point the target group's health check at"
        + " /v1/healthz/ready on the probe port 8081 (docs/spring.md, docs/agent.md); today it is / on port 8000");
  }

  @Test
  void trafficToAnotherPortThan8000IsDown() throws Exception {
    api(8080, "8081", "/v1/healthz/ready", true);
    Map<String, Object> json = DoctorRun.json(env, "--aws", "--services", "vega-api");
    assertThat(hop(json, "alb vega-api targets")).containsEntry("status", "DOWN");
    assertThat((String) json.get("next")).startsWith("Security group blocks traffic? The API listens on port 8000 but"
        + " the load balancer sends traffic to vega-api port 8080");
  }

  @Test
  void noRegisteredTargetIsDown() throws Exception {
    api(8000, "8081", "/v1/healthz/ready", false);
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--services", "vega-api"), "alb vega-api targets");
    assertThat(h).containsEntry("status", "DOWN").containsEntry("detail", "no target registered in vega-test-api");
  }

  static Stream<Arguments> reasonCodes() {
    return Stream.of(
        Arguments.of("Target.Timeout", "Request timed out", "Security group blocks traffic: the ALB's health checks to"
            + " 10.0.1.5:8000 time out: check that the task's security group admits the ALB's security group on port"
            + " 8000 (and on the health check port 8081)"),
        Arguments.of("Target.ResponseCodeMismatch", "Health checks failed with these codes: [503]", "the target"
            + " answers /v1/healthz/ready with another status than the matcher 200: /v1/healthz/ready fails readiness"
            + " (a dependency down: doctor --role api)"),
        Arguments.of("Target.FailedHealthChecks", "Health checks failed", "the targets fail the ALB health check"
            + " (Target.FailedHealthChecks): check the task's security group admits the ALB on port 8000 and 8081"));
  }

  @ParameterizedTest
  @MethodSource("reasonCodes")
  void unhealthyTargetsNameTheAlbsReason(String reason, String description, String next) throws Exception {
    ecs.serviceBehind("vega-api", "arn:aws:elasticloadbalancing:us-west-1:123456789012:targetgroup/vega-test-api/1", 8000);
    fake = aws.fake("ELASTIC_LOAD_BALANCING_V2");
    elb("DescribeTargetGroups", "<TargetGroups><member><TargetGroupArn>arn:tg</TargetGroupArn><TargetGroupName>"
        + "vega-test-api</TargetGroupName><Protocol>HTTP</Protocol><Port>8000</Port><HealthCheckPort>8081"
        + "</HealthCheckPort><HealthCheckPath>/v1/healthz/ready</HealthCheckPath><Matcher><HttpCode>200</HttpCode>"
        + "</Matcher><LoadBalancerArns/></member></TargetGroups>");
    elb("DescribeTargetHealth", "<TargetHealthDescriptions><member><Target><Id>10.0.1.5</Id><Port>8000</Port></Target>"
        + "<HealthCheckPort>8081</HealthCheckPort><TargetHealth><State>unhealthy</State><Reason>" + reason + "</Reason>"
        + "<Description>" + description + "</Description></TargetHealth></member></TargetHealthDescriptions>");
    Map<String, Object> json = DoctorRun.json(env, "--aws", "--services", "vega-api");
    Map<String, Object> h = hop(json, "alb vega-api targets");
    assertThat(h).containsEntry("status", "DOWN").containsEntry("detail", "0 of 1 targets healthy (" + reason + ")");
    assertThat(strings(h, "evidence")).contains("target 10.0.1.5:8000 unhealthy " + reason + ": " + description);
    assertThat((String) json.get("next")).startsWith(next);
  }

  private void elb(String action, String result) {
    fake.stubFor(post(urlPathEqualTo("/")).withRequestBody(containing("Action=" + action)).willReturn(aResponse()
        .withHeader("Content-Type", "text/xml").withBody("<" + action + "Response xmlns=\"http://elasticloadbalancing"
            + ".amazonaws.com/doc/2015-12-01/\"><" + action + "Result>" + result + "</" + action + "Result>"
            + "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></" + action + "Response>")));
  }

  // ---- CloudFront ----

  /** A distribution: the default behaviour to {@code defaultOrigin}, /v1/* to {@code apiOrigin} (or none). */
  String distribution(String defaultOrigin, String apiOrigin, boolean enabled) {
    return sdk.cloudFront().createDistribution(b -> b.distributionConfig(c -> {
      c.callerReference("t-" + System.nanoTime()).comment("vega test").enabled(enabled)
          .origins(o -> o.quantity(2).items(
              Origin.builder().id("frontend").domainName(BUCKET + ".s3.us-west-1.amazonaws.com")
                  .s3OriginConfig(s -> s.originAccessIdentity("")).build(),
              Origin.builder().id("api").domainName(albDns == null ? "vega-test-123.us-west-1.elb.amazonaws.com" : albDns)
                  .customOriginConfig(k -> k.httpPort(80).httpsPort(443).originProtocolPolicy("https-only")).build()))
          .defaultCacheBehavior(d -> d.targetOriginId(defaultOrigin).viewerProtocolPolicy("redirect-to-https"));
      if (apiOrigin != null) {
        c.cacheBehaviors(cb -> cb.quantity(1).items(CacheBehavior.builder().pathPattern("/v1/*")
            .targetOriginId(apiOrigin).viewerProtocolPolicy("https-only").build()));
      }
    })).distribution().id();
  }

  Map<String, Object> cloudFront(String id) throws Exception {
    env.put("VEGA_CLOUDFRONT_DISTRIBUTION_ID", id);
    return hop(DoctorRun.json(env, "--aws", "--services", "vega-api"), "cloudfront " + id);
  }

  @Test
  void deployedDistributionRoutingApiAndFrontendIsUp() throws Exception {
    api(8000, "8081", "/v1/healthz/ready", true);
    String id = distribution("frontend", "api", true);
    Map<String, Object> h = cloudFront(id);
    assertThat(h).containsEntry("status", "UP")
        .containsEntry("detail", "status Deployed, enabled; /v1/* → the API, the rest → the frontend bucket");
    assertThat(strings(h, "evidence")).contains("/v1/* → origin api (" + albDns + ")");
  }

  @Test
  void apiRouteToTheBucketOrMissingIsDown() throws Exception {
    api(8000, "8081", "/v1/healthz/ready", true);
    Map<String, Object> toBucket = cloudFront(distribution("frontend", "frontend", true));
    assertThat(toBucket).containsEntry("status", "DOWN");
    assertThat(text(toBucket, "hint")).startsWith("API calls from the frontend fail: CloudFront must route /v1/* to the"
        + " API origin (the ALB " + albDns + "); today /v1/* goes to origin frontend");
    Map<String, Object> none = cloudFront(distribution("frontend", null, true));
    assertThat(text(none, "hint")).contains("today there is no /v1/* behaviour, so API calls go to origin frontend");
  }

  @Test
  void defaultBehaviourToTheAlbIsDown() throws Exception {
    env.put("VEGA_S3_FRONTEND_BUCKET", BUCKET);
    Map<String, Object> h = cloudFront(distribution("api", "api", true));
    assertThat(h).containsEntry("status", "DOWN");
    assertThat(text(h, "hint")).startsWith("the default behaviour must serve the frontend bucket " + BUCKET
        + "; today it goes to origin api");
  }

  @Test
  void disabledDistributionIsDown() throws Exception {
    String id = distribution("frontend", "api", false);
    Map<String, Object> h = cloudFront(id);
    assertThat(h).containsEntry("status", "DOWN").containsEntry("hint", "CloudFront distribution " + id
        + " is disabled: it serves nothing until it is enabled (Terraform, then wait for Deployed)");
  }

  @Test
  void distributionStillInProgressIsAWarning() throws Exception {
    motoApi("set-transition", "{\"model_name\":\"cloudfront::distribution\",\"transition\":{\"progression\":\"manual\","
        + "\"times\":1000}}");
    String id = distribution("frontend", "api", true);
    Map<String, Object> h = cloudFront(id);
    assertThat(h).containsEntry("status", "DEGRADED");
    assertThat(text(h, "hint")).startsWith("CloudFront distribution " + id + " is InProgress");
  }

  @Test
  void unknownDistributionIsDown() throws Exception {
    Map<String, Object> h = cloudFront("E2NOSUCHDIST");
    assertThat(h).containsEntry("status", "DOWN").containsEntry("detail", "distribution E2NOSUCHDIST does not exist");
  }

  // ---- the frontend bucket ----

  void frontend(boolean index, boolean js, boolean css) {
    var s3 = sdk.s3();
    s3.createBucket(b -> b.bucket(BUCKET).createBucketConfiguration(c -> c.locationConstraint(MotoServer.REGION)));
    if (index) {
      s3.putObject(b -> b.bucket(BUCKET).key("index.html"), RequestBody.fromString(INDEX));
    }
    if (js) {
      s3.putObject(b -> b.bucket(BUCKET).key("assets/app-3f2a.js"), RequestBody.fromString("console.log(1)"));
    }
    if (css) {
      s3.putObject(b -> b.bucket(BUCKET).key("assets/app-91bc.css"), RequestBody.fromString("body{}"));
    }
    env.put("VEGA_S3_FRONTEND_BUCKET", BUCKET);
  }

  Map<String, Object> bucketHop() throws Exception {
    return hop(DoctorRun.json(env, "--aws", "--services", "vega-api"), "s3 frontend " + BUCKET);
  }

  @Test
  void indexAndItsBundlesNotOlderThanTheApiAreUp() throws Exception {
    frontend(true, true, true);
    ecs.service("vega-api", 1, true);
    Map<String, Object> h = bucketHop();
    assertThat(h).containsEntry("status", "UP").containsEntry("detail",
        "index.html and 2 JS/CSS bundles, not older than the API's deployment");
  }

  @Test
  void missingIndexOrBundleIsDown() throws Exception {
    frontend(true, true, false);
    Map<String, Object> h = bucketHop();
    assertThat(h).containsEntry("status", "DOWN").containsEntry("detail",
        "index.html references 2 bundles, 1 missing: assets/app-91bc.css");
    assertThat(text(h, "hint")).startsWith("the frontend bucket " + BUCKET + " lacks assets/app-91bc.css: rebuild and"
        + " upload the frontend");
    sdk.s3().deleteObject(b -> b.bucket(BUCKET).key("index.html"));
    assertThat(bucketHop()).containsEntry("status", "DOWN").containsEntry("detail", "no index.html in " + BUCKET);
  }

  @Test
  void missingFrontendBucketIsDown() throws Exception {
    env.put("VEGA_S3_FRONTEND_BUCKET", "vega-test-nofrontend");
    assertThat(hop(DoctorRun.json(env, "--aws", "--services", "vega-api"), "s3 frontend vega-test-nofrontend"))
        .containsEntry("status", "DOWN").containsEntry("hint",
            "check VEGA_S3_FRONTEND_BUCKET (name and region) against the bucket Terraform created");
  }

  @Test
  void frontendOlderThanTheApisDeploymentIsStale() throws Exception {
    frontend(true, true, true);
    // ECS from WireMock: a deployment created three hours after the files were uploaded
    fake = aws.fake("ECS");
    long deployed = Instant.now().plus(Duration.ofHours(3)).getEpochSecond();
    EcsFixtures.answer(fake, "DescribeServices", "{\"services\":[{\"serviceName\":\"vega-api\",\"status\":\"ACTIVE\","
        + "\"desiredCount\":1,\"runningCount\":1,\"pendingCount\":0,\"deployments\":[{\"id\":\"ecs-svc/9\",\"status\":"
        + "\"PRIMARY\",\"taskDefinition\":\"vega-api:9\",\"desiredCount\":1,\"runningCount\":1,\"rolloutState\":"
        + "\"COMPLETED\",\"createdAt\":" + deployed + "}],\"events\":[]}],\"failures\":[]}");
    EcsFixtures.stoppedTasks(fake);
    Map<String, Object> h = bucketHop();
    assertThat(h).containsEntry("status", "DEGRADED");
    assertThat(text(h, "detail")).startsWith("index.html and 2 JS/CSS bundles; uploaded 3 hours before the API's"
        + " deployment");
    assertThat(text(h, "hint")).startsWith("the frontend was uploaded 3 hours before the API's current deployment");
  }

  private void motoApi(String action, String json) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(moto.endpoint() + "/moto-api/state-manager/" + action))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(json)).build();
    com.example.vega.health.agent.HostProcess.HTTP.send(req, HttpResponse.BodyHandlers.discarding());
  }
}

package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import com.example.vega.health.agent.Text;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudfront.model.CacheBehavior;
import software.amazon.awssdk.services.cloudfront.model.Distribution;
import software.amazon.awssdk.services.cloudfront.model.DistributionConfig;
import software.amazon.awssdk.services.cloudfront.model.NoSuchDistributionException;
import software.amazon.awssdk.services.cloudfront.model.Origin;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * "Frontend not loading": the CloudFront distribution is Deployed and enabled, routes {@code /v1/*}
 * to the API origin (the ALB) and everything else to the frontend bucket; the bucket holds
 * {@code index.html} and every JS/CSS bundle it references, uploaded no earlier than the API's
 * current deployment (a backend-only deploy leaves the frontend stale).
 */
final class FrontendHops {
  /** When the API's current (PRIMARY) deployment was created. */
  static final Context.Fact<Instant> API_DEPLOYED = new Context.Fact<>("api deployed", Instant.class);
  /** The API's load balancer, from its target group. */
  static final Context.Fact<String> ALB_ARN = new Context.Fact<>("alb arn", String.class);

  /** The deploy scripts upload the frontend and deploy the API minutes apart. */
  static final Duration STALE_AFTER = Duration.ofHours(1);
  static final int MAX_INDEX = 512 * 1024;
  static final int MAX_BUNDLES = 50;
  private static final Pattern BUNDLE =
      Pattern.compile("(?:src|href)\\s*=\\s*[\"']([^\"'#?]+\\.(?:js|mjs|css))(?:\\?[^\"']*)?[\"']", Pattern.CASE_INSENSITIVE);

  private FrontendHops() {}

  static Hop distribution(Context ctx, String id) throws CannotRun {
    String hop = "cloudfront " + id;
    long start = System.nanoTime();
    Distribution d;
    try {
      d = ctx.aws(a -> a.cloudFront()).getDistribution(b -> b.id(id)).distribution();
    } catch (NoSuchDistributionException e) {
      return Hop.of(hop, Status.DOWN, Hop.since(start), "distribution " + id + " does not exist",
          Runbook.DISTRIBUTION_MISSING.text());
    } catch (SdkException e) {
      return Failure.aws(e, "CloudFront", "cloudfront:GetDistribution").hop(hop, Hop.since(start), ctx);
    }
    DistributionConfig c = d.distributionConfig();
    String alb = albDns(ctx);
    String bucket = ctx.setting(Settings.FRONTEND_BUCKET);
    Origin defaultOrigin = origin(c, c.defaultCacheBehavior().targetOriginId());
    CacheBehavior api = null;
    for (CacheBehavior b : c.cacheBehaviors() == null ? List.<CacheBehavior>of() : c.cacheBehaviors().items()) {
      String p = b.pathPattern();
      if (p != null && (p.equals("/v1/*") || p.equals("v1/*"))) {
        api = b;
      }
    }
    Origin apiOrigin = api == null ? null : origin(c, api.targetOriginId());
    List<String> evidence = new ArrayList<>();
    evidence.add("default behaviour → " + describe(defaultOrigin));
    evidence.add("/v1/* → " + (api == null ? "no behaviour (the default's origin)" : describe(apiOrigin)));
    long ms = Hop.since(start);
    String state = "status " + d.status() + ", " + (Boolean.TRUE.equals(c.enabled()) ? "enabled" : "disabled");
    if (!Boolean.TRUE.equals(c.enabled())) {
      return new Hop(hop, Status.DOWN, ms, state, Runbook.DISTRIBUTION_DISABLED.text("id", id), evidence);
    }
    String albText = alb == null ? "" : " " + alb;
    if (apiOrigin == null || isS3(apiOrigin) || alb != null && !alb.equalsIgnoreCase(apiOrigin.domainName())) {
      String route = apiOrigin == null ? "there is no /v1/* behaviour, so API calls go to " + describe(defaultOrigin)
          : "/v1/* goes to " + describe(apiOrigin);
      return new Hop(hop, Status.DOWN, ms, state + "; /v1/* does not reach the API",
          Runbook.API_ROUTE.text("alb", albText, "route", route), evidence);
    }
    boolean defaultOk = defaultOrigin != null && (bucket == null ? isS3(defaultOrigin)
        : defaultOrigin.domainName().toLowerCase(Locale.ROOT).startsWith(bucket.toLowerCase(Locale.ROOT) + ".s3"));
    if (!defaultOk) {
      return new Hop(hop, Status.DOWN, ms, state + "; the default behaviour does not serve the frontend bucket",
          Runbook.FRONTEND_ROUTE.text("bucket", bucket == null ? "(VEGA_S3_FRONTEND_BUCKET)" : bucket,
              "origin", describe(defaultOrigin)), evidence);
    }
    if (!"Deployed".equals(d.status())) {
      return new Hop(hop, Status.DEGRADED, ms, state, Runbook.DISTRIBUTION_NOT_DEPLOYED.text("id", id, "status",
          String.valueOf(d.status())), evidence);
    }
    return new Hop(hop, Status.UP, ms, state + "; /v1/* → the API, the rest → the frontend bucket", "", evidence);
  }

  private static @Nullable Origin origin(DistributionConfig c, @Nullable String id) {
    if (c.origins() == null || id == null) {
      return null;
    }
    for (Origin o : c.origins().items()) {
      if (id.equals(o.id())) {
        return o;
      }
    }
    return null;
  }

  private static boolean isS3(Origin o) {
    return o.s3OriginConfig() != null && o.customOriginConfig() == null
        || o.domainName().toLowerCase(Locale.ROOT).contains(".s3.");
  }

  private static String describe(@Nullable Origin o) {
    return o == null ? "no origin" : "origin " + Text.oneLine(o.id(), 80) + " (" + Text.oneLine(o.domainName(), 120) + ")";
  }

  /** The API's ALB DNS name, through its ECS service's target group; null when not known. */
  static @Nullable String albDns(Context ctx) throws CannotRun {
    try {
      String arn = ctx.fact(ALB_ARN);
      if (arn == null) {
        Service api = EcsHops.service(ctx, "vega-api");
        if (api == null || api.loadBalancers().isEmpty() || api.loadBalancers().get(0).targetGroupArn() == null) {
          return null;
        }
        String tg = api.loadBalancers().get(0).targetGroupArn();
        var groups = ctx.aws(a -> a.elb()).describeTargetGroups(b -> b.targetGroupArns(tg)).targetGroups();
        if (groups.isEmpty() || groups.get(0).loadBalancerArns().isEmpty()) {
          return null;
        }
        arn = groups.get(0).loadBalancerArns().get(0);
        ctx.remember(ALB_ARN, arn);
      }
      String lbArn = arn;
      List<LoadBalancer> lbs = ctx.aws(a -> a.elb()).describeLoadBalancers(b -> b.loadBalancerArns(lbArn)).loadBalancers();
      return lbs.isEmpty() ? null : lbs.get(0).dnsName();
    } catch (SdkException e) {
      return null; // the route check then only asks that /v1/* is not the bucket
    }
  }

  /** index.html and the bundles it references, and their age next to the API's deployment. */
  static Hop bucket(Context ctx, String bucket) throws CannotRun {
    String hop = "s3 frontend " + bucket;
    long start = System.nanoTime();
    S3Client s3 = ctx.aws(a -> a.s3());
    ResponseBytes<GetObjectResponse> index;
    try {
      index = s3.getObjectAsBytes(b -> b.bucket(bucket).key("index.html").range("bytes=0-" + (MAX_INDEX - 1)));
    } catch (NoSuchBucketException e) {
      return Hop.of(hop, Status.DOWN, Hop.since(start), "bucket " + bucket + " does not exist",
          Runbook.FRONTEND_BUCKET_MISSING.text());
    } catch (NoSuchKeyException e) {
      return Hop.of(hop, Status.DOWN, Hop.since(start), "no index.html in " + bucket,
          Runbook.FRONTEND_FILES_MISSING.text("bucket", bucket, "missing", "index.html"));
    } catch (S3Exception e) {
      return Failure.aws(e, "S3", "s3:GetObject").hop(hop, Hop.since(start), ctx);
    }
    Set<String> bundles = new LinkedHashSet<>();
    Matcher m = BUNDLE.matcher(index.asString(StandardCharsets.UTF_8));
    while (m.find() && bundles.size() < MAX_BUNDLES) {
      String ref = m.group(1);
      if (!ref.contains("://") && !ref.startsWith("//")) {
        bundles.add(ref.replaceFirst("^\\./", "").replaceFirst("^/", ""));
      }
    }
    Instant oldest = index.response().lastModified();
    List<String> missing = new ArrayList<>();
    List<String> evidence = new ArrayList<>();
    evidence.add("index.html uploaded " + index.response().lastModified());
    for (String key : bundles) {
      try {
        HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key(key));
        evidence.add(key + " uploaded " + h.lastModified());
        if (oldest == null || h.lastModified() != null && h.lastModified().isBefore(oldest)) {
          oldest = h.lastModified();
        }
      } catch (NoSuchKeyException e) {
        missing.add(key);
      } catch (S3Exception e) {
        if (e.statusCode() != 404) {
          return Failure.aws(e, "S3", "s3:HeadObject").hop(hop, Hop.since(start), ctx);
        }
        missing.add(key);
      }
    }
    long ms = Hop.since(start);
    if (!missing.isEmpty()) {
      return new Hop(hop, Status.DOWN, ms, "index.html references " + bundles.size() + " bundles, "
          + missing.size() + " missing: " + Text.oneLine(String.join(", ", missing), 200),
          Runbook.FRONTEND_FILES_MISSING.text("bucket", bucket, "missing", Text.oneLine(String.join(", ", missing), 200)),
          evidence);
    }
    String files = "index.html and " + bundles.size() + " JS/CSS bundles";
    Instant deployed = apiDeployed(ctx);
    if (deployed != null) {
      evidence.add("vega-api deployed " + deployed);
    }
    if (deployed != null && oldest != null && oldest.plus(STALE_AFTER).isBefore(deployed)) {
      Duration age = Duration.between(oldest, deployed);
      return new Hop(hop, Status.DEGRADED, ms, files + "; uploaded " + human(age) + " before the API's deployment",
          Runbook.FRONTEND_STALE.text("age", human(age)), evidence);
    }
    if (bundles.isEmpty()) {
      return new Hop(hop, Status.DEGRADED, ms, "index.html references no JS/CSS bundle",
          Runbook.FRONTEND_FILES_MISSING.text("bucket", bucket, "missing", "the JS/CSS bundles"), evidence);
    }
    return new Hop(hop, Status.UP, ms, files + (deployed == null ? "" : ", not older than the API's deployment"), "",
        evidence);
  }

  private static @Nullable Instant apiDeployed(Context ctx) throws CannotRun {
    Instant known = ctx.fact(API_DEPLOYED);
    if (known != null) {
      return known;
    }
    try {
      Service api = EcsHops.service(ctx, "vega-api");
      if (api == null) {
        return null;
      }
      for (var d : api.deployments()) {
        if ("PRIMARY".equals(d.status()) && d.createdAt() != null) {
          ctx.remember(API_DEPLOYED, d.createdAt());
          return d.createdAt();
        }
      }
    } catch (SdkException e) {
      // the age is a comparison the doctor cannot make: the files are still checked
    }
    return null;
  }

  static String human(Duration d) {
    if (d.toDays() >= 2) {
      return d.toDays() + " days";
    }
    if (d.toHours() >= 2) {
      return d.toHours() + " hours";
    }
    return d.toMinutes() + " minutes";
  }
}

package com.example.vega.health.checks;

import com.example.vega.health.DependencyCall;
import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ComponentType;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.Setting;
import com.example.vega.health.checks.internal.AwsFailures;
import com.example.vega.health.Caller;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The buckets a service uses: HeadBucket on each configured one (source, artifacts, frontend),
 * telling a missing bucket, a bucket in another region and a denied one apart; the frontend
 * bucket must hold {@code index.html}. An opt-in write probe proves {@code s3:PutObject} on the
 * artifacts bucket: a small object under {@code vega-health/}, deleted at once. An opt-in read probe
 * proves {@code s3:GetObject} on the source bucket: a HeadObject of a key under {@code vega-health/},
 * which S3 answers 404 (allowed, no such key) or 200 only when the caller may get objects there, and
 * 403 otherwise (HeadBucket has already proved s3:ListBucket, the other right a 404 needs). S3 decides
 * with the task's own credentials, bucket policy, SCPs and VPC endpoint policy all applied, which an
 * IAM policy simulation of the task role alone would not. The runner's profile turns both on.
 */
public final class S3Check implements HealthCheck {
  /** Where the write probe puts its object; a lifecycle rule on this prefix can sweep leftovers. */
  public static final String PROBE_PREFIX = "vega-health/";
  /** The key the read probe asks S3 about; it need not exist. */
  public static final String READ_PROBE_KEY = PROBE_PREFIX + "read-probe";

  /** The buckets Vega uses, with the setting that names each. */
  public enum Bucket {
    SOURCE(Setting.SOURCE_BUCKET),
    ARTIFACTS(Setting.ARTIFACTS_BUCKET),
    FRONTEND(Setting.FRONTEND_BUCKET);

    /** How hints name it: "artifacts bucket vega-artifacts-dev does not exist". */
    private final String label = name().toLowerCase(Locale.ROOT);
    private final Setting setting;

    Bucket(Setting setting) {
      this.setting = setting;
    }

    /** The setting that names this bucket, e.g. {@code VEGA_S3_SOURCE_BUCKET}. */
    public String setting() {
      return setting.key();
    }
  }

  private final S3Client s3;
  private final Map<Bucket, String> buckets;
  private final boolean writeProbe;
  private final @Nullable String readProbeKey;
  private final boolean crossRegion;
  private final Caller who;
  private final S3ObjectProbes objects;

  private S3Check(Builder b, Caller who) {
    this.s3 = b.s3;
    this.buckets = Map.copyOf(b.buckets);
    this.writeProbe = b.writeProbe;
    this.readProbeKey = b.readProbeKey;
    this.crossRegion = b.crossRegion;
    this.who = who;
    this.objects = new S3ObjectProbes(b.s3, who);
  }

  /**
   * In a role profile: with {@code VEGA_FILE_STORAGE_BACKEND=s3}, the role's {@code kinds} of bucket
   * whose settings are present, through the service's S3Client. With {@code probes}, the rights the
   * role uses are proven too: s3:PutObject on the artifacts bucket, s3:GetObject on the source one.
   */
  static @Nullable CheckRegistration inProfile(Profile p, CheckPolicy policy, boolean probes, Bucket... kinds) {
    Map<Bucket, String> named = new LinkedHashMap<>();
    for (Bucket k : kinds) {
      String name = p.valid(k.setting);
      if (name != null) {
        named.put(k, name);
      }
    }
    S3Client s3 = !p.is(Setting.FILE_STORAGE_BACKEND, "s3") || named.isEmpty() ? null
        : p.client(p.clients().s3(), "S3Client", "the buckets (VEGA_S3_*_BUCKET) are not checked: a missing "
            + "bucket, a bucket in another region or denied access go unseen");
    if (s3 == null) {
      return null;
    }
    Builder b = builder(s3).caller(p.caller());
    named.forEach(b::bucket);
    if (probes) {
      b.writeProbe(named.containsKey(Bucket.ARTIFACTS));
      if (named.containsKey(Bucket.SOURCE)) {
        b.readProbe(READ_PROBE_KEY);
      }
    }
    return b.build().registration(policy);
  }

  public static Builder builder(S3Client s3) {
    return new Builder(s3);
  }

  /** Registered as {@code s3}, a datastore measured by the number of {@code buckets} checked. */
  public CheckRegistration registration(CheckPolicy policy) {
    return new CheckRegistration("s3", ComponentType.DATASTORE, "buckets", policy, this);
  }

  @Override
  public CheckResult check(CheckContext ctx) {
    List<CheckResult> problems = new ArrayList<>();
    List<String> fine = new ArrayList<>();
    for (Bucket kind : Bucket.values()) {
      String name = buckets.get(kind);
      if (name == null) {
        continue;
      }
      CheckResult r = headBucket(ctx, kind, name);
      if (r == null && kind == Bucket.FRONTEND) {
        r = objects.indexHtml(ctx, name);
      }
      if (r == null && kind == Bucket.ARTIFACTS && writeProbe) {
        r = objects.write(ctx, name);
      }
      if (r == null && kind == Bucket.SOURCE && readProbeKey != null) {
        r = objects.read(ctx, name, readProbeKey);
      }
      if (r == null) {
        fine.add(kind.label + " " + name);
      } else {
        problems.add(r);
      }
    }
    CheckResult result;
    if (problems.isEmpty()) {
      result = CheckResult.up("buckets reachable: " + String.join(", ", fine)
          + (buckets.containsKey(Bucket.FRONTEND) ? "; index.html present" : "")
          + (writeProbe && buckets.containsKey(Bucket.ARTIFACTS) ? "; write probe ok" : "")
          + (readProbeKey != null ? "; read probe ok" : ""));
    } else {
      CheckResult worst = problems.get(0);
      for (CheckResult p : problems) {
        if (p.status().isWorseThan(worst.status())) {
          worst = p;
        }
      }
      result = problems.size() == 1 ? worst : worst.withText(
          worst.message() + " (and " + (problems.size() - 1) + " more bucket problem"
              + (problems.size() > 2 ? "s" : "") + ")", worst.hint(), worst.observations());
    }
    return result.with("buckets", buckets.size(), null).with("bucketsOk", fine.size(), null);
  }

  private @Nullable CheckResult headBucket(CheckContext ctx, Bucket kind, String name) {
    AwsBudget budget = AwsBudget.of(ctx);
    try {
      String actual = s3.headBucket(r -> r.bucket(name).overrideConfiguration(budget)).bucketRegion();
      // Some endpoints (and emulators) answer a HEAD from the wrong region with 200; the region
      // header still tells.
      return crossRegion || actual == null || actual.equals(who.region()) || who.region().startsWith("<")
          ? null : wrongRegion(kind, name, actual);
    } catch (SdkException e) {
      int status = AwsFailures.statusCode(e);
      if (status == 404) {
        return CheckResult.down(ErrorKind.NOT_FOUND,
            kind.label + " bucket " + name + " does not exist",
            "check " + kind.setting + " in the " + who.serviceName() + " task definition names an "
                + "existing bucket in " + who.region());
      }
      if (status == 301 || "PermanentRedirect".equals(AwsFailures.errorCode(e))) {
        return wrongRegion(kind, name, bucketRegion(e));
      }
      if (AwsFailures.isAccessDenied(e)) {
        // HeadBucket is authorized by s3:ListBucket.
        return AwsFailures.accessDenied("s3:ListBucket", "bucket " + name, who);
      }
      return AwsFailures.of(e, "S3", "s3:ListBucket", "bucket " + name, who);
    }
  }

  private CheckResult wrongRegion(Bucket kind, String name, String actual) {
    return CheckResult.down(ErrorKind.MISCONFIGURED,
        kind.label + " bucket " + name + " is in " + actual + ", not " + who.region(),
        "the S3 client uses " + who.region() + ": set AWS_REGION to " + actual + " for "
            + who.serviceName() + " or point " + kind.setting + " at the bucket in " + who.region());
  }

  private static String bucketRegion(Throwable e) {
    if (e instanceof AwsServiceException a && a.awsErrorDetails() != null
        && a.awsErrorDetails().sdkHttpResponse() != null) {
      return a.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region")
          .orElse("another region");
    }
    return "another region";
  }

  /**
   * HeadBucket per bucket, HeadObject of the frontend's index.html and of the source bucket's read
   * probe key, the write probe's put and delete.
   */
  @Override
  public List<DependencyCall> callsPerRun() {
    List<DependencyCall> calls = new ArrayList<>();
    calls.add(new DependencyCall("s3", "HeadBucket", buckets.size()));
    int heads = (buckets.containsKey(Bucket.FRONTEND) ? 1 : 0)
        + (readProbeKey != null && buckets.containsKey(Bucket.SOURCE) ? 1 : 0);
    if (heads > 0) {
      calls.add(new DependencyCall("s3", "HeadObject", heads));
    }
    if (writeProbe && buckets.containsKey(Bucket.ARTIFACTS)) {
      calls.add(new DependencyCall("s3", "PutObject", 1));
      calls.add(new DependencyCall("s3", "DeleteObject", 1));
    }
    return List.copyOf(calls);
  }

  @Override
  public CheckResult onTimeout(Duration timeout) {
    return AwsFailures.timeout("S3", "HeadBucket", who);
  }

  /** Builds an {@link S3Check}; {@link #build()} validates. */
  /** The longest object key S3 takes, in UTF-8 bytes. */
  private static final int MAX_KEY_BYTES = 1024;

  public static final class Builder extends CallerBuilder<Builder> {
    private final S3Client s3;
    private final Map<Bucket, String> buckets = new LinkedHashMap<>();
    private boolean writeProbe;
    private @Nullable String readProbeKey;
    private boolean crossRegion;

    private Builder(S3Client s3) {
      super("runner");
      this.s3 = Objects.requireNonNull(s3, "s3");
    }

    public Builder bucket(Bucket kind, String name) {
      buckets.put(Objects.requireNonNull(kind, "kind"), kind.setting.require(name));
      return this;
    }

    public Builder sourceBucket(String name) {
      return bucket(Bucket.SOURCE, name);
    }

    public Builder artifactsBucket(String name) {
      return bucket(Bucket.ARTIFACTS, name);
    }

    public Builder frontendBucket(String name) {
      return bucket(Bucket.FRONTEND, name);
    }

    /**
     * Opt-in: prove s3:PutObject on the artifacts bucket by writing a small object under
     * {@value #PROBE_PREFIX} and deleting it. Off by default, since it writes.
     */
    public Builder writeProbe(boolean enabled) {
      this.writeProbe = enabled;
      return this;
    }

    /**
     * Opt-in: prove s3:GetObject on the source bucket with a HeadObject of {@code key}, which need
     * not exist (S3 answers 404 only to a caller that may get it). Pick a key the task role's policy
     * covers: a policy scoped to another prefix than the probe's would read as denied.
     */
    public Builder readProbe(String key) {
      if (key.isBlank() || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
        throw new IllegalArgumentException("readProbe needs an S3 object key of 1 to " + MAX_KEY_BYTES + " bytes");
      }
      this.readProbeKey = key;
      return this;
    }

    /**
     * Set when the client was built with {@code crossRegionAccessEnabled(true)}: a bucket in
     * another region is then reachable and not reported. Default false.
     */
    public Builder crossRegionAccess(boolean enabled) {
      this.crossRegion = enabled;
      return this;
    }

    public S3Check build() {
      if (buckets.isEmpty()) {
        throw new IllegalArgumentException(
            "S3Check needs at least one bucket (VEGA_S3_SOURCE_BUCKET, VEGA_S3_ARTIFACTS_BUCKET or VEGA_S3_FRONTEND_BUCKET)");
      }
      if (writeProbe && !buckets.containsKey(Bucket.ARTIFACTS)) {
        throw new IllegalArgumentException("writeProbe needs the artifacts bucket (VEGA_S3_ARTIFACTS_BUCKET)");
      }
      if (readProbeKey != null && !buckets.containsKey(Bucket.SOURCE)) {
        throw new IllegalArgumentException("readProbe needs the source bucket (VEGA_S3_SOURCE_BUCKET)");
      }
      // The region hints name is also the one a bucket's is compared with.
      return new S3Check(this, buildCaller(Regions.id(s3.serviceClientConfiguration().region())));
    }
  }
}

package com.example.vega.health.checks;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import com.example.vega.health.checks.internal.AwsFailures;
import com.example.vega.health.Caller;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The object-level probes of the {@code s3} check, each after its bucket answered HeadBucket: the
 * frontend's index.html, the artifacts bucket's write probe (put, then delete) and the source
 * bucket's read probe. Each returns null when the right is there, else the result to report.
 */
final class S3ObjectProbes {
  private final S3Client s3;
  private final Caller who;

  S3ObjectProbes(S3Client s3, Caller who) {
    this.s3 = s3;
    this.who = who;
  }

  @Nullable CheckResult indexHtml(CheckContext ctx, String name) {
    AwsBudget budget = AwsBudget.of(ctx);
    try {
      s3.headObject(r -> r.bucket(name).key("index.html").overrideConfiguration(budget));
      return null;
    } catch (SdkException e) {
      if (AwsFailures.statusCode(e) == 404) {
        return CheckResult.down(ErrorKind.NOT_FOUND,
            "frontend bucket " + name + " has no index.html",
            "the frontend was not built and uploaded (a backend-only deploy leaves it stale): rerun the "
                + "deploy scripts, then check the CloudFront distribution is Deployed");
      }
      return AwsFailures.of(e, "S3", "s3:GetObject", name + "/index.html", who);
    }
  }

  @Nullable CheckResult write(CheckContext ctx, String name) {
    String key = S3Check.PROBE_PREFIX + "probe-" + UUID.randomUUID() + ".txt";
    AwsBudget put = AwsBudget.of(ctx);
    try {
      s3.putObject(r -> r.bucket(name).key(key).contentType("text/plain").overrideConfiguration(put),
          RequestBody.fromString("vega-health write probe; safe to delete"));
    } catch (SdkException e) {
      if (AwsFailures.isAccessDenied(e)) {
        return CheckResult.down(ErrorKind.ACCESS_DENIED, "s3:PutObject denied on " + name,
            "check that the " + who.role() + " task role has s3:PutObject permission on the artifacts "
                + "bucket " + name + ": " + who.iamHint());
      }
      return AwsFailures.of(e, "S3", "s3:PutObject", "bucket " + name, who);
    }
    AwsBudget delete = AwsBudget.of(ctx);
    try {
      s3.deleteObject(r -> r.bucket(name).key(key).overrideConfiguration(delete));
      return null;
    } catch (SdkException e) {
      // Writing works, which is what the service needs; the leftover object is worth a warning.
      CheckResult r = AwsFailures.isAccessDenied(e)
          ? AwsFailures.accessDenied("s3:DeleteObject", name + "/" + key, who)
          : AwsFailures.of(e, "S3", "s3:DeleteObject", name + "/" + key, who);
      return new CheckResult(Status.DEGRADED, "write probe ok but " + r.message() + "; probe object left behind",
          r.hint(), r.errorKind(), List.of(), r.duration(), null);
    }
  }

  @Nullable CheckResult read(CheckContext ctx, String name, String key) {
    AwsBudget budget = AwsBudget.of(ctx);
    try {
      s3.headObject(r -> r.bucket(name).key(key).overrideConfiguration(budget));
      return null;
    } catch (SdkException e) {
      if (AwsFailures.statusCode(e) == 404) {
        return null; // S3 says "no such key" only to a caller that may get it
      }
      if (AwsFailures.isAccessDenied(e)) {
        return CheckResult.down(ErrorKind.ACCESS_DENIED, "s3:GetObject denied on " + name,
            "the runner cannot download sources: check that the " + who.role() + " task role has s3:GetObject "
                + "on arn:aws:s3:::" + name + "/* (and that VEGA_S3_SOURCE_BUCKET names the bucket the api uploads "
                + "to): " + who.iamHint());
      }
      return AwsFailures.of(e, "S3", "s3:GetObject", name + "/" + key, who);
    }
  }
}

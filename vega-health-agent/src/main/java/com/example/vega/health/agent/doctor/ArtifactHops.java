package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import com.example.vega.health.agent.Text;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * "S3 artifact missing" and "Findings not persisting": the scan's artifacts in the artifacts
 * bucket, what {@code v16-debug-bundle.zip} says about how far the runner got, and the findings
 * rows against the {@code finding_updated} events of {@code v16-events.jsonl}.
 */
final class ArtifactHops {
  static final List<String> ARTIFACTS = List.of("v16-report.json", "v16-events.jsonl", "v16-debug-bundle.zip");
  static final String BUNDLE = "v16-debug-bundle.zip";
  static final long MAX_EVENTS_BYTES = 256L << 20;
  static final long MAX_BUNDLE_BYTES = 256L << 20;
  static final int MAX_MANIFEST = 64 * 1024;
  /** Keys of an event that name the finding: the runner's own {@code finding}, and common spellings. */
  static final List<String> FINDING_KEYS = List.of("finding_id", "findingId", "finding", "id");
  static final Context.Fact<Boolean> BUCKET_OK = new Context.Fact<>("artifacts bucket", Boolean.class);
  static final Context.Fact<String> PRESENT = new Context.Fact<>("artifacts present", String.class);

  private ArtifactHops() {}

  static Hop artifacts(Context ctx, String bucket, String prefix) throws CannotRun {
    String hop = "s3 artifacts";
    ScanRun.Row row = ctx.fact(ScanRun.ROW);
    long start = System.nanoTime();
    S3Client s3 = ctx.aws(a -> a.s3());
    List<String> present = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    try {
      // HEAD on an object of a missing bucket is a bare 404, like a missing key: ask the bucket first.
      s3.headBucket(b -> b.bucket(bucket));
      for (String name : ARTIFACTS) {
        try {
          s3.headObject(b -> b.bucket(bucket).key(prefix + name));
          present.add(name);
        } catch (NoSuchKeyException e) {
          missing.add(name);
        } catch (S3Exception e) {
          if (e.statusCode() != 404) {
            throw e;
          }
          missing.add(name);
        }
      }
    } catch (NoSuchBucketException e) {
      return bucketMissing(ctx, bucket, start);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return bucketMissing(ctx, bucket, start);
      }
      if (e.statusCode() == 403) {
        return Hop.of(hop, Status.DOWN, Hop.since(start), "access denied on bucket " + bucket,
            Runbook.ARTIFACTS_DENIED.text("bucket", bucket)).withEvidence(List.of(RoleRights.asCaller(ctx)));
      }
      return Failure.aws(e, "S3", "s3:HeadObject").hop(hop, Hop.since(start), ctx);
    }
    ctx.remember(BUCKET_OK, true);
    ctx.remember(PRESENT, String.join(",", present));
    long ms = Hop.since(start);
    String detail = "s3://" + bucket + "/" + prefix + ": " + (present.isEmpty() ? "nothing" : String.join(", ", present))
        + (missing.isEmpty() ? "" : "; missing " + String.join(", ", missing));
    if (!missing.contains("v16-report.json")) {
      return Hop.of(hop, missing.isEmpty() ? Status.UP : Status.DEGRADED, ms, detail, "");
    }
    String hint = Runbook.ARTIFACT_MISSING.text(ctx);
    if (row == null || !row.status().equals("done")) {
      // A very early failure won't produce v16-report.json: not where it stopped.
      return Hop.of(hop, Status.DEGRADED, ms, detail + " (the scan is " + (row == null ? "?" : row.status()) + ")",
          present.contains(BUNDLE) ? Runbook.BUNDLE_READ.text("bucket", bucket, "key", prefix + BUNDLE) : hint);
    }
    return Hop.of(hop, Status.DOWN, ms, detail, hint);
  }

  private static Hop bucketMissing(Context ctx, String bucket, long start) {
    ctx.remember(BUCKET_OK, false);
    return Hop.of("s3 artifacts", Status.DOWN, Hop.since(start), "bucket " + bucket + " does not exist",
        Runbook.ARTIFACTS_BUCKET_MISSING.text());
  }

  /**
   * {@code v16-debug-bundle.zip}: its size, its entries (from the zip's central directory, nothing
   * inflated but the manifest) and the manifest's top-level values, which say how far the runner got.
   */
  static List<Hop> bundle(Context ctx, String bucket, String prefix) throws CannotRun {
    String present = ctx.fact(PRESENT);
    if (present == null || !present.contains(BUNDLE)) {
      return List.of();
    }
    String hop = "debug bundle";
    String key = prefix + BUNDLE;
    long start = System.nanoTime();
    S3Client s3 = ctx.aws(a -> a.s3());
    Path tmp = null;
    try {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
      long size = head.contentLength() == null ? -1 : head.contentLength();
      if (size > MAX_BUNDLE_BYTES) {
        return List.of(Hop.of(hop, Status.UNKNOWN, Hop.since(start), key + " is " + mib(size) + ", more than the doctor"
            + " opens (" + mib(MAX_BUNDLE_BYTES) + ")", Runbook.BUNDLE_READ.text("bucket", bucket, "key", key)));
      }
      tmp = Files.createTempFile("vega-doctor-bundle", ".zip");
      try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
        Files.copy(bounded(in, MAX_BUNDLE_BYTES), tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      List<String> evidence = new ArrayList<>();
      int entries = 0;
      long inflated = 0;
      String manifest = null;
      try (ZipFile zip = new ZipFile(tmp.toFile())) {
        ZipEntry manifestEntry = null;
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
          ZipEntry z = e.nextElement();
          entries++;
          inflated += Math.max(0, z.getSize());
          String n = z.getName();
          if ((n.equals("manifest.json") || n.endsWith("/manifest.json"))
              && (manifestEntry == null || n.length() < manifestEntry.getName().length())) {
            manifestEntry = z;
          }
          if (evidence.size() < 10) {
            evidence.add("entry " + Text.oneLine(n, 160) + " (" + Math.max(0, z.getSize()) + " bytes)");
          }
        }
        if (manifestEntry != null) {
          try (InputStream m = zip.getInputStream(manifestEntry)) {
            manifest = new String(m.readNBytes(MAX_MANIFEST), StandardCharsets.UTF_8);
          }
        }
      }
      String what = key + ": " + mib(size) + ", " + entries + " entries (" + mib(inflated) + " unpacked)";
      if (manifest == null) {
        return List.of(new Hop(hop, Status.UP, Hop.since(start), what + ", no manifest.json",
            "", evidence));
      }
      List<String> fields = new ArrayList<>();
      try {
        for (Map.Entry<String, Object> f : JsonBody.parseObject(manifest).entrySet()) {
          if (fields.size() < 10 && (f.getValue() instanceof String || f.getValue() instanceof Double
              || f.getValue() instanceof Boolean)) {
            Object v = f.getValue() instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15 ? d.longValue()
                : f.getValue();
            fields.add(f.getKey() + "=" + Text.oneLine(String.valueOf(v), 120));
          }
        }
      } catch (JsonBody.Malformed e) {
        fields.add("manifest.json is not JSON (" + e.getMessage() + ")");
      }
      evidence.add(0, "manifest: " + String.join(", ", fields));
      return List.of(new Hop(hop, Status.UP, Hop.since(start), what + "; manifest: "
          + Text.oneLine(String.join(", ", fields), 240), "", evidence));
    } catch (ZipException e) {
      return List.of(Hop.of(hop, Status.DEGRADED, Hop.since(start), key + " is not a readable zip (the runner may have"
          + " stopped while writing it)", Runbook.BUNDLE_READ.text("bucket", bucket, "key", key)));
    } catch (SdkException e) {
      return List.of(Failure.aws(e, "S3", "s3:GetObject").hop(hop, Hop.since(start), ctx));
    } catch (IOException e) {
      return List.of(Hop.of(hop, Status.UNKNOWN, Hop.since(start), "could not read " + key + ": " + Failure.sentence(e),
          Runbook.BUNDLE_READ.text("bucket", bucket, "key", key)));
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a temp file left behind is harmless
        }
      }
    }
  }

  private static InputStream bounded(InputStream in, long max) {
    return new InputStream() {
      private long left = max;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = in.read();
        if (b >= 0) {
          left--;
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = in.read(buf, off, (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }
    };
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "? bytes" : bytes < 1 << 20 ? bytes + " bytes" : (bytes >> 20) + " MiB";
  }

  /** The finding an event names, under the runner's own key {@code finding} or another common one. */
  static @Nullable String findingId(Map<String, Object> event) {
    for (String k : FINDING_KEYS) {
      Object v = event.get(k);
      if (v instanceof Map<?, ?> m && m.get("id") != null) {
        v = m.get("id");
      }
      if (v instanceof String s && !s.isBlank()) {
        return Text.oneLine(s, 128);
      }
      if (v instanceof Double d) {
        return String.valueOf(d.longValue());
      }
    }
    return null;
  }

  static List<Hop> findings(Context ctx, String bucket, ScanRun.Where w, String scanId) throws CannotRun {
    if (!Boolean.TRUE.equals(ctx.fact(BUCKET_OK))) {
      return List.of();
    }
    String hop = "findings persisted";
    String key = w.prefix() + "v16-events.jsonl";
    long start = System.nanoTime();
    long events = 0;
    Set<String> ids = new HashSet<>();
    boolean eventsKnown = true;
    try (ResponseInputStream<GetObjectResponse> in = ctx.aws(a -> a.s3()).getObject(b -> b.bucket(bucket).key(key));
        BufferedReader r = new BufferedReader(new InputStreamReader(bounded(in, MAX_EVENTS_BYTES), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        Map<String, Object> event;
        try {
          event = JsonBody.parseObject(line);
        } catch (JsonBody.Malformed e) {
          continue; // a torn or hostile line says nothing about findings
        }
        if (w.eventType().equals(event.get("type"))) {
          events++;
          String id = findingId(event);
          if (id != null) {
            ids.add(id);
          }
        }
      }
    } catch (SdkException | IOException e) {
      eventsKnown = false;
    }
    long rows;
    try {
      rows = countRows(ctx, w, scanId);
    } catch (SQLException e) {
      return List.of(Failure.sql(e, w.url().address()).hop(hop, Hop.since(start)));
    }
    long ms = Hop.since(start);
    long expected = ids.isEmpty() ? (events > 0 ? 1 : 0) : ids.size();
    String counts = events + " " + w.eventType() + " events" + (ids.isEmpty() ? "" : " (" + ids.size() + " findings)")
        + ", " + rows + " rows in " + w.findings();
    String persistHint = Runbook.FINDINGS_NOT_PERSISTED.text(ctx);
    if (!eventsKnown) {
      return List.of(Hop.of(hop, rows > 0 ? Status.UP : Status.UNKNOWN, ms,
          rows + " rows in " + w.findings() + "; v16-events.jsonl not readable",
          rows > 0 ? "" : Runbook.EVENTS_MISSING.text()));
    }
    if (events == 0) {
      return List.of(Hop.up(hop, ms, counts + ": v16 emitted no findings"));
    }
    if (rows == 0) {
      return List.of(Hop.of(hop, Status.DOWN, ms, counts, persistHint));
    }
    if (rows < expected) {
      return List.of(Hop.of(hop, Status.DEGRADED, ms, counts + ": some findings are missing", persistHint));
    }
    return List.of(Hop.up(hop, ms, counts));
  }

  static Hop findingsOnly(Context ctx, ScanRun.Where w, String scanId) {
    long start = System.nanoTime();
    try {
      return Hop.of("findings persisted", Status.UNKNOWN, Hop.since(start), countRows(ctx, w, scanId) + " rows in "
          + w.findings(), Runbook.EVENTS_NEED_BUCKET.text());
    } catch (SQLException e) {
      return Failure.sql(e, w.url().address()).hop("findings persisted", Hop.since(start));
    }
  }

  private static long countRows(Context ctx, ScanRun.Where w, String scanId) throws SQLException {
    try (Connection c = w.ds().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + w.findings() + " WHERE CAST("
            + w.findingScanCol() + " AS text) = ?")) {
      ps.setQueryTimeout(ScanRun.seconds(ctx));
      ps.setString(1, scanId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}

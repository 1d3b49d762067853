package com.example.vega.examples.demo;

import com.example.vega.examples.common.Aws;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;

/** What {@code --break} does to the running demo, one fault at a time. */
final class Faults {
  private Faults() {}

  static void apply(String fault, EmbeddedPostgres pg, Map<String, String> env, String dbUrl) throws Exception {
    Aws aws = new Aws(env);
    switch (fault) {
      case "postgres-down" -> pg.close();
      case "migration-missing" -> {
        try (Connection c = DriverManager.getConnection(dbUrl); Statement st = c.createStatement()) {
          st.executeUpdate("DELETE FROM schema_migrations WHERE version = '004_findings_columns.sql'");
        }
      }
      case "queue-missing" -> {
        try (var sqs = aws.sqs()) {
          sqs.deleteQueue(b -> b.queueUrl(env.get("VEGA_SQS_QUEUE_URL")));
        }
      }
      case "artifacts-bucket-missing" -> {
        try (var s3 = aws.s3()) {
          String bucket = env.get("VEGA_S3_ARTIFACTS_BUCKET");
          s3.listObjectsV2(b -> b.bucket(bucket)).contents()
              .forEach(o -> s3.deleteObject(b -> b.bucket(bucket).key(o.key())));
          s3.deleteBucket(b -> b.bucket(bucket));
        }
      }
      case "proxy-token-expired" -> {
        // Set up at start: the worker mints tokens that have already expired.
      }
      default -> throw new IllegalArgumentException("unknown fault '" + fault + "'");
    }
  }
}

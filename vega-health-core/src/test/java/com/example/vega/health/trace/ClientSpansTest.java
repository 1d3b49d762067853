package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ClientSpansTest {
  private final TestTelemetry t = new TestTelemetry();
  private final ClientSpans clients = ClientSpans.create(t.tracing);

  @Test
  void postgresSpanNamesOperationAndTableButNeverTheQuery() {
    Context scan = t.scan("scan-1");
    clients.startDb(scan, "insert", "findings").end();

    SpanData sd = t.finished().get(0);
    assertThat(sd.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(sd.getName()).isEqualTo("INSERT findings");
    assertThat(sd.getAttributes().get(ClientSpans.DB_SYSTEM_NAME)).isEqualTo("postgresql");
    assertThat(sd.getAttributes().get(ClientSpans.DB_OPERATION_NAME)).isEqualTo("INSERT");
    assertThat(sd.getAttributes().get(ClientSpans.DB_COLLECTION_NAME)).isEqualTo("findings");
    assertThat(sd.getAttributes().get(AttributeKey.stringKey("db.query.text"))).isNull();
    assertThat(sd.getAttributes().get(ScanContext.SCAN_ID_ATTRIBUTE)).isEqualTo("scan-1");
  }

  @Test
  void s3SpanCarriesBucketKeyAndRpcAttributes() {
    clients.startS3(t.scan("scan-1"), "GetObject", "vega-source", "scans/scan-1/source.zip").end();

    SpanData sd = t.finished().get(0);
    assertThat(sd.getName()).isEqualTo("S3.GetObject");
    assertThat(sd.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(sd.getAttributes().get(ClientSpans.RPC_SYSTEM)).isEqualTo("aws-api");
    assertThat(sd.getAttributes().get(ClientSpans.RPC_METHOD)).isEqualTo("GetObject");
    assertThat(sd.getAttributes().get(ClientSpans.AWS_S3_BUCKET)).isEqualTo("vega-source");
    assertThat(sd.getAttributes().get(ClientSpans.AWS_S3_KEY)).isEqualTo("scans/scan-1/source.zip");
  }

  @Test
  void httpSpanRecordsNoUserInfoNoQueryAndNoHeaders() {
    clients.startHttp(t.scan("scan-1"), "post",
        URI.create("http://user:pw@proxy.internal:8080/v1/chat?token=abc#frag")).end();

    SpanData sd = t.finished().get(0);
    assertThat(sd.getName()).isEqualTo("POST");
    assertThat(sd.getAttributes().get(ClientSpans.URL_FULL)).isEqualTo("http://proxy.internal:8080/v1/chat");
    assertThat(sd.getAttributes().get(ClientSpans.SERVER_ADDRESS)).isEqualTo("proxy.internal");
    assertThat(sd.getAttributes().get(ClientSpans.SERVER_PORT)).isEqualTo(8080L);
    assertThat(sd.getAttributes().toString()).doesNotContain("pw").doesNotContain("abc");
  }

  @Test
  void failureRecordsTheExceptionTypeButNotItsMessage() {
    var span = clients.startDb(Context.root(), "UPDATE", "scans");
    ClientSpans.fail(span, new SQLException("FATAL: password authentication failed for password=hunter2"));
    span.end();

    SpanData sd = t.finished().get(0);
    assertThat(sd.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(sd.getAttributes().get(ClientSpans.ERROR_TYPE)).isEqualTo("java.sql.SQLException");
    assertThat(sd.toString()).doesNotContain("hunter2");
  }
}

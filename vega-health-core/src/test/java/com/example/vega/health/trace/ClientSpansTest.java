package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.opentelemetry.semconv.incubating.AwsIncubatingAttributes;
import java.net.URI;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ClientSpansTest {
  private static final ClientSpans.Database DB =
      ClientSpans.Database.postgres("jdbc:postgresql://db.internal:6432/vega?user=vega&password=hunter2");
  private final TestTelemetry t = new TestTelemetry();
  private final ClientSpans clients = ClientSpans.create(t.tracing);

  @Test
  void postgresSpanNamesOperationAndTableButNeverTheQuery() {
    Context scan = t.scan("scan-1");
    clients.startDb(scan, DB, "insert", "findings").end();

    SpanData sd = t.finished().get(0);
    assertThat(sd.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(sd.getName()).isEqualTo("INSERT findings");
    assertThat(sd.getAttributes().get(DbAttributes.DB_SYSTEM_NAME)).isEqualTo("postgresql");
    assertThat(sd.getAttributes().get(DbAttributes.DB_NAMESPACE)).isEqualTo("vega");
    assertThat(sd.getAttributes().get(DbAttributes.DB_OPERATION_NAME)).isEqualTo("INSERT");
    assertThat(sd.getAttributes().get(DbAttributes.DB_COLLECTION_NAME)).isEqualTo("findings");
    assertThat(sd.getAttributes().get(ServerAttributes.SERVER_ADDRESS)).isEqualTo("db.internal");
    assertThat(sd.getAttributes().get(ServerAttributes.SERVER_PORT)).isEqualTo(6432L);
    assertThat(sd.getAttributes().get(DbAttributes.DB_QUERY_TEXT)).isNull();
    assertThat(sd.getAttributes().toString()).doesNotContain("hunter2");
    assertThat(sd.getAttributes().get(ScanContext.SCAN_ID_ATTRIBUTE)).isEqualTo("scan-1");
  }

  @Test
  void databaseFromAJdbcUrlDefaultsThePortAndRejectsGarbage() {
    assertThat(ClientSpans.Database.postgres("jdbc:postgresql://localhost/postgres"))
        .isEqualTo(new ClientSpans.Database("postgres", "localhost", 5432));
    assertThatThrownBy(() -> ClientSpans.Database.postgres("jdbc:postgresql://a b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JDBC URL");
  }

  @Test
  void s3SpanCarriesBucketKeyRegionAndTheRequestIds() {
    var span = clients.startS3(t.scan("scan-1"), "us-west-1", "GetObject", "vega-source", "scans/scan-1/source.zip");
    ClientSpans.awsResponse(span, "REQ1", "EXT1");
    span.end();

    SpanData sd = t.finished().get(0);
    assertThat(sd.getName()).isEqualTo("S3.GetObject");
    assertThat(sd.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(sd.getAttributes().get(AwsIncubatingAttributes.AWS_S3_BUCKET)).isEqualTo("vega-source");
    assertThat(sd.getAttributes().get(AwsIncubatingAttributes.AWS_S3_KEY)).isEqualTo("scans/scan-1/source.zip");
    assertThat(sd.getAttributes().get(AwsIncubatingAttributes.AWS_REQUEST_ID)).isEqualTo("REQ1");
    assertThat(sd.getAttributes().get(AwsIncubatingAttributes.AWS_EXTENDED_REQUEST_ID)).isEqualTo("EXT1");
  }

  @Test
  void httpSpanRecordsNoUserInfoNoQueryAndNoHeaders() {
    clients.startHttp(t.scan("scan-1"), "post",
        URI.create("http://user:pw@proxy.internal:8080/v1/chat?token=abc#frag")).end();

    SpanData sd = t.finished().get(0);
    assertThat(sd.getName()).isEqualTo("POST");
    assertThat(sd.getAttributes().get(UrlAttributes.URL_FULL)).isEqualTo("http://proxy.internal:8080/v1/chat");
    assertThat(sd.getAttributes().get(ServerAttributes.SERVER_ADDRESS)).isEqualTo("proxy.internal");
    assertThat(sd.getAttributes().get(ServerAttributes.SERVER_PORT)).isEqualTo(8080L);
    assertThat(sd.getAttributes().toString()).doesNotContain("pw").doesNotContain("abc");
  }

  @Test
  void httpClientErrorStatusIsAnErrorWithTheStatusAsErrorType() {
    var ok = clients.startHttp(Context.root(), "GET", URI.create("http://proxy/v1/health"));
    ClientSpans.httpResponse(ok, 204);
    ok.end();
    var rejected = clients.startHttp(Context.root(), "POST", URI.create("http://proxy/v1/complete"));
    ClientSpans.httpResponse(rejected, 401);
    rejected.end();

    SpanData first = t.finished().get(0);
    SpanData second = t.finished().get(1);
    assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(first.getAttributes().get(ErrorAttributes.ERROR_TYPE)).isNull();
    assertThat(second.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(second.getAttributes().get(ErrorAttributes.ERROR_TYPE)).isEqualTo("401");
    assertThat(second.getAttributes().get(HttpAttributes.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(401L);
  }

  @Test
  void unknownHttpMethodsDoNotMintSpanNames() {
    clients.startHttp(Context.root(), "BREW", URI.create("http://pot/")).end();

    SpanData sd = t.finished().get(0);
    assertThat(sd.getName()).isEqualTo("HTTP");
    assertThat(sd.getAttributes().get(HttpAttributes.HTTP_REQUEST_METHOD)).isEqualTo("_OTHER");
    assertThat(sd.getAttributes().get(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL)).isEqualTo("BREW");
  }

  @Test
  void failureRecordsTheSqlStateOrExceptionTypeButNotItsMessage() {
    var span = clients.startDb(Context.root(), DB, "UPDATE", "scans");
    ClientSpans.fail(span, new SQLException("FATAL: password authentication failed for password=hunter2", "28P01"));
    span.end();
    var other = clients.startDb(Context.root(), DB, "UPDATE", "scans");
    ClientSpans.fail(other, new IllegalStateException("password=hunter2"));
    other.end();

    SpanData sd = t.finished().get(0);
    assertThat(sd.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(sd.getAttributes().get(ErrorAttributes.ERROR_TYPE)).isEqualTo("28P01");
    assertThat(sd.getAttributes().get(DbAttributes.DB_RESPONSE_STATUS_CODE)).isEqualTo("28P01");
    assertThat(t.finished().get(1).getAttributes().get(ErrorAttributes.ERROR_TYPE))
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(t.finished().toString()).doesNotContain("hunter2");
  }

  @Test
  void peerServiceMappingNamesAHostAndHostPortWinsOverHostAndDefaults() {
    ClientSpans mapped = ClientSpans.builder(t.tracing).environment(java.util.Map.of(
        "OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING",
        "proxy.internal=vega-llm-proxy, proxy.internal:9443=other-proxy,db.internal=vega-db",
        "AWS_ENDPOINT_URL", "http://localhost:5000")).build();
    Context scan = t.scan("scan-1");
    mapped.startHttp(scan, "POST", URI.create("http://proxy.internal:8080/v1/complete")).end();
    mapped.startHttp(scan, "POST", URI.create("https://proxy.internal:9443/v1/complete")).end();
    mapped.startHttp(scan, "GET", URI.create("https://api.example.com/")).end();
    mapped.startDb(scan, DB, "SELECT", "scans").end();
    mapped.startAws(scan, "us-west-1", "SecretsManager", "GetSecretValue").end();

    assertThat(t.finished()).extracting(sd -> sd.getAttributes().get(Incubating.PEER_SERVICE))
        .containsExactly("vega-llm-proxy", "other-proxy", null, "vega-db", "secretsmanager");
    SpanData aws = t.finished().get(4);
    assertThat(aws.getAttributes().get(ServerAttributes.SERVER_ADDRESS)).isEqualTo("localhost");
    assertThat(aws.getAttributes().get(ServerAttributes.SERVER_PORT)).isEqualTo(5000L);
  }

  @Test
  void malformedPeerServiceMappingIsRefusedNamingTheEntry() {
    assertThatThrownBy(() -> ClientSpans.builder(t.tracing).environment(java.util.Map.of(
        "OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING", "proxy.internal")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING").hasMessageContaining("'proxy.internal'");
  }
}

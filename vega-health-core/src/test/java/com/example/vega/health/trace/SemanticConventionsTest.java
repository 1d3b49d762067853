package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ClientAttributes;
import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.opentelemetry.semconv.UserAgentAttributes;
import io.opentelemetry.semconv.incubating.AwsIncubatingAttributes;
import io.opentelemetry.semconv.incubating.CloudIncubatingAttributes;
import io.opentelemetry.semconv.incubating.DbIncubatingAttributes;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes;
import io.opentelemetry.semconv.incubating.NetIncubatingAttributes;
import io.opentelemetry.semconv.incubating.PeerIncubatingAttributes;
import io.opentelemetry.semconv.incubating.RpcIncubatingAttributes;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.DefaultAwsResponseMetadata;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * Per span kind, the attribute names our spans carry are exactly those of the semantic
 * conventions library (the pinned version), plus {@code vega.scan.id}; the values that matter to
 * a backend's views are the conventions' own. No literal name appears here: a renamed or
 * misspelt attribute fails this test.
 */
@SuppressWarnings("deprecation") // rpc.system and rpc.service: see ClientSpans
class SemanticConventionsTest {
  private static final String QUEUE_URL = "https://sqs.us-west-1.amazonaws.com/123456789012/vega-scans";
  private final TestTelemetry t = new TestTelemetry();
  private final ClientSpans clients = ClientSpans.create(t.tracing);

  @Test
  void serverSpansCarryTheHttpServerAttributes() {
    Context ctx = ServerSpans.create(t.tracing).start(h -> null, Trust.UNTRUSTED, new ServerSpans.Request(
        "GET", "http", "/v1/scans/scan-1", "/v1/scans/{id}", "api.internal", 8000, "10.0.0.7", "curl/8"));
    ServerSpans.end(Span.fromContext(ctx), 503, null);

    SpanData sd = only(SpanKind.SERVER);
    assertThat(sd.getName()).isEqualTo("GET /v1/scans/{id}");
    assertThat(names(sd)).isEqualTo(names(
        HttpAttributes.HTTP_REQUEST_METHOD, UrlAttributes.URL_SCHEME, UrlAttributes.URL_PATH,
        HttpAttributes.HTTP_ROUTE, ServerAttributes.SERVER_ADDRESS, ServerAttributes.SERVER_PORT,
        ClientAttributes.CLIENT_ADDRESS, UserAgentAttributes.USER_AGENT_ORIGINAL,
        HttpAttributes.HTTP_RESPONSE_STATUS_CODE, ErrorAttributes.ERROR_TYPE));
  }

  @Test
  void databaseClientSpansCarryTheStableDatabaseAttributes() {
    clients.startDb(t.scan("scan-1"), ClientSpans.Database.postgres("jdbc:postgresql://db:5432/vega"),
        "UPDATE", "scans").end();

    SpanData sd = only(SpanKind.CLIENT);
    assertThat(names(sd)).isEqualTo(names(
        DbAttributes.DB_SYSTEM_NAME, DbAttributes.DB_NAMESPACE, DbAttributes.DB_OPERATION_NAME,
        DbAttributes.DB_QUERY_SUMMARY, DbAttributes.DB_COLLECTION_NAME,
        ServerAttributes.SERVER_ADDRESS, ServerAttributes.SERVER_PORT, PeerIncubatingAttributes.PEER_SERVICE,
        ScanContext.SCAN_ID_ATTRIBUTE));
    assertThat(sd.getAttributes().get(DbAttributes.DB_SYSTEM_NAME)).isEqualTo(DbAttributes.DbSystemNameValues.POSTGRESQL);
    assertThat(sd.getAttributes().get(PeerIncubatingAttributes.PEER_SERVICE)).isEqualTo(DbAttributes.DbSystemNameValues.POSTGRESQL);
  }

  @Test
  @SuppressWarnings("deprecation") // the old database names are deprecated: that is the point of dup
  void databaseDupModeAddsTheOldNamesTheXrayExporterReads() {
    ClientSpans dup = ClientSpans.builder(t.tracing)
        .environment(Map.of("OTEL_SEMCONV_STABILITY_OPT_IN", "http, database/dup")).build();
    dup.startDb(t.scan("scan-1"), ClientSpans.Database.postgres("jdbc:postgresql://db:5432/vega"),
        "UPDATE scans SET status = 'done' WHERE id = ?").end();

    SpanData sd = only(SpanKind.CLIENT);
    assertThat(names(sd)).isEqualTo(names(
        DbAttributes.DB_SYSTEM_NAME, DbAttributes.DB_NAMESPACE, DbAttributes.DB_OPERATION_NAME,
        DbAttributes.DB_QUERY_SUMMARY, DbAttributes.DB_COLLECTION_NAME, DbAttributes.DB_QUERY_TEXT,
        DbIncubatingAttributes.DB_SYSTEM, DbIncubatingAttributes.DB_NAME, DbIncubatingAttributes.DB_OPERATION,
        DbIncubatingAttributes.DB_SQL_TABLE, DbIncubatingAttributes.DB_STATEMENT,
        NetIncubatingAttributes.NET_PEER_NAME, NetIncubatingAttributes.NET_PEER_PORT,
        ServerAttributes.SERVER_ADDRESS, ServerAttributes.SERVER_PORT, PeerIncubatingAttributes.PEER_SERVICE,
        ScanContext.SCAN_ID_ATTRIBUTE));
    assertThat(sd.getAttributes().get(DbIncubatingAttributes.DB_SYSTEM)).isEqualTo("postgresql");
    assertThat(sd.getAttributes().get(DbIncubatingAttributes.DB_STATEMENT))
        .isEqualTo(sd.getAttributes().get(DbAttributes.DB_QUERY_TEXT))
        .isEqualTo("UPDATE scans SET status = ? WHERE id = ?");
    assertThat(sd.getAttributes().get(NetIncubatingAttributes.NET_PEER_NAME)).isEqualTo("db");
    assertThat(sd.getAttributes().get(NetIncubatingAttributes.NET_PEER_PORT)).isEqualTo(5432L);
  }

  @Test
  void databaseStableModeIsTheDefaultAndCarriesNoOldName() {
    ClientSpans stable = ClientSpans.builder(t.tracing).environment(Map.of()).build();
    stable.startDb(t.scan("scan-1"), ClientSpans.Database.postgres("jdbc:postgresql://db:5432/vega"),
        "SELECT status FROM scans WHERE id = 'scan-1'").end();

    SpanData sd = only(SpanKind.CLIENT);
    assertThat(sd.getName()).isEqualTo("SELECT scans");
    assertThat(names(sd)).doesNotContain("db.system", "db.name", "db.statement", "db.operation", "net.peer.name")
        .contains(DbAttributes.DB_QUERY_TEXT.getKey());
    assertThat(sd.getAttributes().get(DbAttributes.DB_QUERY_TEXT)).isEqualTo("SELECT status FROM scans WHERE id = ?");
  }

  @Test
  void awsClientSpansCarryWhatTheAwsSdkInstrumentationCarriesPlusRegion() {
    Span ecs = clients.startAws(t.scan("scan-1"), "us-west-1", "ECS", "RunTask");
    ClientSpans.awsResponse(ecs, "req-1", null);
    ecs.end();
    Span s3 = clients.startS3(t.scan("scan-1"), "us-west-1", "PutObject", "vega-artifacts", "scans/scan-1/v16-report.json");
    ClientSpans.awsResponse(s3, "req-2", "ext-2");
    s3.end();

    Set<String> rpc = names(RpcIncubatingAttributes.RPC_SYSTEM, RpcIncubatingAttributes.RPC_SERVICE,
        RpcIncubatingAttributes.RPC_METHOD, CloudIncubatingAttributes.CLOUD_REGION,
        AwsIncubatingAttributes.AWS_REQUEST_ID, ServerAttributes.SERVER_ADDRESS, ServerAttributes.SERVER_PORT,
        PeerIncubatingAttributes.PEER_SERVICE, ScanContext.SCAN_ID_ATTRIBUTE);
    assertThat(names(t.finished().get(0))).isEqualTo(rpc);
    assertThat(t.finished().get(0).getAttributes().get(PeerIncubatingAttributes.PEER_SERVICE)).isEqualTo("ecs");
    assertThat(t.finished().get(0).getAttributes().get(ServerAttributes.SERVER_ADDRESS)).isEqualTo("ecs.us-west-1.amazonaws.com");
    assertThat(t.finished().get(1).getAttributes().get(PeerIncubatingAttributes.PEER_SERVICE)).isEqualTo("s3");
    Set<String> s3Names = new TreeSet<>(rpc);
    s3Names.addAll(names(AwsIncubatingAttributes.AWS_S3_BUCKET, AwsIncubatingAttributes.AWS_S3_KEY,
        AwsIncubatingAttributes.AWS_EXTENDED_REQUEST_ID));
    assertThat(names(t.finished().get(1))).isEqualTo(s3Names);
  }

  @Test
  void httpClientSpansCarryTheHttpClientAttributes() {
    Span call = clients.startHttp(t.scan("scan-1"), "POST", URI.create("http://proxy.internal:8080/v1/complete"));
    ClientSpans.httpResponse(call, 200);
    call.end();

    assertThat(names(only(SpanKind.CLIENT))).isEqualTo(names(
        HttpAttributes.HTTP_REQUEST_METHOD, UrlAttributes.URL_FULL, ServerAttributes.SERVER_ADDRESS,
        ServerAttributes.SERVER_PORT, HttpAttributes.HTTP_RESPONSE_STATUS_CODE, ScanContext.SCAN_ID_ATTRIBUTE));
  }

  @Test
  void messagingSpansAreNamedByTheirOperationNameAndDestination() {
    SqsCarrier sqs = SqsCarrier.create(t.tracing);
    Context scan = t.scan("scan-1");
    Span send = sqs.startSend(scan, QUEUE_URL);
    send.end();
    Message m = Message.builder().messageId("m-1").messageAttributes(sqs.inject(scan.with(send), Map.of())).build();
    Span receive = sqs.startReceive(Context.root(), QUEUE_URL);
    SqsCarrier.received(receive, java.util.List.of(m));
    receive.end();
    Context process = sqs.startProcess(m, QUEUE_URL);
    sqs.startDelete(process, QUEUE_URL).end();
    Span.fromContext(process).end();

    assertThat(t.finished()).extracting(SpanData::getName, SpanData::getKind,
        sd -> sd.getAttributes().get(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME),
        sd -> sd.getAttributes().get(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("send vega-scans", SpanKind.PRODUCER, "send",
                MessagingIncubatingAttributes.MessagingOperationTypeIncubatingValues.SEND),
            org.assertj.core.groups.Tuple.tuple("receive vega-scans", SpanKind.CONSUMER, "receive",
                MessagingIncubatingAttributes.MessagingOperationTypeIncubatingValues.RECEIVE),
            org.assertj.core.groups.Tuple.tuple("delete vega-scans", SpanKind.CLIENT, "delete",
                MessagingIncubatingAttributes.MessagingOperationTypeIncubatingValues.SETTLE),
            org.assertj.core.groups.Tuple.tuple("process vega-scans", SpanKind.CONSUMER, "process",
                MessagingIncubatingAttributes.MessagingOperationTypeIncubatingValues.PROCESS));
    SpanData received = t.finished().get(1);
    assertThat(received.getAttributes().get(MessagingIncubatingAttributes.MESSAGING_BATCH_MESSAGE_COUNT)).isEqualTo(1L);
    assertThat(received.getParentSpanContext().isValid()).as("receive is a span of the poll").isFalse();
    assertThat(received.getLinks()).extracting(l -> l.getSpanContext().getSpanId())
        .containsExactly(send.getSpanContext().getSpanId());
    // The calls to SQS name it; the process span is the worker's own work.
    assertThat(t.finished()).extracting(sd -> sd.getAttributes().get(PeerIncubatingAttributes.PEER_SERVICE))
        .containsExactly("sqs", "sqs", "sqs", null);
  }

  @Test
  void producerAndConsumerSpansCarryTheMessagingAndSqsAttributes() {
    SqsCarrier sqs = SqsCarrier.create(t.tracing);
    Context scan = t.scan("scan-1");
    Span send = sqs.startSend(scan, QUEUE_URL);
    SendMessageResponse.Builder response = SendMessageResponse.builder().messageId("m-1");
    response.responseMetadata(DefaultAwsResponseMetadata.create(Map.of("AWS_REQUEST_ID", "req-3")));
    SqsCarrier.sent(send, response.build());
    send.end();
    Span.fromContext(sqs.startProcess(Message.builder().messageId("m-1")
        .messageAttributes(sqs.inject(scan.with(send), Map.of())).build(), QUEUE_URL)).end();

    Set<String> common = names(MessagingIncubatingAttributes.MESSAGING_SYSTEM,
        MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME, MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE,
        MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME, MessagingIncubatingAttributes.MESSAGING_MESSAGE_ID,
        AwsIncubatingAttributes.AWS_SQS_QUEUE_URL, RpcIncubatingAttributes.RPC_SYSTEM, RpcIncubatingAttributes.RPC_SERVICE,
        ServerAttributes.SERVER_ADDRESS, ServerAttributes.SERVER_PORT, ScanContext.SCAN_ID_ATTRIBUTE);
    Set<String> producer = new TreeSet<>(common);
    producer.addAll(names(RpcIncubatingAttributes.RPC_METHOD, AwsIncubatingAttributes.AWS_REQUEST_ID,
        PeerIncubatingAttributes.PEER_SERVICE));
    assertThat(names(only(SpanKind.PRODUCER))).isEqualTo(producer);
    assertThat(names(only(SpanKind.CONSUMER))).isEqualTo(common);
    assertThat(only(SpanKind.CONSUMER).getAttributes().get(MessagingIncubatingAttributes.MESSAGING_SYSTEM))
        .isEqualTo(MessagingIncubatingAttributes.MessagingSystemIncubatingValues.AWS_SQS);
  }

  private SpanData only(SpanKind kind) {
    return t.finished().stream().filter(s -> s.getKind() == kind).reduce((a, b) -> {
      throw new AssertionError("more than one " + kind + " span");
    }).orElseThrow(() -> new AssertionError("no " + kind + " span"));
  }

  private static Set<String> names(SpanData sd) {
    return sd.getAttributes().asMap().keySet().stream().map(AttributeKey::getKey)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> names(AttributeKey<?>... keys) {
    return Stream.of(keys).map(AttributeKey::getKey).collect(Collectors.toCollection(TreeSet::new));
  }
}

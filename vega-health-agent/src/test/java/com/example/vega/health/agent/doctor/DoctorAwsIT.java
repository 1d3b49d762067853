package com.example.vega.health.agent.doctor;

import static com.example.vega.health.agent.doctor.DoctorRun.hop;
import static com.example.vega.health.agent.doctor.DoctorRun.strings;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.agent.AwsSdk;
import com.example.vega.health.testing.MotoServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORGenerator;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code doctor --aws} hops beyond ECS, in-process against moto_server: the runbook's log patterns,
 * the worker's SQS rights (IAM policy simulation from WireMock: moto has none), a CloudWatch answer
 * that is not CloudWatch's (one sentence, not the SDK's text), and {@code doctor --role all}.
 */
class DoctorAwsIT {
  static final String WORKER_ROLE = "arn:aws:iam::123456789012:role/vega-test-worker";
  EcsFixtures.Scene aws;
  Map<String, String> env;
  AwsSdk sdk;
  WireMockServer fake;

  @BeforeEach
  void emulator() throws Exception {
    aws = new EcsFixtures.Scene();
    env = aws.env;
    env.remove("VEGA_ECS_CLUSTER"); // these sections need no ECS
    sdk = aws.sdk;
  }

  @AfterEach
  void close() throws Exception {
    aws.close();
  }

  WireMockServer fake(String service) {
    fake = aws.fake(service);
    return fake;
  }

  // ---- logs ----

  @Test
  void logLinesAreMatchedOnTheRunbooksPatternsNewestFirst() throws Exception {
    var logs = sdk.logs();
    String group = "/vega/test/vega-worker";
    logs.createLogGroup(b -> b.logGroupName(group));
    logs.createLogStream(b -> b.logGroupName(group).logStreamName("ecs/vega-worker/1"));
    long now = System.currentTimeMillis();
    logs.putLogEvents(b -> b.logGroupName(group).logStreamName("ecs/vega-worker/1").logEvents(
        e -> e.timestamp(now - 5000).message("INFO claimed scan s1"),
        e -> e.timestamp(now - 4000).message("RunTask failed: AccessDeniedException: not authorized to perform ecs:RunTask"),
        e -> e.timestamp(now - 3000).message("java.lang.IllegalStateException: boom"),
        e -> e.timestamp(now - 2000).message("severe: pool exhausted"),
        e -> e.timestamp(now - 1000).message("APPLICATION FAILED TO START")));
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--lines", "3"), "logs " + group);
    assertThat(h).containsEntry("status", "DEGRADED")
        .containsEntry("detail", "4 lines in the last 30 min match the runbook: 1 RunTask, 2 SEVERE/ERROR/Exception,"
            + " 1 startup")
        .containsEntry("hint", "follow them live: aws logs tail " + group + " --since 30m --follow");
    assertThat(strings(h, "evidence")).hasSize(3);
    assertThat(strings(h, "evidence").get(0)).endsWith("[startup] APPLICATION FAILED TO START");
    assertThat(strings(h, "evidence").get(2)).endsWith("[SEVERE/ERROR/Exception] java.lang.IllegalStateException: boom");
  }

  @Test
  void newestErrorsOfABusyWindowAreReadFirstWithTheModulesOwnStatusLines() throws Exception {
    var logs = sdk.logs();
    String group = "/vega/test/vega-api";
    logs.createLogGroup(b -> b.logGroupName(group));
    logs.createLogStream(b -> b.logGroupName(group).logStreamName("ecs/vega-api/1"));
    long now = System.currentTimeMillis();
    // 12,000 quiet lines 20 to 10 minutes ago: more than the 10 pages of 1,000 read oldest first.
    for (int batch = 0; batch < 2; batch++) {
      long base = now - Duration.ofMinutes(20).toMillis() + batch * 300_000L;
      var events = new java.util.ArrayList<InputLogEvent>();
      for (int i = 0; i < 6000; i++) {
        events.add(InputLogEvent.builder().timestamp(base + i * 50L).message("INFO request served").build());
      }
      logs.putLogEvents(b -> b.logGroupName(group).logStreamName("ecs/vega-api/1").logEvents(events));
    }
    logs.putLogEvents(b -> b.logGroupName(group).logStreamName("ecs/vega-api/1").logEvents(
        e -> e.timestamp(now - 2000).message("WARNING: vega-health: postgres is DOWN: connection refused on"
            + " db.internal:5432"),
        e -> e.timestamp(now - 1000).message("INFO: vega-health: sqs is UNKNOWN: waiting for the first answer")));
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--lines", "5"), "logs " + group);
    assertThat(h).containsEntry("status", "DEGRADED");
    assertThat(DoctorRun.text(h, "detail")).startsWith("2 lines in the last 30 min").endsWith(
        "match the runbook: 2 vega-health status");
    assertThat(strings(h, "evidence")).hasSize(2);
    assertThat(strings(h, "evidence").get(0)).endsWith("[vega-health status] INFO: vega-health: sqs is UNKNOWN:"
        + " waiting for the first answer");
    assertThat(strings(h, "evidence").get(1)).contains("[vega-health status] WARNING: vega-health: postgres is DOWN");
  }

  @Test
  void quietLogGroupIsUpAndStillSaysHowToFollowIt() throws Exception {
    sdk.logs().createLogGroup(b -> b.logGroupName("/vega/test/vega-llm-proxy"));
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws"), "logs /vega/test/vega-llm-proxy");
    assertThat(h).containsEntry("status", "UP");
    assertThat(strings(h, "evidence")).containsExactly(
        "follow live: aws logs tail /vega/test/vega-llm-proxy --since 30m --follow");
  }

  @Test
  void providerAuthenticationAndFindingUpsertLinesAreNamed() {
    assertThat(LogsHop.match("provider answered 401 Unauthorized: invalid api key")).isEqualTo("provider authentication");
    assertThat(LogsHop.match("finding_upsert failed: column \"severity\" does not exist")).isEqualTo("finding_upsert");
    assertThat(LogsHop.match("vega-v16-runner cannot start: VEGA_SCAN_ID is not set")).isEqualTo("startup");
    assertThat(LogsHop.match("Error: something")).isEqualTo("SEVERE/ERROR/Exception");
    assertThat(LogsHop.match("INFO scan done with 3 findings")).isNull();
    assertThat(LogsHop.match("vega-health: s3 is DEGRADED: throttled")).isEqualTo("vega-health status");
    assertThat(LogsHop.match("vega-health: s3 is UP: buckets reachable")).isNull();
  }

  @Test
  void missingLogGroupNamesTheTaskDefinitionSetting() throws Exception {
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws"), "logs /vega/test/vega-api");
    assertThat(h).containsEntry("status", "UNKNOWN").containsEntry("hint",
        "check the awslogs-group of the vega-api task definition, and VEGA_ENVIRONMENT");
  }

  // ---- the scan queue: the worker's rights, CloudWatch ----

  /** IAM answers SimulatePrincipalPolicy with these decisions (moto has no policy simulation). */
  void simulation(String receive, String delete, String visibility) {
    WireMockServer iam = fake("IAM");
    iam.stubFor(post(urlPathEqualTo("/")).withRequestBody(containing("Action=SimulatePrincipalPolicy"))
        .willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody(
            "<SimulatePrincipalPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
                + "<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>"
                + member("sqs:ReceiveMessage", receive) + member("sqs:DeleteMessage", delete)
                + member("sqs:ChangeMessageVisibility", visibility)
                + "</EvaluationResults></SimulatePrincipalPolicyResult>"
                + "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>")));
  }

  private static String member(String action, String decision) {
    return "<member><EvalActionName>" + action + "</EvalActionName><EvalResourceName>*</EvalResourceName>"
        + "<EvalDecision>" + decision + "</EvalDecision><MatchedStatements/><MissingContextValues/></member>";
  }

  String queue() {
    String url = sdk.sqs().createQueue(b -> b.queueName("vega-test-scans")).queueUrl();
    env.put("VEGA_SQS_QUEUE_URL", url);
    env.put("VEGA_WORKER_TASK_ROLE_ARN", WORKER_ROLE);
    return url;
  }

  @Test
  void workerRoleThatMayReceiveDeleteAndExtendIsUp() throws Exception {
    queue();
    simulation("allowed", "allowed", "allowed");
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--sqs-sample", "1ms"), "vega-worker task role → sqs");
    assertThat(h).containsEntry("status", "UP");
    String queueArn = "arn:aws:sqs:us-west-1:123456789012:vega-test-scans";
    assertThat(h).containsEntry("detail",
        "role vega-test-worker may sqs:ReceiveMessage, sqs:DeleteMessage, sqs:ChangeMessageVisibility");
    assertThat(strings(h, "evidence")).containsExactly(
        "rights tested: task role " + WORKER_ROLE + " (iam:SimulatePrincipalPolicy, by arn:aws:sts::123456789012:user/moto)",
        "sqs:ReceiveMessage on " + queueArn + ": allowed", "sqs:DeleteMessage on " + queueArn + ": allowed",
        "sqs:ChangeMessageVisibility on " + queueArn + ": allowed");
    fake.verify(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo("/"))
        .withRequestBody(containing("ResourceArns.member.1=arn%3Aaws%3Asqs%3Aus-west-1%3A123456789012%3Avega-test-scans")));
  }

  @Test
  void workerRoleMissingAnSqsActionIsDownAndNamesIt() throws Exception {
    queue();
    simulation("allowed", "implicitDeny", "allowed");
    Map<String, Object> json = DoctorRun.json(env, "--aws", "--sqs-sample", "1ms");
    assertThat(hop(json, "vega-worker task role → sqs")).containsEntry("status", "DOWN")
        .containsEntry("detail", "role vega-test-worker may not sqs:DeleteMessage on"
            + " arn:aws:sqs:us-west-1:123456789012:vega-test-scans");
    assertThat(json).containsEntry("firstFailingHop", "vega-worker task role → sqs").containsEntry("next",
        "the worker's task role " + WORKER_ROLE + " may not sqs:DeleteMessage on the scan queue: add them to its IAM"
            + " policy (Terraform), on arn:aws:sqs:us-west-1:123456789012:vega-test-scans");
  }

  @Test
  void simulationDeniedToTheDoctorIsNoEvidenceNotAFailure() throws Exception {
    queue();
    WireMockServer iam = fake("IAM");
    iam.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(403).withHeader("Content-Type", "text/xml")
        .withBody("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized"
            + " to perform: iam:SimulatePrincipalPolicy</Message></Error><RequestId>1</RequestId></ErrorResponse>")));
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--sqs-sample", "1ms"), "vega-worker task role → sqs");
    assertThat(h).containsEntry("status", "UNKNOWN")
        .containsEntry("detail", "no evidence for role vega-test-worker: iam:SimulatePrincipalPolicy was denied");
    assertThat(DoctorRun.text(h, "hint")).startsWith("give the doctor the worker's task role");
  }

  @Test
  void cloudWatchAnsweringSomethingElseIsOneSentence() throws Exception {
    String url = queue();
    sdk.sqs().sendMessage(m -> m.queueUrl(url).messageBody("scan-1"));
    simulation("allowed", "allowed", "allowed");
    WireMockServer cw = aws.fake("CLOUDWATCH");
    cw.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)));
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--sqs-sample", "1ms"), "sqs scan queue");
    assertThat(DoctorRun.text(h, "detail")).contains(
        "oldest message age unknown (CloudWatch answered HTTP 404 to cloudwatch:GetMetricStatistics)");
  }

  // ---- the scan queue: the runbook's backlog judgment ----

  @Test
  void emptyQueueIsUp() throws Exception {
    queue();
    simulation("allowed", "allowed", "allowed");
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--sqs-sample", "1ms"), "sqs scan queue");
    assertThat(h).containsEntry("status", "UP");
    assertThat(DoctorRun.text(h, "detail")).endsWith("visible 0 (was 0 0s ago), in flight 0, delayed 0: empty");
  }

  @Test
  void steadyBacklogOfOldMessagesIsStuckFromPeekedSentTimestamps() throws Exception {
    String url = queue();
    simulation("allowed", "allowed", "allowed");
    sdk.sqs().sendMessage(m -> m.queueUrl(url).messageBody("scan-1"));
    Thread.sleep(10); // one oldest message
    sdk.sqs().sendMessage(m -> m.queueUrl(url).messageBody("scan-2"));
    // The doctor runs an hour later: the count stays at 2 (a dead worker), the messages are an hour old.
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
    Map<String, Object> json = DoctorRun.json(env, "", later, "--aws", "--sqs-sample", "1ms");
    Map<String, Object> h = hop(json, "sqs scan queue");
    assertThat(h).containsEntry("status", "DOWN");
    assertThat(DoctorRun.text(h, "detail")).startsWith("visible 2 (was 2 0s ago)")
        .containsPattern("oldest message 36\\d\\d s old \\(SentTimestamp of peeked messages, the same oldest"
            + " message at both peeks\\)")
        .endsWith(": scan stuck in queued (over 900 s)");
    assertThat(DoctorRun.text(h, "hint")).startsWith("messages are piling up — the worker is not consuming them");
    // Peeked, not taken: both messages are still there for the worker.
    assertThat(sdk.sqs().getQueueAttributes(b -> b.queueUrl(url)
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes())
        .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "2");
  }

  @Test
  void oldestAgeGrowingInCloudWatchIsPilingUpBeforeTheThreshold() throws Exception {
    String url = queue();
    simulation("allowed", "allowed", "allowed");
    sdk.sqs().sendMessage(m -> m.queueUrl(url).messageBody("scan-1"));
    Instant now = Instant.now();
    // moto 5.2.1 does not speak the SDK's CloudWatch protocol (RPC v2 CBOR): CloudWatch's answer from WireMock.
    WireMockServer cw = aws.fake("CLOUDWATCH");
    cw.stubFor(post(urlPathEqualTo("/service/GraniteServiceVersion20100801/operation/GetMetricStatistics"))
        .willReturn(aResponse().withHeader("Content-Type", "application/cbor")
            .withHeader("smithy-protocol", "rpc-v2-cbor")
            .withBody(datapoints(now.minusSeconds(150), 100, now.minusSeconds(90), 160))));
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--sqs-sample", "1ms"), "sqs scan queue");
    assertThat(h).containsEntry("status", "DEGRADED");
    assertThat(DoctorRun.text(h, "detail")).contains("oldest message 160 s old (CloudWatch, ").endsWith(": growing");
    cw.verify(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo(
        "/service/GraniteServiceVersion20100801/operation/GetMetricStatistics")));
    // The same ages beyond --sqs-max-age: stuck.
    Map<String, Object> stuck = hop(DoctorRun.json(env, "--aws", "--sqs-sample", "1ms", "--sqs-max-age", "2m"),
        "sqs scan queue");
    assertThat(stuck).containsEntry("status", "DOWN");
    assertThat(DoctorRun.text(stuck, "detail")).endsWith(": scan stuck in queued (over 120 s)");
  }

  /** GetMetricStatistics' answer in CBOR: two datapoints (time, maximum), the older first. */
  private static byte[] datapoints(Instant t1, double max1, Instant t2, double max2) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("Label", "ApproximateAgeOfOldestMessage");
      g.writeFieldName("Datapoints");
      g.writeStartArray();
      for (Object[] p : new Object[][] {{t1, max1}, {t2, max2}}) {
        g.writeStartObject();
        g.writeFieldName("Timestamp");
        g.writeTag(1); // epoch seconds
        g.writeNumber(((Instant) p[0]).getEpochSecond());
        g.writeNumberField("Maximum", (Double) p[1]);
        g.writeStringField("Unit", "Seconds");
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  @Test
  void backlogWithoutAnAgeIsUnknownAndAQueueWithFewReceivesIsNotPeeked() throws Exception {
    String dlq = sdk.sqs().createQueue(b -> b.queueName("vega-test-scans-dlq")).queueUrl();
    String dlqArn = sdk.sqs().getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    String url = sdk.sqs().createQueue(b -> b.queueName("vega-test-scans").attributes(Map.of(
        QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"3\"}")))
        .queueUrl();
    env.put("VEGA_SQS_QUEUE_URL", url);
    env.put("VEGA_WORKER_TASK_ROLE_ARN", WORKER_ROLE);
    simulation("allowed", "allowed", "allowed");
    sdk.sqs().sendMessage(m -> m.queueUrl(url).messageBody("scan-1"));
    Map<String, Object> h = hop(DoctorRun.json(env, "--aws", "--sqs-sample", "1ms"), "sqs scan queue");
    assertThat(h).containsEntry("status", "UNKNOWN");
    // moto answers CloudWatch with a 404: no age from there either
    assertThat(DoctorRun.text(h, "detail")).startsWith("visible 1 (was 1 0s ago), in flight 0, delayed 0; cannot judge"
        + " the backlog: oldest message age unknown (").endsWith("; not peeked: the redrive policy moves a message to"
        + " the dead-letter queue after 3 receives, and a peek counts as one");
    assertThat(DoctorRun.text(h, "hint")).startsWith("the queue holds messages but the age of the oldest is unknown");
    // Not received by the doctor: this is the message's first receive.
    var m = sdk.sqs().receiveMessage(b -> b.queueUrl(url).messageSystemAttributeNames(
        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
    assertThat(m).hasSize(1);
    assertThat(m.get(0).attributes()).containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1");
  }

  // ---- doctor --role all ----

  @Test
  void roleAllRunsEachRolesChecksAsThatRole() throws Exception {
    String queueUrl = queue();
    sdk.sqs().sendMessage(m -> m.queueUrl(queueUrl).messageBody("scan-1")); // a backlog: the worker asks CloudWatch
    WireMockServer cw = aws.fake("CLOUDWATCH");
    cw.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)));
    for (String bucket : new String[] {"vega-test-artifacts", "vega-test-source"}) {
      sdk.s3().createBucket(b -> b.bucket(bucket).createBucketConfiguration(c -> c.locationConstraint(MotoServer.REGION)));
    }
    HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    proxy.createContext("/", ex -> {
      ex.sendResponseHeaders(401, -1);
      ex.close();
    });
    proxy.start();
    try {
      env.put("VEGA_SQS_QUEUE_URL", queueUrl);
      env.put("VEGA_FILE_STORAGE_BACKEND", "s3");
      env.put("VEGA_S3_ARTIFACTS_BUCKET", "vega-test-artifacts");
      env.put("VEGA_S3_SOURCE_BUCKET", "vega-test-source");
      env.put("VEGA_LLM_PROXY_BASE_URL", "http://127.0.0.1:" + proxy.getAddress().getPort());
      env.put("VEGA_SCAN_WORKER_EXECUTION_MODE", "local");
      Map<String, Object> json = DoctorRun.json(env, "--role", "all");
      // the same dependency, checked by each role that uses it, its own way
      assertThat(hop(json, "vega-api → sqs")).containsEntry("status", "UP");
      assertThat(hop(json, "vega-worker → sqs")).containsEntry("status", "UP");
      // Only the worker's sqs check reads the oldest message's age: CloudWatch was asked once, not twice.
      cw.verify(1, com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl()));
      // The api's s3 checks the source bucket it uploads to; the runner's proves its own rights on both.
      assertThat(hop(json, "vega-api → s3")).containsEntry("status", "UP")
          .containsEntry("detail", "buckets reachable: source vega-test-source");
      assertThat(hop(json, "vega-v16-runner → s3")).containsEntry("status", "UP").containsEntry("detail",
          "buckets reachable: source vega-test-source, artifacts vega-test-artifacts; write probe ok; read probe ok");
      assertThat(sdk.s3().listObjectsV2(l -> l.bucket("vega-test-artifacts")).contents()).as("probe cleaned up").isEmpty();
      // outside a runner task there is no scan-scoped token: the proxy is reached, not failed for it
      assertThat(hop(json, "vega-v16-runner → llm-proxy")).containsEntry("status", "UP").containsEntry("detail",
          "LLM proxy at 127.0.0.1 answers (HTTP 401); the scan-scoped token is checked inside a runner task only"
              + " (not set here)");
    } finally {
      proxy.stop(0);
    }
    env.put("VEGA_LLM_PROXY_BASE_URL", "http://127.0.0.1:" + MotoServer.freePort());
    Map<String, Object> down = hop(DoctorRun.json(env, "--role", "runner"), "vega-v16-runner → llm-proxy");
    assertThat(down).containsEntry("status", "DOWN");
    assertThat(DoctorRun.text(down, "hint")).startsWith("LLM proxy: is vega-llm-proxy running");
  }
}

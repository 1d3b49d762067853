package com.example.vega.health.trace;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The few attribute names we use that semantic conventions 1.43 still mark incubating, copied
 * here as the semantic-conventions-java README advises libraries to do: the incubating artifact
 * is an alpha whose deprecated keys go away, and a host application that brings a newer one would
 * otherwise break this library with {@code NoSuchFieldError}. {@code IncubatingTest} pins each
 * copy to the artifact's own constant (test scope only); the build's enforcer rule keeps the
 * artifact off the runtime class path.
 */
final class Incubating {
  static final AttributeKey<String> AWS_REQUEST_ID = stringKey("aws.request_id");
  static final AttributeKey<String> AWS_EXTENDED_REQUEST_ID = stringKey("aws.extended_request_id");
  static final AttributeKey<String> AWS_S3_BUCKET = stringKey("aws.s3.bucket");
  static final AttributeKey<String> AWS_S3_KEY = stringKey("aws.s3.key");
  static final AttributeKey<String> AWS_SQS_QUEUE_URL = stringKey("aws.sqs.queue.url");
  static final AttributeKey<String> CLOUD_REGION = stringKey("cloud.region");
  static final AttributeKey<String> PEER_SERVICE = stringKey("peer.service");

  // Deprecated in 1.43, still what OpenTelemetry's AWS SDK instrumentation sets.
  static final AttributeKey<String> RPC_SYSTEM = stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = stringKey("rpc.method");

  static final AttributeKey<String> MESSAGING_SYSTEM = stringKey("messaging.system");
  static final AttributeKey<String> MESSAGING_DESTINATION_NAME = stringKey("messaging.destination.name");
  static final AttributeKey<String> MESSAGING_OPERATION_NAME = stringKey("messaging.operation.name");
  static final AttributeKey<String> MESSAGING_OPERATION_TYPE = stringKey("messaging.operation.type");
  static final AttributeKey<String> MESSAGING_MESSAGE_ID = stringKey("messaging.message.id");
  static final AttributeKey<Long> MESSAGING_BATCH_MESSAGE_COUNT = longKey("messaging.batch.message_count");
  static final String MESSAGING_SYSTEM_AWS_SQS = "aws_sqs";
  static final String OPERATION_TYPE_SEND = "send";
  static final String OPERATION_TYPE_RECEIVE = "receive";
  static final String OPERATION_TYPE_PROCESS = "process";
  static final String OPERATION_TYPE_SETTLE = "settle";

  // The database names before the stable conventions (OTEL_SEMCONV_STABILITY_OPT_IN=database/dup),
  // what the collector's X-Ray exporter still reads.
  static final AttributeKey<String> DB_SYSTEM = stringKey("db.system");
  static final AttributeKey<String> DB_NAME = stringKey("db.name");
  static final AttributeKey<String> DB_STATEMENT = stringKey("db.statement");
  static final AttributeKey<String> DB_OPERATION = stringKey("db.operation");
  static final AttributeKey<String> DB_SQL_TABLE = stringKey("db.sql.table");
  static final AttributeKey<String> NET_PEER_NAME = stringKey("net.peer.name");
  static final AttributeKey<Long> NET_PEER_PORT = longKey("net.peer.port");

  private Incubating() {}
}

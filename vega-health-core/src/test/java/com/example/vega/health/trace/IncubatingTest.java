package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.semconv.incubating.AwsIncubatingAttributes;
import io.opentelemetry.semconv.incubating.CloudIncubatingAttributes;
import io.opentelemetry.semconv.incubating.DbIncubatingAttributes;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MessagingOperationTypeIncubatingValues;
import io.opentelemetry.semconv.incubating.NetIncubatingAttributes;
import io.opentelemetry.semconv.incubating.PeerIncubatingAttributes;
import io.opentelemetry.semconv.incubating.RpcIncubatingAttributes;
import org.junit.jupiter.api.Test;

/**
 * Core's copies of the incubating keys are the incubating artifact's own (the artifact is on the
 * test class path only): a misspelt copy fails here, not in a backend's view.
 */
@SuppressWarnings("deprecation") // rpc.*, db.system, db.name, ... are deprecated keys we still emit
class IncubatingTest {

  @Test
  void everyCopiedKeyIsTheIncubatingArtifactsKey() {
    assertThat(Incubating.AWS_REQUEST_ID).isEqualTo(AwsIncubatingAttributes.AWS_REQUEST_ID);
    assertThat(Incubating.AWS_EXTENDED_REQUEST_ID).isEqualTo(AwsIncubatingAttributes.AWS_EXTENDED_REQUEST_ID);
    assertThat(Incubating.AWS_S3_BUCKET).isEqualTo(AwsIncubatingAttributes.AWS_S3_BUCKET);
    assertThat(Incubating.AWS_S3_KEY).isEqualTo(AwsIncubatingAttributes.AWS_S3_KEY);
    assertThat(Incubating.AWS_SQS_QUEUE_URL).isEqualTo(AwsIncubatingAttributes.AWS_SQS_QUEUE_URL);
    assertThat(Incubating.CLOUD_REGION).isEqualTo(CloudIncubatingAttributes.CLOUD_REGION);
    assertThat(Incubating.PEER_SERVICE).isEqualTo(PeerIncubatingAttributes.PEER_SERVICE);
    assertThat(Incubating.RPC_SYSTEM).isEqualTo(RpcIncubatingAttributes.RPC_SYSTEM);
    assertThat(Incubating.RPC_SERVICE).isEqualTo(RpcIncubatingAttributes.RPC_SERVICE);
    assertThat(Incubating.RPC_METHOD).isEqualTo(RpcIncubatingAttributes.RPC_METHOD);
    assertThat(Incubating.MESSAGING_SYSTEM).isEqualTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM);
    assertThat(Incubating.MESSAGING_DESTINATION_NAME).isEqualTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME);
    assertThat(Incubating.MESSAGING_OPERATION_NAME).isEqualTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME);
    assertThat(Incubating.MESSAGING_OPERATION_TYPE).isEqualTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE);
    assertThat(Incubating.MESSAGING_MESSAGE_ID).isEqualTo(MessagingIncubatingAttributes.MESSAGING_MESSAGE_ID);
    assertThat(Incubating.MESSAGING_BATCH_MESSAGE_COUNT).isEqualTo(MessagingIncubatingAttributes.MESSAGING_BATCH_MESSAGE_COUNT);
    assertThat(Incubating.DB_SYSTEM).isEqualTo(DbIncubatingAttributes.DB_SYSTEM);
    assertThat(Incubating.DB_NAME).isEqualTo(DbIncubatingAttributes.DB_NAME);
    assertThat(Incubating.DB_STATEMENT).isEqualTo(DbIncubatingAttributes.DB_STATEMENT);
    assertThat(Incubating.DB_OPERATION).isEqualTo(DbIncubatingAttributes.DB_OPERATION);
    assertThat(Incubating.DB_SQL_TABLE).isEqualTo(DbIncubatingAttributes.DB_SQL_TABLE);
    assertThat(Incubating.NET_PEER_NAME).isEqualTo(NetIncubatingAttributes.NET_PEER_NAME);
    assertThat(Incubating.NET_PEER_PORT).isEqualTo(NetIncubatingAttributes.NET_PEER_PORT);
  }

  @Test
  void everyCopiedValueIsTheIncubatingArtifactsValue() {
    assertThat(Incubating.MESSAGING_SYSTEM_AWS_SQS)
        .isEqualTo(MessagingIncubatingAttributes.MessagingSystemIncubatingValues.AWS_SQS);
    assertThat(Incubating.OPERATION_TYPE_SEND).isEqualTo(MessagingOperationTypeIncubatingValues.SEND);
    assertThat(Incubating.OPERATION_TYPE_RECEIVE).isEqualTo(MessagingOperationTypeIncubatingValues.RECEIVE);
    assertThat(Incubating.OPERATION_TYPE_PROCESS).isEqualTo(MessagingOperationTypeIncubatingValues.PROCESS);
    assertThat(Incubating.OPERATION_TYPE_SETTLE).isEqualTo(MessagingOperationTypeIncubatingValues.SETTLE);
  }
}

package com.example.vega.health.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import java.net.ConnectException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The doctor reads failures through core's classification: codes, states and types, not the SDK's text. */
class FailureTest {
  private static AwsServiceException answer(int status, String code, String message) {
    return AwsServiceException.builder().statusCode(status)
        .message("Service returned HTTP status code " + status + " (Service: Sqs, Status Code: " + status + ")")
        .awsErrorDetails(AwsErrorDetails.builder().serviceName("Sqs").errorCode(code).errorMessage(message).build())
        .build();
  }

  @Test
  void awsFailuresAreToldApartByCodeAndStatusInOneSentence() {
    Failure denied = Failure.aws(answer(403, "AccessDenied", "not authorized"), "sqs:ReceiveMessage");
    assertThat(denied.kind()).isEqualTo(ErrorKind.ACCESS_DENIED);
    assertThat(denied.status()).isEqualTo(Status.DOWN);
    assertThat(denied.what()).isEqualTo("sqs:ReceiveMessage was denied");

    Failure expired = Failure.aws(answer(403, "ExpiredToken", "expired"), "sqs:ReceiveMessage");
    assertThat(expired.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
    assertThat(expired.status()).isEqualTo(Status.UNKNOWN);

    Failure throttled = Failure.aws(answer(400, "ThrottlingException", "slow down"), "sqs:ReceiveMessage");
    assertThat(throttled.status()).isEqualTo(Status.DEGRADED);
    assertThat(throttled.what()).isEqualTo("Sqs throttled to sqs:ReceiveMessage");

    Failure bare404 = Failure.aws(AwsServiceException.builder().statusCode(404).message("Service returned HTTP"
        + " status code 404 (Service: CloudWatch, Status Code: 404)").build(), "CloudWatch", "cloudwatch:GetMetricStatistics");
    assertThat(bare404.what()).isEqualTo("CloudWatch answered HTTP 404 to cloudwatch:GetMetricStatistics");
    for (Failure f : new Failure[] {denied, expired, throttled, bare404}) {
      assertThat(f.what() + f.next()).doesNotContain("Service returned", "Status Code:", "Request ID");
    }
  }

  @Test
  void networkCausesAreReadByTypeWhateverWrapsThem() {
    Failure refused = Failure.aws(SdkClientException.create("Unable to execute HTTP request: boom",
        new ConnectException("Connection refused")), "Sqs", "sqs:GetQueueAttributes");
    assertThat(refused.kind()).isEqualTo(ErrorKind.CONNECTION_REFUSED);
    assertThat(refused.what()).isEqualTo("the Sqs endpoint refused the connection for sqs:GetQueueAttributes");
    assertThat(Failure.sentence(new RuntimeException("wrapped", new ConnectException("Connection refused"))))
        .isEqualTo("connection refused");
  }

  @Test
  void sqlFailuresAreReadBySqlStateAndCause() {
    Failure refused = Failure.sql(new SQLException("Connection to db:5432 refused", "08001",
        new ConnectException("Connection refused")), "db:5432");
    assertThat(refused.kind()).isEqualTo(ErrorKind.CONNECTION_REFUSED);
    assertThat(refused.what()).isEqualTo("connection refused on db:5432");

    Failure auth = Failure.sql(new SQLException("FATAL: password authentication failed", "28P01"), "db:5432");
    assertThat(auth.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
    assertThat(auth.what()).isEqualTo("Postgres rejected the credentials for db:5432");

    Failure column = Failure.sql(new SQLException("ERROR: column \"severity\" does not exist", "42703"), "db:5432");
    assertThat(column.kind()).isEqualTo(ErrorKind.MIGRATION_MISSING);
    assertThat(column.what()).startsWith("a column is missing");
  }

  @Test
  void connectionExceptionWithoutANetworkCauseIsReadAsCoreReadsItNotAsATimeout() {
    // Class 08 names no cause of its own: core has no rule for it, and neither has the doctor.
    Failure broken = Failure.sql(new SQLException("An I/O error occurred while sending to the backend.", "08006",
        new java.io.EOFException()), "db:5432");
    assertThat(broken.kind()).isEqualTo(ErrorKind.OTHER);
    assertThat(broken.what()).isEqualTo("Postgres error 08006: An I/O error occurred while sending to the backend.");
    assertThat(broken.what() + broken.next()).doesNotContain("in time");

    // With a network cause, the cause decides, as in core: a connect timeout, or connected and no answer.
    Failure noTcp = Failure.sql(new SQLException("The connection attempt failed.", "08001",
        new java.net.SocketTimeoutException("Connect timed out")), "db:5432");
    assertThat(noTcp.kind()).isEqualTo(ErrorKind.CONNECT_TIMEOUT);
    assertThat(noTcp.what()).isEqualTo("no connection to db:5432 in time");
    Failure hung = Failure.sql(new SQLException("An I/O error occurred while sending to the backend.", "08006",
        new java.net.SocketTimeoutException("Read timed out")), "db:5432");
    assertThat(hung.kind()).isEqualTo(ErrorKind.TIMEOUT);
    assertThat(hung.what()).isEqualTo("db:5432 accepted the connection but did not answer in time");
  }

  @Test
  void sqlStateIsReadAlongTheCauseChainAsCoreReadsIt() {
    Failure auth = Failure.sql(new SQLException("could not open a connection", null,
        new SQLException("FATAL: password authentication failed for user \"vega\"", "28P01")), "db:5432");
    assertThat(auth.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
    assertThat(auth.what()).isEqualTo("Postgres rejected the credentials for db:5432");
  }
}

package com.example.vega.health.checks.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import org.junit.jupiter.api.Test;

class HttpFailuresTest {

  @Test
  void transientAnswersAreDegradedAndTheRestDown() {
    assertThat(HttpFailures.kind(200, true, ErrorKind.NOT_FOUND)).isEqualTo(ErrorKind.NONE);
    assertThat(HttpFailures.kind(302, true, ErrorKind.NOT_FOUND)).isEqualTo(ErrorKind.NONE);
    assertThat(HttpFailures.kind(429, true, ErrorKind.NOT_FOUND)).isEqualTo(ErrorKind.THROTTLED);
    assertThat(HttpFailures.kind(502, true, ErrorKind.NOT_FOUND)).isEqualTo(ErrorKind.SERVER_ERROR);
    assertThat(HttpFailures.result(ErrorKind.THROTTLED, "m", "h").status()).isEqualTo(Status.DEGRADED);
    assertThat(HttpFailures.result(ErrorKind.SERVER_ERROR, "m", "h").status()).isEqualTo(Status.DEGRADED);
    assertThat(HttpFailures.result(ErrorKind.NOT_FOUND, "m", "h").status()).isEqualTo(Status.DOWN);
    assertThatThrownBy(() -> HttpFailures.result(ErrorKind.NONE, "m", "h")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a403IsRejectedCredentialsOnlyWhenCredentialsWereSent() {
    assertThat(HttpFailures.kind(401, false, ErrorKind.NOT_FOUND)).isEqualTo(ErrorKind.AUTHENTICATION);
    assertThat(HttpFailures.kind(403, true, ErrorKind.NOT_FOUND)).isEqualTo(ErrorKind.AUTHENTICATION);
    assertThat(HttpFailures.kind(403, false, ErrorKind.NOT_FOUND)).isEqualTo(ErrorKind.ACCESS_DENIED);
  }

  @Test
  void anyOtherClientErrorMeansWhatTheCallerSays() {
    assertThat(HttpFailures.kind(404, false, ErrorKind.NOT_FOUND)).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(HttpFailures.kind(404, true, ErrorKind.MISCONFIGURED)).isEqualTo(ErrorKind.MISCONFIGURED);
    assertThat(HttpFailures.kind(400, true, ErrorKind.MISCONFIGURED)).isEqualTo(ErrorKind.MISCONFIGURED);
  }
}

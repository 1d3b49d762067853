package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void networkCausesAreFoundWhateverWrapsThem() {
    assertThat(Failures.network(new SQLException("x", new IOException(new ConnectException("refused")))))
        .isEqualTo(ErrorKind.CONNECTION_REFUSED);
    assertThat(Failures.network(new IOException(new NoRouteToHostException("no route"))))
        .isEqualTo(ErrorKind.CONNECTION_REFUSED);
    assertThat(Failures.network(new RuntimeException(new UnknownHostException("db.internal"))))
        .isEqualTo(ErrorKind.UNKNOWN_HOST);
    assertThat(Failures.network(new SocketTimeoutException("Connect timed out"))).isEqualTo(ErrorKind.CONNECT_TIMEOUT);
    assertThat(Failures.network(new HttpConnectTimeoutException("HTTP connect timed out")))
        .isEqualTo(ErrorKind.CONNECT_TIMEOUT);
    assertThat(Failures.network(new SocketTimeoutException("Read timed out"))).isEqualTo(ErrorKind.TIMEOUT);
    assertThat(Failures.network(new IllegalStateException("nothing on the network"))).isNull();
  }

  @Test
  void nameThatDoesNotResolveThroughTheJdkHttpClientIsAnUnknownHostNotARefusal() throws Exception {
    // .invalid never resolves (RFC 2606): the JDK's client throws a ConnectException for it.
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Throwable thrown = null;
    try {
      http.send(HttpRequest.newBuilder(URI.create("http://vega-health-test.invalid/")).timeout(Duration.ofSeconds(10))
          .build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      thrown = e;
    }
    assertThat(thrown).isInstanceOf(ConnectException.class);
    assertThat(Failures.network(thrown)).isEqualTo(ErrorKind.UNKNOWN_HOST);
  }

  @Test
  void theOutermostNetworkCauseDecides() {
    // A read timeout reported while a refused reconnect is its cause: what the caller saw wins.
    SocketTimeoutException outer = new SocketTimeoutException("Read timed out");
    outer.initCause(new ConnectException("refused"));
    assertThat(Failures.network(new IOException(outer))).isEqualTo(ErrorKind.TIMEOUT);
  }

  @Test
  void aCauseChainThatLoopsEnds() {
    RuntimeException loop = new RuntimeException("a") {
      @Override
      public synchronized Throwable getCause() {
        return this;
      }
    };
    assertThat(Failures.network(loop)).isNull();
    assertThat(Failures.of(loop).errorKind()).isEqualTo(ErrorKind.OTHER);
    assertThat(Failures.cause(loop, IOException.class)).isNull();
  }

  @Test
  void anExceptionBecomesDownWithItsKindAndAGenericHint() {
    CheckResult refused = Failures.of(new SQLException("boom", new ConnectException("Connection refused")));
    assertThat(refused.status()).isEqualTo(Status.DOWN);
    assertThat(refused.errorKind()).isEqualTo(ErrorKind.CONNECTION_REFUSED);
    assertThat(refused.message()).isEqualTo("ConnectException: Connection refused");
    assertThat(refused.hint()).isEqualTo(
        "nothing accepted the connection: check the endpoint setting and the security group");

    CheckResult other = Failures.of(new IllegalStateException("outer", new ArithmeticException("/ by zero")));
    assertThat(other.errorKind()).isEqualTo(ErrorKind.OTHER);
    assertThat(other.message()).as("the deepest cause says what happened").isEqualTo("ArithmeticException: / by zero");
    assertThat(other.hint()).isEqualTo("the check failed unexpectedly: see this service's log for the cause");
  }

  @Test
  void firstLineIsBounded() {
    assertThat(Failures.firstLine("one\ntwo")).isEqualTo("one");
    assertThat(Failures.firstLine("x".repeat(300))).hasSize(201).endsWith("…");
  }
}

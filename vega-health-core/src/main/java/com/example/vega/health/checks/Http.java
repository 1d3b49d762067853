package com.example.vega.health.checks;

import com.example.vega.health.CheckContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The one way the HTTP checks call out: bounded by the check's remaining time, whatever happens. */
final class Http {
  private Http() {}

  /**
   * Sends {@code request} and waits at most the check's remaining time. Connect, TLS and the answer
   * all count: the request's own timeout does not cover every phase, so the wait is bounded too.
   */
  static <T> HttpResponse<T> send(HttpClient client, HttpRequest.Builder request,
      HttpResponse.BodyHandler<T> body, CheckContext ctx) throws IOException, InterruptedException {
    HttpRequest r = request.timeout(ctx.remaining().isZero() ? java.time.Duration.ofMillis(1) : ctx.remaining()).build();
    CompletableFuture<HttpResponse<T>> f = client.sendAsync(r, body);
    try {
      return f.get(ctx.remainingMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new HttpTimeoutException("no answer within the check's timeout");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException(c);
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    }
  }

  /** scheme://host[:port] of a URI, dropping user info, path and query (never echo credentials). */
  static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }
}

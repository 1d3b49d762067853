package com.example.vega.examples.common;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * SQS (ElasticMQ) and S3 (s3proxy over an in-memory blob store) embedded in this JVM, on free
 * loopback ports, for the local demo. Services reach them through the SDK's own
 * {@code AWS_ENDPOINT_URL_SQS} and {@code AWS_ENDPOINT_URL_S3}.
 *
 * @param sqs the embedded ElasticMQ
 * @param sqsEndpoint where it listens
 * @param s3 the embedded s3proxy
 * @param s3Endpoint where it listens
 */
public record LocalAws(SQSRestServer sqs, URI sqsEndpoint, S3Proxy s3, URI s3Endpoint) implements AutoCloseable {
  public static final String ACCESS_KEY = "local";
  public static final String SECRET_KEY = "local-secret";

  public static LocalAws start() throws Exception {
    int sqsPort = freePort();
    SQSRestServer sqs = SQSRestServerBuilder.withPort(sqsPort).withInterface("127.0.0.1").start();
    sqs.waitUntilStarted();
    URI s3Endpoint = URI.create("http://127.0.0.1:" + freePort());
    BlobStoreContext ctx = ContextBuilder.newBuilder("transient")
        .credentials(ACCESS_KEY, SECRET_KEY).build(BlobStoreContext.class);
    S3Proxy s3 = S3Proxy.builder().blobStore(ctx.getBlobStore())
        .endpoint(s3Endpoint)
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .build();
    s3.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!s3.getState().equals("STARTED") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return new LocalAws(sqs, URI.create("http://127.0.0.1:" + sqsPort), s3, s3Endpoint);
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    s3.stop();
    // stopAndWait() can block for minutes on ElasticMQ's actor system; the demo is exiting anyway.
    sqs.stopAndGetFuture();
  }
}

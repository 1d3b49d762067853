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
 */
public final class LocalAws implements AutoCloseable {
  public static final String ACCESS_KEY = "local";
  public static final String SECRET_KEY = "local-secret";
  private final SQSRestServer sqs;
  private final S3Proxy s3;
  private final int sqsPort;
  private final int s3Port;

  private LocalAws(SQSRestServer sqs, int sqsPort, S3Proxy s3, int s3Port) {
    this.sqs = sqs;
    this.sqsPort = sqsPort;
    this.s3 = s3;
    this.s3Port = s3Port;
  }

  public static LocalAws start() throws Exception {
    int sqsPort = freePort();
    SQSRestServer sqs = SQSRestServerBuilder.withPort(sqsPort).withInterface("127.0.0.1").start();
    sqs.waitUntilStarted();
    int s3Port = freePort();
    BlobStoreContext ctx = ContextBuilder.newBuilder("transient")
        .credentials(ACCESS_KEY, SECRET_KEY).build(BlobStoreContext.class);
    S3Proxy s3 = S3Proxy.builder().blobStore(ctx.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:" + s3Port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .build();
    s3.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!s3.getState().equals("STARTED") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return new LocalAws(sqs, sqsPort, s3, s3Port);
  }

  public URI sqsEndpoint() {
    return URI.create("http://127.0.0.1:" + sqsPort);
  }

  public URI s3Endpoint() {
    return URI.create("http://127.0.0.1:" + s3Port);
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

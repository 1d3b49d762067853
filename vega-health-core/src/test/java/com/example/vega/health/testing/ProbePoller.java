package com.example.vega.health.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * Polls a path the way an ECS container health check or an ALB does: a new connection per request,
 * {@code GET}, read the whole answer, close; every {@code interval}, on one thread of its own. Records
 * each answer's time from connect to the last byte, every answer that was not 200 or took longer
 * than {@code limitMillis}, and a thread count sampled with each poll.
 */
public final class ProbePoller implements AutoCloseable {
  private final int port;
  private final String path;
  private final long intervalMillis;
  private final int timeoutMillis;
  private final long limitMillis;
  private final IntSupplier threads;
  private final AtomicBoolean running = new AtomicBoolean(true);
  /**
   * Answer times, bounded memory however long it polls: 10 µs buckets up to 100 ms, then 1 ms
   * buckets up to 10 s, then one overflow bucket.
   */
  private final long[] histogram = new long[10_000 + 9_900 + 1];
  private long polls;
  private final List<String> bad = Collections.synchronizedList(new ArrayList<>());
  private volatile int minThreads = Integer.MAX_VALUE;
  private volatile int maxThreads = Integer.MIN_VALUE;
  private final Thread thread;

  /**
   * @param timeoutMillis how long one poll may wait for its answer before it counts as unanswered
   * @param limitMillis answers slower than this are listed in {@link #bad()}
   * @param threads sampled after every poll (e.g. the server's thread count)
   */
  public ProbePoller(int port, String path, long intervalMillis, int timeoutMillis, long limitMillis, IntSupplier threads) {
    this.port = port;
    this.path = path;
    this.intervalMillis = intervalMillis;
    this.timeoutMillis = timeoutMillis;
    this.limitMillis = limitMillis;
    this.threads = threads;
    this.thread = new Thread(this::loop, "probe-poller");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: probe\r\nUser-Agent: probe-poller\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    while (running.get()) {
      long t0 = System.nanoTime();
      String failure = null;
      try (Socket s = new Socket()) {
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
        s.setSoTimeout(timeoutMillis);
        s.getOutputStream().write(request);
        String status = readAnswer(s.getInputStream());
        if (!status.startsWith("HTTP/1.1 200")) {
          failure = "answered '" + status + "'";
        }
      } catch (IOException e) {
        failure = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      long us = (System.nanoTime() - t0) / 1_000;
      record(us);
      if (failure == null && us > limitMillis * 1_000) {
        failure = "took " + us / 1000.0 + " ms";
      }
      if (failure != null && bad.size() < 10_000) {
        bad.add(failure);
      }
      int n = threads.getAsInt();
      minThreads = Math.min(minThreads, n);
      maxThreads = Math.max(maxThreads, n);
      try {
        Thread.sleep(intervalMillis);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void record(long us) {
    int bucket = us < 100_000 ? (int) (us / 10) : us < 10_000_000 ? 10_000 + (int) ((us - 100_000) / 1_000) : histogram.length - 1;
    histogram[bucket]++;
    polls++;
  }

  /** The upper end of a bucket, in microseconds. */
  private long upperMicros(int bucket) {
    return bucket < 10_000 ? (bucket + 1) * 10L : bucket < histogram.length - 1 ? 100_000 + (bucket - 10_000 + 1) * 1_000L
        : Long.MAX_VALUE;
  }

  /** Reads the status line, the headers and Content-Length bytes of body; returns the status line. */
  private static String readAnswer(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed before the answer's headers ended: '" + head + "'");
      }
      head.append((char) c);
    }
    String h = head.toString();
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    if (in.readNBytes(length).length < length) {
      throw new IOException("closed before the body ended");
    }
    return h.substring(0, h.indexOf("\r\n"));
  }

  /** Stops polling and waits for the poll in flight. */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(timeoutMillis + 1_000L);
  }

  /** Restarts the statistics (after a warm-up, or between cases). */
  public void reset() {
    synchronized (this) {
      Arrays.fill(histogram, 0);
      polls = 0;
    }
    bad.clear();
    minThreads = Integer.MAX_VALUE;
    maxThreads = Integer.MIN_VALUE;
  }

  public List<String> bad() {
    synchronized (bad) {
      return List.copyOf(bad);
    }
  }

  public synchronized long polls() {
    return polls;
  }

  public int minThreads() {
    return minThreads;
  }

  public int maxThreads() {
    return maxThreads;
  }

  /**
   * The p-th percentile (0-100) of the answer times so far, in milliseconds, to the bucket's upper
   * end (10 µs below 100 ms, 1 ms above); NaN before the first.
   */
  public synchronized double percentileMillis(double p) {
    if (polls == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(p / 100.0 * polls));
    long seen = 0;
    for (int i = 0; i < histogram.length; i++) {
      seen += histogram[i];
      if (seen >= rank) {
        return upperMicros(i) / 1000.0;
      }
    }
    return Double.NaN;
  }
}

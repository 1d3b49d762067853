package com.example.vega.health.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Clients that a probe server must survive, on loopback: unfinished requests, silent connections,
 * a slowloris, a 1 MiB request line or header, random bytes, a client that never reads its
 * answers, and one that opens and resets connections in a loop. Each {@link Case} runs on the
 * calling thread for the given time with non-blocking sockets (no thread per connection), then
 * reports what the server did to its connections. Shared by the probe server's IT and its benchmark.
 */
public final class HostileClients {
  private static final byte[] PARTIAL = "GET /v1/healthz/live HTTP/1.1\r\nHost: probe\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int MIB = 1024 * 1024;
  /**
   * The open-and-reset loop pauses this long between connections (about 1,500 a second here).
   * Unpaced, on a 2-core machine it takes a whole core from the server and the poller that share
   * the machine with it, and the poller then measures the machine rather than the server
   * (docs/benchmarks.md section 8 has both). {@code -Dvega.hostile.resetPauseMicros=0} unpaces it.
   */
  static final Duration RESET_PAUSE = Duration.ofNanos(1_000 * Long.getLong("vega.hostile.resetPauseMicros", 500));

  static final Duration TRICKLE = Duration.ofMillis(200);

  private HostileClients() {}

  /** The hostile cases, in the order the suite runs them. */
  public enum Case {
    UNFINISHED_2("2 unfinished requests"),
    UNFINISHED_100("100 unfinished requests"),
    UNFINISHED_1000("1,000 unfinished requests"),
    SILENT_1000("1,000 connections that send nothing"),
    /**
     * One header byte every {@link #TRICKLE}, ten times faster than the default 2 s request timeout,
     * for the hold and the grace period: only a deadline on the whole request closes it while it
     * trickles; a per-byte idle timeout never would.
     */
    SLOWLORIS("slowloris, a byte every 200 ms until closed"),
    REQUEST_LINE_1MIB("a 1 MiB request line"),
    HEADER_1MIB("a 1 MiB header"),
    RANDOM_BYTES("random bytes"),
    NEVER_READS("sends requests, never reads the answers"),
    OPEN_AND_RESET("opens and resets connections in a loop");

    private final String description;

    Case(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  /**
   * What happened to the case's connections.
   *
   * @param opened connections the case opened
   * @param closedByServer of those, closed by the server by the end of the case (plus a grace period)
   * @param answers status lines the server sent back, if any (first of each connection)
   * @param note anything else worth printing
   */
  public record Outcome(Case kind, int opened, int closedByServer, List<String> answers, String note) {
    @Override
    public String toString() {
      return kind.description() + ": opened " + opened + ", closed by the server " + closedByServer
          + (answers.isEmpty() ? "" : ", answers " + summary(answers)) + (note.isEmpty() ? "" : ", " + note);
    }

    private static String summary(List<String> answers) {
      java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
      answers.forEach(a -> counts.merge(a, 1, Integer::sum));
      return counts.toString();
    }
  }

  /**
   * Runs one case against {@code port} for {@code hold}, then waits up to {@code grace} for the
   * server to close what is still open, and closes everything it opened.
   */
  public static Outcome run(Case kind, int port, Duration hold, Duration grace) throws IOException, InterruptedException {
    List<SocketChannel> open = new ArrayList<>();
    List<String> answers = new ArrayList<>();
    String note = "";
    long end = System.nanoTime() + hold.toNanos();
    try {
      switch (kind) {
        case UNFINISHED_2, UNFINISHED_100, UNFINISHED_1000 -> {
          int n = kind == Case.UNFINISHED_2 ? 2 : kind == Case.UNFINISHED_100 ? 100 : 1000;
          for (int i = 0; i < n; i++) {
            SocketChannel ch = connect(port);
            open.add(ch);
            writeSome(ch, ByteBuffer.wrap(PARTIAL));
          }
          sleepUntil(end);
        }
        case SILENT_1000 -> {
          for (int i = 0; i < 1000; i++) {
            open.add(connect(port));
          }
          sleepUntil(end);
        }
        case SLOWLORIS -> {
          SocketChannel ch = connect(port);
          open.add(ch);
          byte[] endless = "GET /v1/healthz/live HTTP/1.1\r\nHost: probe\r\nX-Slow: 0123456789\r\n".getBytes(StandardCharsets.US_ASCII);
          long started = System.nanoTime();
          long trickleEnd = end + grace.toNanos();
          int sent = 0;
          boolean closedWhileTrickling = false;
          while (System.nanoTime() < trickleEnd) {
            if (closed(ch, answers) || !writeSome(ch, ByteBuffer.wrap(endless, sent % endless.length, 1))) {
              closedWhileTrickling = true;
              break;
            }
            sent++;
            Thread.sleep(TRICKLE.toMillis());
          }
          note = (closedWhileTrickling ? "closed while trickling" : "still open after trickling") + ", sent " + sent
              + " bytes in " + (System.nanoTime() - started) / 1_000_000 + " ms";
          // Only a close seen while it still trickled counts: the grace below would let an idle timeout close it.
          if (!closedWhileTrickling) {
            return new Outcome(kind, 1, 0, answers, note);
          }
        }
        case REQUEST_LINE_1MIB, HEADER_1MIB -> {
          SocketChannel ch = connect(port);
          open.add(ch);
          String head = kind == Case.REQUEST_LINE_1MIB ? "GET /v1/healthz/live?" : "GET /v1/healthz/live HTTP/1.1\r\nHost: probe\r\nX-Big: ";
          String tail = kind == Case.REQUEST_LINE_1MIB ? " HTTP/1.1\r\nHost: probe\r\n\r\n" : "\r\n\r\n";
          byte[] big = new byte[MIB];
          java.util.Arrays.fill(big, (byte) 'a');
          ByteBuffer all = ByteBuffer.allocate(head.length() + MIB + tail.length());
          all.put(head.getBytes(StandardCharsets.US_ASCII)).put(big).put(tail.getBytes(StandardCharsets.US_ASCII)).flip();
          while (all.hasRemaining() && System.nanoTime() < end && writeSome(ch, all)) {
            closed(ch, answers);
            Thread.sleep(1);
          }
          note = "wrote " + all.position() + " of " + all.limit() + " bytes";
          sleepUntil(end);
        }
        case RANDOM_BYTES -> {
          Random random = new Random(12);
          int connections = 0;
          while (System.nanoTime() < end) {
            SocketChannel ch = connect(port);
            open.add(ch);
            byte[] junk = new byte[4096];
            random.nextBytes(junk);
            writeSome(ch, ByteBuffer.wrap(junk));
            connections++;
            Thread.sleep(50);
          }
          note = connections + " connections of 4 KiB random bytes";
        }
        case NEVER_READS -> {
          ByteBuffer requests = ByteBuffer.wrap(
              "GET /v1/healthz HTTP/1.1\r\nHost: probe\r\n\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII));
          for (int i = 0; i < 4; i++) {
            open.add(connect(port));
          }
          long written = 0;
          while (System.nanoTime() < end) {
            boolean any = false;
            for (SocketChannel ch : open) {
              if (ch.isOpen()) {
                requests.rewind();
                try {
                  int n = ch.write(requests);
                  written += n;
                  any |= n > 0;
                } catch (IOException e) {
                  ch.close(); // the server closed it
                  answers.add("closed while writing");
                }
              }
            }
            if (!any) {
              Thread.sleep(5);
            }
          }
          note = "wrote " + written / 1024 + " KiB of pipelined requests, read nothing";
        }
        case OPEN_AND_RESET -> {
          int cycles = 0;
          long pause = RESET_PAUSE.toNanos();
          while (System.nanoTime() < end) {
            if (pause > 0) {
              java.util.concurrent.locks.LockSupport.parkNanos(pause);
            }
            SocketChannel ch = connect(port);
            if (cycles % 2 == 0) {
              writeSome(ch, ByteBuffer.wrap(PARTIAL));
            }
            ch.setOption(StandardSocketOptions.SO_LINGER, 0); // close() sends RST
            ch.close();
            cycles++;
          }
          note = cycles + " connections opened and reset";
        }
        default -> throw new IllegalArgumentException(kind.toString());
      }
      int closed = awaitClosed(open, answers, grace);
      return new Outcome(kind, kind == Case.OPEN_AND_RESET ? 0 : open.size(), closed, answers, note);
    } finally {
      for (SocketChannel ch : open) {
        try {
          ch.close();
        } catch (IOException e) {
          // already gone
        }
      }
    }
  }

  private static SocketChannel connect(int port) throws IOException {
    SocketChannel ch = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    ch.configureBlocking(false);
    return ch;
  }

  /** Writes what the socket takes now; false once the server has closed the connection. */
  private static boolean writeSome(SocketChannel ch, ByteBuffer b) {
    try {
      ch.write(b);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Whether the server closed {@code ch}; reads (and records the status line of) anything the
   * server sent first.
   */
  private static boolean closed(SocketChannel ch, List<String> answers) {
    if (!ch.isOpen()) {
      return true;
    }
    ByteBuffer in = ByteBuffer.allocate(8192);
    try {
      int n;
      boolean first = true;
      while ((n = ch.read(in)) > 0) {
        if (first && in.position() >= 12) {
          String start = new String(in.array(), 0, Math.min(in.position(), 40), StandardCharsets.US_ASCII);
          if (start.startsWith("HTTP/1.")) {
            answers.add(start.substring(9, 12));
          }
          first = false;
        }
        in.clear();
      }
      if (n < 0) {
        ch.close();
        return true;
      }
      return false;
    } catch (IOException e) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // gone
      }
      return true;
    }
  }

  private static int awaitClosed(List<SocketChannel> open, List<String> answers, Duration grace) throws InterruptedException {
    long end = System.nanoTime() + grace.toNanos();
    while (true) {
      int closed = 0;
      for (SocketChannel ch : open) {
        if (closed(ch, answers)) {
          closed++;
        }
      }
      if (closed == open.size() || System.nanoTime() >= end) {
        return closed;
      }
      Thread.sleep(50);
    }
  }

  private static void sleepUntil(long end) throws InterruptedException {
    long left = end - System.nanoTime();
    if (left > 0) {
      Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }
  }
}

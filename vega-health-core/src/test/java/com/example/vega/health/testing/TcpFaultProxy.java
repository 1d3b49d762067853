package com.example.vega.health.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy on a loopback port that forwards to a real server and can be told to misbehave:
 * {@link Mode#FREEZE} keeps every connection open and accepts new ones but forwards nothing (a
 * database that accepts and never answers), {@link Mode#SLOW} forwards every chunk after a delay
 * (an overloaded server or a congested link: answers come, late), {@link Mode#REFUSE} closes the
 * listener (connection refused), {@link Mode#FORWARD} is normal. {@link #target(int)} points it at
 * another server (for answers only a stub can give), dropping the connections to the old one.
 */
public final class TcpFaultProxy implements AutoCloseable {
  public enum Mode { FORWARD, SLOW, FREEZE, REFUSE }

  private volatile int targetPort;
  private volatile long delayMillis = 1_000;
  private final int port;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "tcp-fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.FORWARD;
  private volatile ServerSocket server;
  private volatile boolean closed;

  public TcpFaultProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.port = server.getLocalPort();
    acceptLoop(server);
  }

  public int port() {
    return port;
  }

  /** How late {@link Mode#SLOW} forwards each chunk (1 s unless set). */
  public TcpFaultProxy slowBy(java.time.Duration delay) {
    this.delayMillis = delay.toMillis();
    return this;
  }

  /** Forward new connections to {@code newTargetPort}; open connections to the old target are closed. */
  public synchronized void target(int newTargetPort) {
    if (newTargetPort != targetPort) {
      targetPort = newTargetPort;
      closeAll();
    }
  }

  public synchronized void mode(Mode m) throws IOException {
    if (m == mode) {
      return;
    }
    Mode old = mode;
    mode = m;
    if (m == Mode.REFUSE) {
      server.close();
      closeAll();
    } else if (old == Mode.REFUSE) {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
      server = s;
      acceptLoop(s);
    }
    if (m == Mode.FORWARD && old == Mode.FREEZE) {
      closeAll(); // frozen connections are dead to the client anyway; let the pool reconnect
    }
  }

  private void acceptLoop(ServerSocket s) {
    pool.execute(() -> {
      while (!s.isClosed()) {
        try {
          Socket client = s.accept();
          sockets.add(client);
          if (mode == Mode.FREEZE) {
            continue; // accepted, never answered
          }
          Socket upstream;
          try {
            upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
          } catch (IOException e) {
            close(client); // the target is down: the client sees its connection closed
            continue;
          }
          sockets.add(upstream);
          pool.execute(() -> pump(client, upstream));
          pool.execute(() -> pump(upstream, client));
        } catch (IOException e) {
          // listener closed
        }
      }
    });
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[16384];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        while (mode == Mode.FREEZE && !closed && !from.isClosed()) {
          Thread.sleep(20); // hold the bytes: the peer sees silence
        }
        if (mode == Mode.SLOW) {
          Thread.sleep(delayMillis);
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // connection ended
    } finally {
      close(from);
      close(to);
    }
  }

  private void closeAll() {
    for (Socket s : sockets) {
      close(s);
    }
    sockets.clear();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    closeAll();
    pool.shutdownNow();
  }
}

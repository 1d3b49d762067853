package com.example.vega.health.http;

import com.example.vega.health.HealthMonitor;
import com.example.vega.health.VegaSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The probe server: {@code /v1/healthz}, {@code /live} and {@code /ready} on a port and a thread of
 * their own, so the probes answer when the application's request threads are all busy. Used by the
 * agent, by Spring's probe port and by plain-Java services; binds to loopback by default.
 *
 * <p>What it guarantees, whatever the clients do and whatever else runs in the JVM:
 *
 * <ul>
 *   <li>a connection that has not delivered a complete request within {@link Options#requestTimeout()}
 *       (2 s by default) of opening, or of its previous request, is closed: silent, slow and
 *       half-open clients hold nothing for long;
 *   <li>the request line and the headers are bounded (414 and 431 beyond the limits, then closed);
 *   <li>open connections are capped; at the cap a new connection closes the oldest one, which can
 *       only be idle, still sending, not reading its answers, or waiting for
 *       {@code /v1/healthz} detail from the pool below (see docs/benchmarks.md section 8);
 *   <li>{@code TCP_NODELAY} is set on every accepted socket; no JVM-wide property is read or set;
 *   <li>HTTP/1.1 keep-alive and pipelining, {@code HEAD}, 405 with {@code Allow}, 404,
 *       {@code Connection: close} and HTTP/1.0 clients;
 *   <li>{@code /live} and {@code /ready} are answered from {@link HealthEndpoints}' cached bodies on
 *       one named daemon thread ({@code vega-health-http-1}), which runs no code of the user's;
 *   <li>{@code /v1/healthz} runs a {@link DetailAccess} of the user's, and renders detail, on a pool
 *       of two daemon threads ({@code vega-health-detail-1}, {@code -2}) with at most 16 requests
 *       waiting: beyond that it answers 503 with {@code Retry-After: 1}; an answer not ready within
 *       half the request timeout is the top-level status only. The rules {@link DetailAccess}
 *       builds, and detail already rendered, are answered on the first thread;
 *   <li>all three threads start with the server and end with {@link #close()}, which interrupts a
 *       rule still running rather than waiting for it; they never keep the JVM alive.
 * </ul>
 *
 * <p>Built on Netty's HTTP codec and NIO transport (no native library).
 */
public final class HealthServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HealthServer.class.getName());
  /**
   * One thread accepts and serves every connection. Each probe request is answered in the
   * event-loop task that decoded it, so when the connection cap is checked (on that same thread)
   * no connection owes a probe answer: the one evicted owes none, or at most a {@code /v1/healthz}
   * answer still on the detail pool.
   */
  private static final int THREADS = 1;
  private static final String THREAD_NAME = "vega-health-http-";
  /** Detail is for people and dashboards, a request or two at a time; a flood gets 503 at once. */
  static final int DETAIL_THREADS = 2;
  static final int DETAIL_QUEUE = 16;
  private static final String DETAIL_THREAD_NAME = "vega-health-detail-";
  /** Answers are small; a client past this much unread output is not reading them. */
  private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

  private final EventLoopGroup group;
  private final ExecutorService detailPool;
  private final Channel channel;
  private final int port;

  private HealthServer(EventLoopGroup group, ExecutorService detailPool, Channel channel) {
    this.group = group;
    this.detailPool = detailPool;
    this.channel = channel;
    this.port = ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Loopback, the given port, loopback callers see detail, default {@link Options}. */
  public static HealthServer start(HealthMonitor monitor, int port) throws IOException {
    return start(monitor, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), DetailAccess.loopback());
  }

  /**
   * Starts serving with the default {@link Options}.
   *
   * @param address where to listen; port 0 picks a free one
   * @throws IOException when the port cannot be bound (the message names the address)
   */
  public static HealthServer start(HealthMonitor monitor, InetSocketAddress address, DetailAccess access)
      throws IOException {
    return start(monitor, address, access, Options.defaults());
  }

  /**
   * Starts serving.
   *
   * @param address where to listen; port 0 picks a free one
   * @param access who sees every check on {@code /v1/healthz}; a rule that throws means "no"
   * @throws IOException when the port cannot be bound (the message names the address)
   */
  public static HealthServer start(HealthMonitor monitor, InetSocketAddress address, DetailAccess access,
      Options options) throws IOException {
    Objects.requireNonNull(monitor, "monitor");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(options, "options");
    HealthEndpoints endpoints = new HealthEndpoints(monitor);
    ConnectionLimit limit = new ConnectionLimit(options.maxConnections());
    HttpDecoderConfig http = new HttpDecoderConfig()
        .setMaxInitialLineLength(options.maxRequestLineBytes())
        .setMaxHeaderSize(options.maxHeaderBytes());
    long timeoutMillis = options.requestTimeout().toMillis();
    // Half the request timeout: the answer leaves before the read timeout could close the connection.
    Duration detailDeadline = options.requestTimeout().dividedBy(2);
    // Started now, so the server's thread count never changes while it serves.
    ThreadPoolExecutor detailPool = new ThreadPoolExecutor(DETAIL_THREADS, DETAIL_THREADS, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(DETAIL_QUEUE), daemonThreads(DETAIL_THREAD_NAME, Thread::new));
    detailPool.prestartAllCoreThreads();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(THREADS, daemonThreads(THREAD_NAME, FastThreadLocalThread::new),
        NioIoHandler.newFactory());
    ServerBootstrap bootstrap = socketOptions(new ServerBootstrap())
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(limit)
                .addLast(new HttpServerCodec(http))
                // After the codec, a "read" is a decoded request, not a byte: a client trickling a
                // request byte by byte does not reset it.
                .addLast(new ReadTimeoutHandler(timeoutMillis, TimeUnit.MILLISECONDS))
                .addLast(new HttpServerKeepAliveHandler())
                .addLast(new ProbeHandler(endpoints, access, detailPool, detailDeadline));
          }
        });
    ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      detailPool.shutdownNow();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      Throwable e = bound.cause();
      throw new IOException("cannot listen on " + address + " for /v1/healthz: " + e.getMessage(), e);
    }
    HealthServer server = new HealthServer(group, detailPool, bound.channel());
    LOG.log(System.Logger.Level.INFO, "vega-health: serving {0} on {1} (request timeout {2} ms, at most {3} connections)",
        HealthEndpoints.BASE_PATH, bound.channel().localAddress(), String.valueOf(timeoutMillis),
        String.valueOf(options.maxConnections()));
    return server;
  }

  /**
   * What every accepted socket is configured with. TCP_NODELAY is Netty's default too, but set here
   * so that it does not depend on that default (HealthServerOptionsTest pins it).
   */
  static ServerBootstrap socketOptions(ServerBootstrap bootstrap) {
    return bootstrap.childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
  }

  /** Named daemon threads, so a thread dump says whose they are and they never keep the JVM alive. */
  private static ThreadFactory daemonThreads(String prefix, ThreadConstructor constructor) {
    ThreadGroup threadGroup = Thread.currentThread().getThreadGroup();
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = constructor.create(threadGroup, r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private interface ThreadConstructor {
    Thread create(ThreadGroup group, Runnable task, String name);
  }

  public int port() {
    return port;
  }

  /**
   * Stops listening, closes every connection and ends the server's threads. A detail access rule
   * still running is interrupted, not waited for.
   */
  @Override
  public void close() {
    detailPool.shutdownNow();
    channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }

  /**
   * The probe server's limits, validated when built.
   *
   * @param requestTimeout a connection that has not delivered a complete request this long after
   *     opening, or after its previous request, is closed; 100 ms to 60 s, default 2 s
   * @param maxConnections open connections at most; at the cap a new connection closes the oldest;
   *     1 to 65,536, default 256
   * @param maxRequestLineBytes the longest request line accepted (414 beyond); 64 to 65,536, default 4,096
   * @param maxHeaderBytes the most header bytes accepted (431 beyond); 1,024 to 65,536, default 8,192
   */
  public record Options(Duration requestTimeout, int maxConnections, int maxRequestLineBytes, int maxHeaderBytes) {
    static final String REQUEST_TIMEOUT = "VEGA_HEALTH_SERVER_REQUEST_TIMEOUT";
    static final String MAX_CONNECTIONS = "VEGA_HEALTH_SERVER_MAX_CONNECTIONS";
    static final String MAX_REQUEST_LINE = "VEGA_HEALTH_SERVER_MAX_REQUEST_LINE_SIZE";
    static final String MAX_HEADER = "VEGA_HEALTH_SERVER_MAX_HEADER_SIZE";
    private static final Options DEFAULTS = new Options(Duration.ofSeconds(2), 256, 4096, 8192);

    public Options {
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      if (requestTimeout.compareTo(Duration.ofMillis(100)) < 0 || requestTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException("requestTimeout must be from 100ms to 60s, was " + requestTimeout.toMillis() + "ms");
      }
      requireRange("maxConnections", maxConnections, 1, 65_536);
      requireRange("maxRequestLineBytes", maxRequestLineBytes, 64, 65_536);
      requireRange("maxHeaderBytes", maxHeaderBytes, 1024, 65_536);
    }

    private static void requireRange(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ", was " + value);
      }
    }

    /** 2 s, 256 connections, a 4,096-byte request line, 8,192 bytes of headers. */
    public static Options defaults() {
      return DEFAULTS;
    }

    public Options withRequestTimeout(Duration requestTimeout) {
      return new Options(requestTimeout, maxConnections, maxRequestLineBytes, maxHeaderBytes);
    }

    public Options withMaxConnections(int maxConnections) {
      return new Options(requestTimeout, maxConnections, maxRequestLineBytes, maxHeaderBytes);
    }

    public Options withMaxRequestLineBytes(int maxRequestLineBytes) {
      return new Options(requestTimeout, maxConnections, maxRequestLineBytes, maxHeaderBytes);
    }

    public Options withMaxHeaderBytes(int maxHeaderBytes) {
      return new Options(requestTimeout, maxConnections, maxRequestLineBytes, maxHeaderBytes);
    }

    /**
     * From {@code VEGA_HEALTH_SERVER_REQUEST_TIMEOUT} ({@code 2s}, {@code 500ms} or ISO-8601 such as
     * {@code PT2S}), {@code VEGA_HEALTH_SERVER_MAX_CONNECTIONS}, {@code VEGA_HEALTH_SERVER_MAX_REQUEST_LINE_SIZE}
     * and {@code VEGA_HEALTH_SERVER_MAX_HEADER_SIZE} (bytes, or {@code 8KB}): the names Spring's
     * relaxed binding gives {@code vega.health.server.*}. Never throws: a bad value is reported to
     * {@code problems} with what to write instead, and its default is kept.
     */
    public static Options fromSettings(VegaSettings settings, Consumer<String> problems) {
      Options o = DEFAULTS;
      o = read(settings, REQUEST_TIMEOUT, o, Options::parseDuration, Options::withRequestTimeout,
          "a duration from 100ms to 60s such as 2s or 500ms", problems);
      o = read(settings, MAX_CONNECTIONS, o, Options::parseInt, Options::withMaxConnections,
          "a number from 1 to 65536", problems);
      o = read(settings, MAX_REQUEST_LINE, o, Options::parseBytes, Options::withMaxRequestLineBytes,
          "a size from 64 to 65536 bytes such as 4096 or 4KB", problems);
      o = read(settings, MAX_HEADER, o, Options::parseBytes, Options::withMaxHeaderBytes,
          "a size from 1024 to 65536 bytes such as 8192 or 8KB", problems);
      return o;
    }

    /** One setting: unset keeps {@code current}; malformed or out of range is reported and keeps it too. */
    private static <T> Options read(VegaSettings settings, String key, Options current,
        Function<String, @Nullable T> parse, BiFunction<Options, T, Options> with, String expected,
        Consumer<String> problems) {
      String value = settings.value(key);
      if (value == null) {
        return current;
      }
      try {
        T parsed = parse.apply(value);
        if (parsed != null) {
          return with.apply(current, parsed);
        }
      } catch (IllegalArgumentException e) {
        // out of range: reported below like a malformed value
      }
      problems.accept(key + "=" + VegaSettings.shown(value) + " is not valid: use " + expected
          + " (keeping the default)");
      return current;
    }

    private static @Nullable Duration parseDuration(String v) {
      String s = v.toLowerCase(Locale.ROOT);
      try {
        if (s.startsWith("pt")) {
          return Duration.parse(s);
        }
        if (s.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        if (s.endsWith("s")) {
          return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
        }
      } catch (NumberFormatException | DateTimeParseException e) {
        return null;
      }
      return null;
    }

    private static @Nullable Integer parseBytes(String v) {
      String s = v.toUpperCase(Locale.ROOT);
      if (s.endsWith("KB")) {
        Integer k = parseInt(s.substring(0, s.length() - 2));
        return k == null || k > 1024 * 1024 ? null : k * 1024;
      }
      return parseInt(s.endsWith("B") ? s.substring(0, s.length() - 1) : s);
    }

    private static @Nullable Integer parseInt(String v) {
      if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      return Integer.parseInt(v);
    }
  }
}

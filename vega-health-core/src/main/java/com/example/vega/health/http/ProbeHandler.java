package com.example.vega.health.http;

import static com.example.vega.health.http.ProbeResponses.empty;
import static com.example.vega.health.http.ProbeResponses.hasBody;
import static com.example.vega.health.http.ProbeResponses.http;
import static com.example.vega.health.http.ProbeResponses.keepAlive;
import static com.example.vega.health.http.ProbeResponses.path;
import static com.example.vega.health.http.ProbeResponses.rejection;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One probe connection's requests, after Netty's codec: routes to {@link HealthEndpoints}' cached
 * answers and writes them; the flush waits for the end of the read, so pipelined requests leave
 * in one write. Request bodies are never read: a request with one is answered and closed.
 *
 * <p>{@code /live}, {@code /ready}, refusals and {@code /v1/healthz} answers that need neither a
 * rule of the user's nor rendering are answered here, on the event loop. The rest of
 * {@code /v1/healthz} goes to the server's bounded detail pool (full: 503 with {@code Retry-After});
 * an answer not back within the detail deadline is the top-level status only, as for a rule that
 * throws. Netty's other way, adding the handler with an {@code EventExecutorGroup}, would move
 * {@code /live} off the event loop too. Answers leave in request order: those pipelined behind an
 * owed one wait in {@link #owed}, at most {@link #MAX_OWED}, beyond which the connection is closed.
 */
final class ProbeHandler extends SimpleChannelInboundHandler<HttpObject> {
  /** Answers a connection may be owed at once; an honest client sends one request at a time. */
  static final int MAX_OWED = 32;
  private static final System.Logger LOG = System.getLogger(HealthServer.class.getName());
  private static final AtomicBoolean ACCESS_FAILURE_LOGGED = new AtomicBoolean();
  private static final AtomicBoolean LATE_LOGGED = new AtomicBoolean();
  private static final AtomicBoolean RENDER_FAILURE_LOGGED = new AtomicBoolean();
  private static final AsciiString ALLOWED = AsciiString.cached("GET, HEAD");
  private static final AsciiString NO_STORE = AsciiString.cached("no-store");
  private static final AsciiString RETRY_SECONDS = AsciiString.cached("1");

  private final HealthEndpoints endpoints;
  private final DetailAccess access;
  private final boolean accessInline;
  private final ExecutorService detailPool;
  private final long detailDeadlineNanos;
  /** Answers not yet written, in request order, the first still being prepared; event loop only. */
  private final ArrayDeque<Owed> owed = new ArrayDeque<>();
  private boolean inactive;

  /** One answer in the queue; its fields are touched on the event loop only. */
  private static final class Owed {
    @Nullable FullHttpResponse response;
    @Nullable Future<?> work;
    @Nullable ScheduledFuture<?> deadline;
  }

  /**
   * @param detailPool bounded: {@code submit} throws {@link RejectedExecutionException} when full
   * @param detailDeadline how long a {@code /v1/healthz} answer may take on the pool
   */
  ProbeHandler(HealthEndpoints endpoints, DetailAccess access, ExecutorService detailPool, Duration detailDeadline) {
    this.endpoints = endpoints;
    this.access = access;
    this.accessInline = access instanceof BuiltInAccess;
    this.detailPool = detailPool;
    this.detailDeadlineNanos = detailDeadline.toNanos();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
    if (!(msg instanceof HttpRequest request)) {
      return; // a body's content: never read, the connection closes after the answer
    }
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      send(ctx, empty(rejection(decoded.cause()), true));
      return;
    }
    if (!ctx.channel().isWritable() || owed.size() >= MAX_OWED) {
      // Its answers pile up unread, or it pipelines far ahead of one it is owed; a client that
      // reads its answers and waits for them never gets here.
      ctx.close();
      return;
    }
    answer(ctx, request);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    // Stop reading a client that does not read: its requests wait, and the request timeout ends it.
    ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    // Nobody is left to answer: stop the work (interrupting a rule still running) and drop it.
    inactive = true;
    for (Owed o : owed) {
      if (o.work != null) {
        o.work.cancel(true);
      }
      if (o.deadline != null) {
        o.deadline.cancel(false);
      }
      if (o.response != null) {
        o.response.release();
      }
    }
    owed.clear();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets, timeouts and garbage are the clients' business, not the service's log.
    ctx.close();
  }

  /** Writes now, or after the answers still owed before it. */
  private void send(ChannelHandlerContext ctx, FullHttpResponse response) {
    if (owed.isEmpty()) {
      ctx.write(response);
    } else {
      Owed o = new Owed();
      o.response = response;
      owed.add(o);
    }
  }

  private void answer(ChannelHandlerContext ctx, HttpRequest request) {
    boolean close = hasBody(request);
    String path = path(request.uri());
    boolean detailPath = false;
    switch (path) {
      case "/v1/healthz", "/v1/healthz/" -> detailPath = true;
      case "/v1/healthz/live", "/v1/healthz/ready" -> { }
      default -> {
        send(ctx, keepAlive(empty(HttpResponseStatus.NOT_FOUND, close), request));
        return;
      }
    }
    HttpMethod method = request.method();
    boolean head = HttpMethod.HEAD.equals(method);
    if (!head && !HttpMethod.GET.equals(method)) {
      FullHttpResponse refused = empty(HttpResponseStatus.METHOD_NOT_ALLOWED, close);
      refused.headers().set(HttpHeaderNames.ALLOW, ALLOWED);
      send(ctx, keepAlive(refused, request));
      return;
    }
    if (!detailPath) {
      send(ctx, http(path.endsWith("/live") ? endpoints.live() : endpoints.ready(), request, head, close, false));
      return;
    }
    HttpHeaders headers = request.headers();
    String accept = headers.get(HttpHeaderNames.ACCEPT);
    InetAddress remote = remote(ctx);
    if (accessInline || remote == null) {
      boolean allowed = remote != null && allowed(access, remote, headers);
      HealthEndpoints.Response ready = allowed ? endpoints.renderedDetail(accept) : endpoints.healthz(false, accept);
      if (ready != null) {
        send(ctx, http(ready, request, head, close, true));
        return;
      }
    }
    // A rule of the user's, or a body to render: on the detail pool, answered in its turn.
    Owed slot = new Owed();
    owed.add(slot);
    try {
      slot.work = detailPool.submit(() -> {
        HealthEndpoints.Response r = prepare(remote, headers, accept);
        try {
          ctx.executor().execute(() -> complete(ctx, slot, http(r, request, head, close, true)));
        } catch (RejectedExecutionException e) {
          // the server is closing: nobody to answer
        }
      });
    } catch (RejectedExecutionException e) {
      FullHttpResponse busy = empty(HttpResponseStatus.SERVICE_UNAVAILABLE, close);
      busy.headers().set(HttpHeaderNames.RETRY_AFTER, RETRY_SECONDS).set(HttpHeaderNames.CACHE_CONTROL, NO_STORE);
      complete(ctx, slot, keepAlive(busy, request));
      return;
    }
    slot.deadline = ctx.executor().schedule(() -> {
      if (slot.response != null) {
        return;
      }
      if (slot.work != null) {
        slot.work.cancel(true); // a rule still running is interrupted; its answer would be dropped anyway
      }
      if (LATE_LOGGED.compareAndSet(false, true)) {
        LOG.log(System.Logger.Level.WARNING, "vega-health: /v1/healthz detail (the access rule or the rendering) took"
            + " longer than " + TimeUnit.NANOSECONDS.toMillis(detailDeadlineNanos) + " ms; answered with the"
            + " top-level status only (logged once)");
      }
      complete(ctx, slot, http(endpoints.healthz(false, accept), request, head, close, true));
    }, detailDeadlineNanos, TimeUnit.NANOSECONDS);
  }

  /** On the detail pool: the rule (unless it already said yes on the event loop), then the body. */
  private HealthEndpoints.Response prepare(@Nullable InetAddress remote, HttpHeaders headers, @Nullable String accept) {
    boolean allowed = accessInline || (remote != null && allowed(access, remote, headers));
    try {
      return endpoints.healthz(allowed, accept);
    } catch (RuntimeException e) {
      if (RENDER_FAILURE_LOGGED.compareAndSet(false, true)) {
        LOG.log(System.Logger.Level.WARNING, "vega-health: rendering /v1/healthz threw " + e.getClass().getName()
            + "; answered with the top-level status only (logged once)");
      }
      return endpoints.healthz(false, accept);
    }
  }

  /** On the event loop: the first of answer and deadline fills the slot; then what is ready leaves. */
  private void complete(ChannelHandlerContext ctx, Owed slot, FullHttpResponse response) {
    if (inactive || slot.response != null) {
      response.release();
      return;
    }
    slot.response = response;
    if (slot.deadline != null) {
      slot.deadline.cancel(false);
    }
    boolean wrote = false;
    while (!owed.isEmpty() && owed.peekFirst().response != null) {
      ctx.write(owed.pollFirst().response);
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
  }

  private static @Nullable InetAddress remote(ChannelHandlerContext ctx) {
    SocketAddress remote = ctx.channel().remoteAddress();
    return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }

  /** Fail closed: a rule that throws shows the top-level status only, and the endpoint answers. */
  private static boolean allowed(DetailAccess access, InetAddress address, HttpHeaders headers) {
    try {
      // Repeated headers joined: a proxy may append its X-Forwarded-For as a second line.
      return access.allows(address, name -> {
        List<String> all = headers.getAll(name);
        return all.isEmpty() ? null : String.join(", ", all);
      });
    } catch (RuntimeException e) {
      if (ACCESS_FAILURE_LOGGED.compareAndSet(false, true)) {
        LOG.log(System.Logger.Level.WARNING, "vega-health: the detail access rule threw "
            + e.getClass().getName() + "; /v1/healthz shows the top-level status only while it does"
            + " (logged once)");
      }
      return false;
    }
  }
}

package com.example.vega.health.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * Caps the probe server's open connections. At the cap a new connection closes the oldest open
 * one rather than being refused: a refused probe is a failed health check, while the oldest
 * connection is the one that has lingered longest without being answered and closed. Every probe
 * request is answered in the event-loop task that decoded it, on the thread that also runs this
 * handler, so the oldest connection never has a probe request waiting for its answer: it is idle
 * between keep-alive requests, still sending one, not reading what it was sent, or waiting (at
 * most half the request timeout) for {@code /v1/healthz} detail from the server's pool. An honest
 * probe sends its request as soon as it connects and is answered within microseconds, so it
 * cannot be the oldest unless the cap is smaller than the number of probes in flight.
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
  private final int max;
  /** In the order they opened; only touched on the server's one event-loop thread. */
  private final LinkedHashSet<Channel> open = new LinkedHashSet<>();

  ConnectionLimit(int max) {
    this.max = max;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (open.size() >= max) {
      Iterator<Channel> oldest = open.iterator();
      Channel evicted = oldest.next();
      oldest.remove();
      evicted.close();
    }
    open.add(ctx.channel());
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    open.remove(ctx.channel());
    super.channelInactive(ctx);
  }
}

package com.example.vega.health.spring;

import com.example.vega.health.HealthMonitor;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.HealthServer;
import java.io.IOException;
import com.example.vega.health.internal.IpLiteral;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.unit.DataSize;

/**
 * Starts the monitor and the probe server with the context and stops them with it.
 *
 * <p>Its phase is below the web server's, so the checks are already running when the application
 * starts taking requests, and the probe port still answers while the web server drains on
 * shutdown.
 */
final class VegaHealthLifecycle implements SmartLifecycle {
  /** Spring Boot's web server starts at DEFAULT_PHASE - 2048; start before it, stop after it. */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final HealthMonitor monitor;
  private final int port;
  private final String address;
  private final DetailAccess access;
  private final HealthServer.Options options;
  private volatile @Nullable HealthServer server;
  private volatile boolean running;

  VegaHealthLifecycle(HealthMonitor monitor, VegaHealthProperties.Server props, DetailAccess access) {
    this.monitor = monitor;
    this.port = props.getPort();
    this.address = props.getAddress();
    this.access = access;
    if (port < -1 || port > 65535) {
      throw new InvalidConfigurationPropertyValueException("vega.health.server.port", port,
          "the probe port must be 0 to 65535, or -1 to turn the probe server off");
    }
    this.options = options(props);
  }

  /** The probe server's limits; a value out of range stops startup naming its key. */
  private static HealthServer.Options options(VegaHealthProperties.Server props) {
    HealthServer.Options o = HealthServer.Options.defaults();
    o = option(o, "vega.health.server.request-timeout", props.getRequestTimeout(), HealthServer.Options::withRequestTimeout);
    o = option(o, "vega.health.server.max-connections", props.getMaxConnections(), HealthServer.Options::withMaxConnections);
    o = option(o, "vega.health.server.max-request-line-size", props.getMaxRequestLineSize(),
        (base, size) -> base.withMaxRequestLineBytes(bytes(size)));
    return option(o, "vega.health.server.max-header-size", props.getMaxHeaderSize(),
        (base, size) -> base.withMaxHeaderBytes(bytes(size)));
  }

  private static <T> HealthServer.Options option(HealthServer.Options base, String key, @Nullable T value,
      BiFunction<HealthServer.Options, T, HealthServer.Options> with) {
    if (value == null) {
      throw new InvalidConfigurationPropertyValueException(key, null, "must be set");
    }
    try {
      return with.apply(base, value);
    } catch (IllegalArgumentException e) {
      String reason = value instanceof Duration
          ? e.getMessage() + "; " + CheckTuning.BARE_SECONDS : e.getMessage();
      throw new InvalidConfigurationPropertyValueException(key, value, reason);
    }
  }

  /** Out-of-int sizes become a value the options refuse, naming the key. */
  private static int bytes(DataSize size) {
    return (int) Math.max(-1, Math.min(Integer.MAX_VALUE, size.toBytes()));
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    monitor.start();
    if (port >= 0) {
      // A literal address only: a host name here would hide a DNS lookup in startup.
      InetAddress bind = IpLiteral.parse(address);
      if (bind == null) {
        throw new InvalidConfigurationPropertyValueException("vega.health.server.address", address,
            "the probe server's bind address must be an IP address such as 0.0.0.0 or 127.0.0.1");
      }
      try {
        server = HealthServer.start(monitor, new InetSocketAddress(bind, port), access, options);
      } catch (IOException e) {
        throw new IllegalStateException("vega.health.server.port=" + port + ": " + e.getMessage()
            + " (set vega.health.server.port to a free port, or -1 to turn the probe server off)", e);
      }
    }
    running = true;
  }

  @Override
  public synchronized void stop() {
    HealthServer s = server;
    server = null;
    if (s != null) {
      s.close();
    }
    monitor.close();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** The probe server's port, or -1 when it is not running. */
  int probePort() {
    HealthServer s = server;
    return s == null ? -1 : s.port();
  }
}

package com.example.vega.health.trace;

import io.opentelemetry.api.trace.SpanBuilder;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link ClientSpans} call goes, as its span records it: {@code server.address} and
 * {@code server.port}, and {@code peer.service} from the configured mapping or the logical name.
 */
final class SpanPeers {
  private final Map<String, String> peerServices;
  private final @Nullable URI awsEndpoint;

  SpanPeers(Map<String, String> peerServices, @Nullable URI awsEndpoint) {
    this.peerServices = Map.copyOf(peerServices);
    this.awsEndpoint = awsEndpoint;
  }

  /**
   * The {@code peer.service} this instance records for a call to {@code host}:{@code port}: a
   * mapping set on the builder, else {@code fallback} (the logical name: {@code postgresql},
   * {@code s3}, {@code sqs}, {@code ecs}, {@code secretsmanager}), else none.
   */
  @Nullable String peerService(@Nullable String host, int port, @Nullable String fallback) {
    if (host != null) {
      String h = host.toLowerCase(Locale.ROOT);
      String name = peerServices.get(h + ":" + port);
      if (name == null) {
        name = peerServices.get(h);
      }
      if (name != null) {
        return name;
      }
    }
    return fallback;
  }

  void peer(SpanBuilder b, @Nullable String host, int port, @Nullable String fallback) {
    String name = peerService(host, port, fallback);
    if (name != null) {
      b.setAttribute(Incubating.PEER_SERVICE, name);
    }
  }

  /**
   * {@code server.address}/{@code server.port} of an AWS call ({@code {service}.{region}.amazonaws.com:443}
   * unless an endpoint is set) and {@code peer.service}, the service's lower-case name
   * ({@code s3}, {@code ecs}, {@code secretsmanager}, {@code sqs}) unless mapped.
   */
  void awsEndpoint(SpanBuilder b, String service, String region) {
    String id = service.toLowerCase(Locale.ROOT);
    String host;
    int port;
    if (awsEndpoint != null && awsEndpoint.getHost() != null) {
      host = awsEndpoint.getHost();
      port = awsEndpoint.getPort() >= 0 ? awsEndpoint.getPort()
          : "http".equalsIgnoreCase(awsEndpoint.getScheme()) ? 80 : 443;
    } else {
      host = id + "." + region + ".amazonaws.com";
      port = 443;
    }
    ClientSpans.server(b, host, port);
    peer(b, host, port, id);
  }

  static String safeUrl(URI uri) {
    StringBuilder sb = new StringBuilder();
    if (uri.getScheme() != null) {
      sb.append(uri.getScheme()).append("://");
    }
    if (uri.getHost() != null) {
      sb.append(uri.getHost());
    }
    if (uri.getPort() >= 0) {
      sb.append(':').append(uri.getPort());
    }
    if (uri.getRawPath() != null) {
      sb.append(uri.getRawPath());
    }
    return sb.toString();
  }
}

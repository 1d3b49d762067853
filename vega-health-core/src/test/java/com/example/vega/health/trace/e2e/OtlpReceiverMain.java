package com.example.vega.health.trace.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.ObjectMapper;

/**
 * A minimal OTLP/HTTP trace receiver, run as its own JVM so that every service's exporter really
 * ships spans out of process. It decodes {@code ExportTraceServiceRequest} protobuf (the few
 * fields a structural check needs, straight from the wire format) and appends one JSON line per
 * span to a file.
 *
 * <p>Usage: {@code OtlpReceiverMain <port-file> <spans.jsonl>}; the chosen port is written to
 * the port file once listening.
 */
public final class OtlpReceiverMain {
  private static final String[] KINDS = {"UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};
  private static final ObjectMapper JSON = new ObjectMapper();

  private OtlpReceiverMain() {}

  public static void main(String[] args) throws IOException {
    Path portFile = Path.of(args[0]);
    Path out = Path.of(args[1]);
    Files.write(out, new byte[0]);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    Object lock = new Object();
    server.createContext("/", exchange -> {
      try {
        byte[] body = body(exchange);
        if (exchange.getRequestURI().getPath().endsWith("/v1/traces")) {
          List<Map<String, Object>> spans;
          try {
            spans = decode(body);
          } catch (RuntimeException e) {
            Files.write(out.resolveSibling("undecodable-" + System.nanoTime() + ".bin"), body);
            throw e;
          }
          StringBuilder lines = new StringBuilder();
          for (Map<String, Object> s : spans) {
            lines.append(JSON.writeValueAsString(s)).append('\n');
          }
          synchronized (lock) {
            try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
              w.write(lines.toString());
            }
          }
        }
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        // An empty ExportTraceServiceResponse: full success.
        exchange.sendResponseHeaders(200, -1);
      } catch (RuntimeException e) {
        e.printStackTrace();
        exchange.sendResponseHeaders(400, -1);
      } finally {
        exchange.close();
      }
    });
    server.start();
    Path tmp = Files.createTempFile(portFile.getParent(), "port", ".tmp");
    Files.writeString(tmp, Integer.toString(server.getAddress().getPort()));
    Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    byte[] raw = exchange.getRequestBody().readAllBytes();
    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
        return in.readAllBytes();
      }
    }
    return raw;
  }

  /** ExportTraceServiceRequest -> one map per span, with its resource's service.name. */
  static List<Map<String, Object>> decode(byte[] request) {
    List<Map<String, Object>> spans = new ArrayList<>();
    Wire req = new Wire(request);
    while (req.more()) {
      int tag = req.tag();
      if (tag >>> 3 != 1) { // resource_spans
        req.skip(tag);
        continue;
      }
      Wire rs = req.message();
      Map<String, Object> resource = new LinkedHashMap<>();
      List<Wire> scopeSpans = new ArrayList<>();
      while (rs.more()) {
        int t = rs.tag();
        if (t >>> 3 == 1) {
          Wire res = rs.message();
          while (res.more()) {
            int rt = res.tag();
            if (rt >>> 3 == 1) {
              keyValue(res.message(), resource);
            } else {
              res.skip(rt);
            }
          }
        } else if (t >>> 3 == 2) {
          scopeSpans.add(rs.message());
        } else {
          rs.skip(t);
        }
      }
      for (Wire ss : scopeSpans) {
        while (ss.more()) {
          int t = ss.tag();
          if (t >>> 3 == 2) {
            Map<String, Object> span = span(ss.message());
            span.put("service", resource.get("service.name"));
            spans.add(span);
          } else {
            ss.skip(t);
          }
        }
      }
    }
    return spans;
  }

  private static Map<String, Object> span(Wire w) {
    Map<String, Object> s = new LinkedHashMap<>();
    Map<String, Object> attributes = new LinkedHashMap<>();
    List<Map<String, Object>> links = new ArrayList<>();
    s.put("parentSpanId", "");
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 1 -> s.put("traceId", HexFormat.of().formatHex(w.bytes()));
        case 2 -> s.put("spanId", HexFormat.of().formatHex(w.bytes()));
        case 4 -> s.put("parentSpanId", HexFormat.of().formatHex(w.bytes()));
        case 5 -> s.put("name", w.string());
        case 6 -> s.put("kind", KINDS[(int) w.varint()]);
        case 9 -> keyValue(w.message(), attributes);
        case 13 -> {
          Wire l = w.message();
          Map<String, Object> link = new LinkedHashMap<>();
          while (l.more()) {
            int lt = l.tag();
            if (lt >>> 3 == 1) {
              link.put("traceId", HexFormat.of().formatHex(l.bytes()));
            } else if (lt >>> 3 == 2) {
              link.put("spanId", HexFormat.of().formatHex(l.bytes()));
            } else {
              l.skip(lt);
            }
          }
          links.add(link);
        }
        default -> w.skip(tag);
      }
    }
    s.put("attributes", attributes);
    s.put("links", links);
    return s;
  }

  /** KeyValue{1: key, 2: AnyValue{1 string, 2 bool, 3 int, 4 double}} into {@code into}. */
  private static void keyValue(Wire kv, Map<String, Object> into) {
    String key = null;
    Object value = null;
    while (kv.more()) {
      int tag = kv.tag();
      if (tag >>> 3 == 1) {
        key = kv.string();
      } else if (tag >>> 3 == 2) {
        Wire any = kv.message();
        while (any.more()) {
          int at = any.tag();
          switch (at >>> 3) {
            case 1 -> value = any.string();
            case 2 -> value = any.varint() != 0;
            case 3 -> value = any.varint();
            case 4 -> value = Double.longBitsToDouble(any.fixed64());
            default -> any.skip(at);
          }
        }
      } else {
        kv.skip(tag);
      }
    }
    if (key != null) {
      into.put(key, value);
    }
  }

  /** The protobuf wire format, enough to walk messages. */
  static final class Wire {
    private final byte[] buf;
    private int pos;
    private final int limit;

    Wire(byte[] buf) {
      this(buf, 0, buf.length);
    }

    private Wire(byte[] buf, int pos, int limit) {
      this.buf = buf;
      this.pos = pos;
      this.limit = limit;
    }

    boolean more() {
      return pos < limit;
    }

    int tag() {
      return (int) varint();
    }

    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = buf[pos++];
        result |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw new IllegalArgumentException("malformed varint");
    }

    long fixed64() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v |= (buf[pos++] & 0xffL) << (8 * i);
      }
      return v;
    }

    byte[] bytes() {
      int len = (int) varint();
      byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + len);
      pos += len;
      return b;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    Wire message() {
      int len = (int) varint();
      Wire w = new Wire(buf, pos, pos + len);
      pos += len;
      return w;
    }

    void skip(int tag) {
      switch (tag & 7) {
        case 0 -> varint();
        case 1 -> pos += 8;
        case 2 -> {
          int len = (int) varint(); // not "pos += varint()": that adds to the pos read before the varint
          pos += len;
        }
        case 5 -> pos += 4;
        default -> throw new IllegalArgumentException("unsupported wire type " + (tag & 7));
      }
    }
  }
}

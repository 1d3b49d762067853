package com.example.vega.health.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.x by hand over a plain socket, so tests see exactly what the server sends: the status
 * line, every header and where the connection ends. No client library in between.
 */
final class RawHttp {
  private RawHttp() {}

  /** One parsed response; header names lower-cased. */
  record Response(String statusLine, int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  static Socket connect(int port, int readTimeoutMillis) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
    s.setSoTimeout(readTimeoutMillis);
    return s;
  }

  static String get(String path, String... headers) {
    return request("GET", path, headers);
  }

  static String request(String method, String path, String... headers) {
    StringBuilder b = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  static void send(Socket s, String raw) throws IOException {
    s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  /** Reads one response; {@code head} when it answers a HEAD request (no body follows). */
  static Response read(InputStream in, boolean head) throws IOException {
    String statusLine = line(in);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(in); !l.isEmpty(); l = line(in)) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    byte[] body = new byte[0];
    String length = headers.get("content-length");
    if (!head && length != null) {
      body = in.readNBytes(Integer.parseInt(length));
      if (body.length < Integer.parseInt(length)) {
        throw new EOFException("body cut short after " + body.length + " of " + length + " bytes");
      }
    }
    return new Response(statusLine, status, headers, body);
  }

  /** Sends one request on a fresh connection and reads the answer. */
  static Response exchange(int port, String raw) throws IOException {
    try (Socket s = connect(port, 5_000)) {
      send(s, raw);
      return read(s.getInputStream(), raw.startsWith("HEAD "));
    }
  }

  /** Whether the server has closed its end: end of stream or a reset within the read timeout. */
  static boolean closedByServer(Socket s) throws IOException {
    try {
      InputStream in = s.getInputStream();
      while (true) {
        int b = in.read();
        if (b < 0) {
          return true;
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new EOFException("connection closed mid-response after '" + b + "'");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }
}

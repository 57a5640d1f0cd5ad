package org.smtpcr.examples.james;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw-socket SMTP client for transcript tests: replies come back byte for byte, CRLFs included,
 * so multi-line formatting can be asserted exactly. Every read times out after 10 s.
 */
final class SmtpClient implements AutoCloseable {
  private static final int MAX_LINE = 4096;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  SmtpClient(int port) throws IOException {
    this(port, InetAddress.getLoopbackAddress());
  }

  /** A client of 127.0.0.1 from another local address, such as 127.0.0.2. */
  SmtpClient(int port, InetAddress from) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port, from, 0);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Connects and reads the greeting, then says EHLO. */
  static SmtpClient connect(int port, String ehlo) throws IOException {
    return connect(port, InetAddress.getLoopbackAddress(), ehlo);
  }

  /** {@link #connect(int, String)} from another local address. */
  static SmtpClient connect(int port, InetAddress from, String ehlo) throws IOException {
    SmtpClient c = new SmtpClient(port, from);
    try {
      String greeting = c.readReply();
      if (!greeting.startsWith("220 ")) {
        throw new IOException("unexpected greeting " + greeting);
      }
      String hello = c.command("EHLO " + ehlo);
      if (!hello.startsWith("250")) {
        throw new IOException("EHLO refused: " + hello);
      }
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Reads one complete reply: lines {@code ddd-...} up to the line {@code ddd ...}. */
  String readReply() throws IOException {
    StringBuilder reply = new StringBuilder();
    while (true) {
      String line = readLine();
      reply.append(line);
      if (line.length() < 4 || line.charAt(3) == ' ') {
        return reply.toString();
      }
    }
  }

  String command(String line) throws IOException {
    send(line);
    return readReply();
  }

  void send(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Sends DATA, the message lines (dot-stuffed here) and the final dot; returns the last reply. */
  String data(String... lines) throws IOException {
    String go = command("DATA");
    if (!go.startsWith("354")) {
      return go;
    }
    for (String l : lines) {
      send(l.startsWith(".") ? "." + l : l);
    }
    return command(".");
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int prev = -1;
    while (buf.size() < MAX_LINE) {
      int b = in.read();
      if (b < 0) {
        throw new IOException(
            "connection closed after: " + buf.toString(StandardCharsets.US_ASCII));
      }
      buf.write(b);
      if (prev == '\r' && b == '\n') {
        return buf.toString(StandardCharsets.US_ASCII);
      }
      prev = b;
    }
    throw new IOException("reply line longer than " + MAX_LINE + " bytes");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

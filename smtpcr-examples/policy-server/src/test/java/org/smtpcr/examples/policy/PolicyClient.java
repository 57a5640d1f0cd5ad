package org.smtpcr.examples.policy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** A raw policy-protocol client on one persistent connection, as an smtpd process is. */
final class PolicyClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  PolicyClient(int port) throws IOException {
    this(port, Duration.ofSeconds(20));
  }

  PolicyClient(int port, Duration readTimeout) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setTcpNoDelay(true);
    socket.setSoTimeout((int) readTimeout.toMillis());
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Sends one request and returns the value of its {@code action=} reply. */
  String ask(Map<String, String> attributes) throws IOException {
    send(Fixtures.wire(attributes).getBytes(StandardCharsets.UTF_8));
    return readReply()
        .orElseThrow(() -> new IOException("the server closed the connection without a reply"));
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * Reads one reply: the {@code action=} line and the empty line. Empty when the server closed the
   * connection before a whole reply.
   */
  Optional<String> readReply() throws IOException {
    String first = readLine();
    if (first == null) {
      return Optional.empty();
    }
    String blank = readLine();
    if (blank == null) {
      return Optional.empty();
    }
    if (!first.startsWith("action=") || !blank.isEmpty()) {
      throw new IOException("not a policy reply: " + first + " / " + blank);
    }
    return Optional.of(first.substring("action=".length()));
  }

  /**
   * Waits (up to the read timeout) for the server to close the connection and returns whatever it
   * sent before; a reset counts as closed.
   */
  byte[] readUntilClosed() throws IOException {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        seen.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new IOException("the server did not close the connection within the read timeout", e);
    } catch (IOException e) {
      // connection reset by the server: closed
    }
    return seen.toByteArray();
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) >= 0; ) {
      if (b == '\n') {
        return line.toString(StandardCharsets.US_ASCII);
      }
      line.write(b);
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

package org.smtpcr.examples.smtp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** A raw SMTP client for transcript tests: {@code send} a line, {@code expect} a reply code. */
final class SmtpSession implements AutoCloseable {
  /** One reply: its code, its wire lines (without CRLF) and the exact bytes read. */
  record Reply(int code, List<String> lines, String raw) {
    /** The text of the last line, after {@code NNN } . */
    String lastText() {
      return lines.get(lines.size() - 1).substring(4);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  SmtpSession(int port) throws IOException {
    this(port, InetAddress.getLoopbackAddress());
  }

  /** A session to 127.0.0.1 from another local address, such as 127.0.0.2. */
  SmtpSession(int port, InetAddress from) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port, from, 0);
    socket.setSoTimeout(20_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Sends {@code line} and CRLF. */
  SmtpSession send(String line) throws IOException {
    out.write((line + "\r\n").getBytes(ISO_8859_1));
    out.flush();
    return this;
  }

  /** Sends raw bytes as they are. */
  SmtpSession sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Reads one reply and checks its code. */
  Reply expect(int code) throws IOException {
    Reply r = read();
    assertEquals(code, r.code(), () -> "unexpected reply: " + r.raw());
    return r;
  }

  /** Sends {@code line} and reads the reply, checking its code. */
  Reply command(String line, int code) throws IOException {
    send(line);
    return expect(code);
  }

  /** Reads one (possibly multi-line) reply. */
  Reply read() throws IOException {
    List<String> lines = new ArrayList<>();
    StringBuilder raw = new StringBuilder();
    while (true) {
      String line = readLine();
      raw.append(line).append("\r\n");
      assertTrue(line.length() >= 3, () -> "short reply line: " + line);
      lines.add(line);
      if (line.length() == 3 || line.charAt(3) == ' ') {
        return new Reply(
            Integer.parseInt(line.substring(0, 3)), List.copyOf(lines), raw.toString());
      }
      assertEquals('-', line.charAt(3), () -> "bad continuation: " + line);
    }
  }

  /** EHLO and the greeting before it. */
  SmtpSession hello() throws IOException {
    expect(220);
    command("EHLO client.example", 250);
    return this;
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int prev = -1;
    while (true) {
      int c = in.read();
      if (c == -1) {
        throw new IOException("connection closed after: " + b.toString(ISO_8859_1));
      }
      if (prev == '\r' && c == '\n') {
        byte[] a = b.toByteArray();
        return new String(a, 0, a.length - 1, ISO_8859_1);
      }
      assertTrue(c != '\n', "bare LF in a reply");
      b.write(c);
      prev = c;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

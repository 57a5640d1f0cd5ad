package org.smtpcr.examples.policy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A plain SMTP client that shows every reply line exactly as the server sent it. */
public final class SmtpClient implements AutoCloseable {
  /**
   * One reply: its code and its lines, each without CRLF, as sent (code and separator included).
   */
  public record Reply(int code, List<String> lines) {
    public String last() {
      return lines.get(lines.size() - 1);
    }

    @Override
    public String toString() {
      return String.join("\\r\\n", lines);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public SmtpClient(int port) throws IOException {
    this(port, InetAddress.getLoopbackAddress());
  }

  /** A client of 127.0.0.1 from another local address, such as 127.0.0.2. */
  SmtpClient(int port, InetAddress from) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port, from, 0);
    socket.setSoTimeout(60_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
    Reply greeting = read();
    if (greeting.code() != 220) {
      throw new IOException("no greeting: " + greeting);
    }
    Reply ehlo = command("EHLO client.sender.example");
    if (ehlo.code() != 250) {
      throw new IOException("EHLO refused: " + ehlo);
    }
  }

  public Reply command(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return read();
  }

  /** AUTH PLAIN as {@code user} with the password {@link DovecotAuth} accepts. */
  Reply auth(String user) throws IOException {
    return command("AUTH PLAIN " + DovecotAuth.plain(user));
  }

  /** MAIL, one RCPT; the RCPT reply. */
  public Reply rcpt(String sender, String recipient) throws IOException {
    Reply mail = command("MAIL FROM:<" + sender + ">");
    if (mail.code() != 250) {
      throw new IOException("MAIL refused: " + mail);
    }
    return command("RCPT TO:<" + recipient + ">");
  }

  /** DATA with a short message; the reply to the final dot. */
  public Reply data(String from, String to, String subject) throws IOException {
    Reply go = command("DATA");
    if (go.code() != 354) {
      throw new IOException("DATA refused: " + go);
    }
    String message =
        "From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: " + subject + "\r\n\r\nHello.\r\n.";
    return command(message);
  }

  Reply read() throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = readLine();
      if (line.length() < 4 || !line.substring(0, 3).chars().allMatch(Character::isDigit)) {
        throw new IOException("not an SMTP reply line: " + line);
      }
      lines.add(line);
      if (line.charAt(3) == ' ') {
        return new Reply(Integer.parseInt(line.substring(0, 3)), lines);
      }
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int prev = -1;
    for (int c; (c = in.read()) >= 0; prev = c) {
      if (c == '\n' && prev == '\r') {
        byte[] bytes = b.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      b.write(c);
    }
    throw new IOException("connection closed");
  }

  @Override
  public void close() throws IOException {
    try {
      command("QUIT");
    } catch (IOException e) {
      // closing anyway
    }
    socket.close();
  }
}

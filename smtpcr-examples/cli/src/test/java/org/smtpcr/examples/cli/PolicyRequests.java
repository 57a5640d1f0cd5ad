package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Postfix policy requests, as the tests of the policy-server command send them. */
final class PolicyRequests {
  private PolicyRequests() {}

  /**
   * A RCPT request from {@code 192.0.2.7} ({@code mail.sender.example}), with a few attributes the
   * server must ignore.
   */
  static String rcpt(String sender, String recipient) {
    return "request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=192.0.2.7\n"
        + "helo_name=mail.sender.example\nsender="
        + sender
        + "\nrecipient="
        + recipient
        + "\n"
        + "instance=1a2.6b0b0369.b2517.0\nsasl_username=\nencryption_protocol=\nunknown_attribute=x\n\n";
  }

  /**
   * {@link #rcpt(String, String)} on a fresh connection; the value of the {@code action=} reply.
   */
  static String action(int port, String sender, String recipient) throws IOException {
    return action(port, rcpt(sender, recipient));
  }

  /** One request on a fresh connection; the value of the {@code action=} reply. */
  static String action(int port, String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      return action(s, request);
    }
  }

  /**
   * One request on an open connection, which stays open for the next (as Postfix keeps its policy
   * connections); the value of the {@code action=} reply.
   */
  static String action(Socket s, String request) throws IOException {
    {
      s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      byte[] b = reply.toByteArray();
      while (b.length < 2 || b[b.length - 1] != '\n' || b[b.length - 2] != '\n') {
        int c = in.read();
        if (c < 0) {
          throw new IOException("closed without a whole reply: " + reply);
        }
        reply.write(c);
        b = reply.toByteArray();
      }
      String text = reply.toString(StandardCharsets.US_ASCII);
      assertTrue(text.startsWith("action="), text);
      return text.lines().findFirst().orElse("").substring("action=".length()).strip();
    }
  }
}

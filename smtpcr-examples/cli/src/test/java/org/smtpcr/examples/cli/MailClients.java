package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Real SMTP clients for the end-to-end tests: Jakarta Mail (Angus) and swaks. */
final class MailClients {
  static final Path SWAKS = Path.of("/usr/bin/swaks");

  private MailClients() {}

  /** A message with CRLF line ends, as it travels. */
  static byte[] message(String from, String to, String subject, String body) {
    return ("From: <"
            + from
            + ">\r\nTo: <"
            + to
            + ">\r\nSubject: "
            + subject
            + "\r\nMessage-ID: <"
            + System.nanoTime()
            + "@client.example>\r\n\r\n"
            + body
            + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Sends {@code raw} as it is (no header is added: {@code sendMessage}, not {@code
   * Transport.send}) with envelope {@code from} and {@code to}.
   */
  static void jakartaSend(int port, String from, String to, byte[] raw) throws MessagingException {
    Properties p = new Properties();
    p.put("mail.smtp.host", "127.0.0.1");
    p.put("mail.smtp.port", Integer.toString(port));
    p.put("mail.smtp.localhost", "client.example");
    p.put("mail.smtp.from", from);
    p.put("mail.smtp.connectiontimeout", "10000");
    p.put("mail.smtp.timeout", "60000");
    Session session = Session.getInstance(p);
    MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(raw));
    try (Transport t = session.getTransport("smtp")) {
      t.connect();
      t.sendMessage(m, new Address[] {new InternetAddress(to)});
    }
  }

  /** What swaks printed and its exit code. */
  record SwaksRun(int exitCode, String output) {
    /** The lines of the server's replies ({@code <-} and {@code <**}), without the marker. */
    List<String> replies() {
      List<String> r = new ArrayList<>();
      for (String l : output.lines().toList()) {
        if (l.startsWith("<-  ") || l.startsWith("<** ")) {
          r.add(l.substring(4));
        }
      }
      return r;
    }
  }

  /**
   * Runs swaks against 127.0.0.1:port, or fails (smtpcr.it.required=true) / skips when it is
   * missing.
   */
  static SwaksRun swaks(int port, String... args) throws IOException, InterruptedException {
    if (!Files.isExecutable(SWAKS)) {
      String why = "swaks is not installed (Debian: apt-get install swaks)";
      if (Boolean.getBoolean("smtpcr.it.required")) {
        throw new AssertionError(why + "; required because smtpcr.it.required=true");
      }
      Assumptions.abort(why);
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                SWAKS.toString(),
                "--server",
                "127.0.0.1:" + port,
                "--helo",
                "client.example",
                "--timeout",
                "60"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "swaks did not end");
    return new SwaksRun(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}

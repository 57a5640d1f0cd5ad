package org.smtpcr.examples.policy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A minimal Dovecot authentication server (the protocol Postfix's {@code smtpd_sasl_type = dovecot}
 * speaks, version 1.2) on a loopback port, for tests: it offers PLAIN and accepts any user whose
 * password is {@value #PASSWORD}. One thread per connection; {@link #close()} ends them.
 */
final class DovecotAuth implements AutoCloseable {
  static final String PASSWORD = "secret";

  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  DovecotAuth() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "dovecot-auth-test");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** The SASL PLAIN initial response for {@code user} with the accepted password. */
  static String plain(String user) {
    return Base64.getEncoder()
        .encodeToString(("\0" + user + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "dovecot-auth-test-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      OutputStream out = s.getOutputStream();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      send(
          out,
          """
          VERSION\t1\t2
          MECH\tPLAIN\tplaintext
          SPID\t1
          CUID\t1
          COOKIE\t0123456789abcdef0123456789abcdef
          DONE
          """);
      for (String line; (line = in.readLine()) != null; ) {
        String[] f = line.split("\t", -1);
        if (f[0].equals("AUTH") && f.length >= 3) {
          String id = f[1];
          String resp = null;
          for (String arg : f) {
            if (arg.startsWith("resp=")) {
              resp = arg.substring(5);
            }
          }
          if (resp == null) {
            send(out, "CONT\t" + id + "\t\n");
            String cont = in.readLine();
            if (cont == null) {
              return;
            }
            String[] c = cont.split("\t", -1);
            resp = c.length >= 3 ? c[2] : "";
          }
          send(out, answer(id, resp));
        }
      }
    } catch (IOException e) {
      // the peer went away
    } finally {
      open.remove(s);
    }
  }

  private static String answer(String id, String resp) {
    String[] parts;
    try {
      parts = new String(Base64.getDecoder().decode(resp), StandardCharsets.UTF_8).split("\0", -1);
    } catch (IllegalArgumentException e) {
      return "FAIL\t" + id + "\treason=bad base64\n";
    }
    if (parts.length == 3 && parts[2].equals(PASSWORD) && !parts[1].isEmpty()) {
      return "OK\t" + id + "\tuser=" + parts[1] + "\n";
    }
    return "FAIL\t" + id + "\treason=wrong password\n";
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      try {
        s.close();
      } catch (SocketException e) {
        // closing anyway
      }
    }
    try {
      acceptor.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

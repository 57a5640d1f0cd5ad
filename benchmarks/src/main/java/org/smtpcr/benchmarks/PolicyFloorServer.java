package org.smtpcr.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The floor of the policy benchmark: a server that does as little as a policy server can. One
 * thread per connection, blocking I/O, and for every request (up to its empty line) the answer
 * {@code action=DUNNO}, without parsing a thing. What it reaches at a given connection count is
 * what the machine's loopback, its scheduler and the load generator allow any server: no real
 * policy server can be faster.
 *
 * <pre>
 * java -cp benchmarks.jar org.smtpcr.benchmarks.PolicyFloorServer --port-file FILE [--max-seconds 900]
 * </pre>
 */
public final class PolicyFloorServer {
  private static final byte[] ANSWER = "action=DUNNO\n\n".getBytes(StandardCharsets.US_ASCII);

  private PolicyFloorServer() {}

  /** Runs the server on 127.0.0.1 until killed or {@code --max-seconds}; exits 2 on a usage error. */
  public static void main(String[] args) throws Exception {
    Map<String, String> o = PolicyLoad.options(args);
    String portFile = o.get("port-file");
    if (portFile == null) {
      System.err.println("PolicyFloorServer: --port-file is required");
      System.exit(2);
    }
    long maxSeconds = Long.parseLong(o.getOrDefault("max-seconds", "900"));
    ServerSocket server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> accept(server), "floor-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    Path tmp = Path.of(portFile + ".tmp");
    Files.writeString(tmp, Integer.toString(server.getLocalPort()), StandardCharsets.US_ASCII);
    Files.move(tmp, Path.of(portFile), StandardCopyOption.ATOMIC_MOVE);
    System.out.println("floor server on 127.0.0.1:" + server.getLocalPort());
    Thread.sleep(maxSeconds * 1000);
    System.err.println("PolicyFloorServer: stopping after --max-seconds " + maxSeconds);
    System.exit(0);
  }

  private static void accept(ServerSocket server) {
    while (true) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> serve(s), "floor-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Answers each request once its empty line (two line feeds in a row) has arrived. */
  static void serve(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] buf = new byte[16 * 1024];
      boolean lastWasLineFeed = false;
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          boolean lineFeed = buf[i] == '\n';
          if (lineFeed && lastWasLineFeed) {
            out.write(ANSWER);
            lineFeed = false;
          }
          lastWasLineFeed = lineFeed;
        }
      }
    } catch (IOException e) {
      // the generator closed the connection
    }
  }
}

package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class PolicyFloorServerTest {
  @Test
  void serve_answersOncePerRequest_evenWhenSplitOrSentAhead() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try {
          PolicyFloorServer.serve(server.accept());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      t.start();
      try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
        OutputStream out = c.getOutputStream();
        InputStream in = c.getInputStream();
        byte[] request = PolicyMix.request(PolicyMix.knownPool().get(0), "s1");
        byte[] two = new byte[2 * request.length];
        System.arraycopy(request, 0, two, 0, request.length);
        System.arraycopy(request, 0, two, request.length, request.length);
        out.write(two); // two requests sent ahead in one write
        out.write(request, 0, request.length - 1); // a third, its empty line split off
        out.flush();
        String expected = "action=DUNNO\n\naction=DUNNO\n\n";
        assertEquals(expected, new String(in.readNBytes(expected.length()), StandardCharsets.US_ASCII));
        out.write(request, request.length - 1, 1);
        out.flush();
        assertEquals("action=DUNNO\n\n", new String(in.readNBytes(14), StandardCharsets.US_ASCII));
      }
      t.join(10_000);
    }
  }
}

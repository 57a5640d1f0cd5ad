package org.smtpcr.auth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A UDP port on 127.0.0.1 where a socket is bound but nothing ever answers: every DNS query sent
 * there times out. For tests of DNS time-outs; {@link #close()} releases the port.
 */
public final class SilentDnsServer implements AutoCloseable {
  private final DatagramSocket socket;

  private SilentDnsServer(DatagramSocket socket) {
    this.socket = socket;
  }

  /** Binds a free port. */
  public static SilentDnsServer start() {
    try {
      return new SilentDnsServer(
          new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The address queries time out on. */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
  }

  @Override
  public void close() {
    socket.close();
  }
}

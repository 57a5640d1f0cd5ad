package org.smtpcr.examples.smtp;

import static com.google.common.base.Preconditions.checkArgument;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * Caps the sessions open at once from one client: an IPv4 address, or an IPv6 /64 (one host's usual
 * share, so that a client cannot dodge the cap by hopping addresses within it). A session over the
 * cap is answered {@code 421 4.7.0} and closed before the greeting.
 *
 * <p>SubEthaSMTP calls {@link #accept} before the greeting and {@link #onSessionEnd} when an
 * accepted session ends. Should an end go unreported (the client vanished while the greeting was
 * written), the socket is closed by then, and closed sockets are dropped from the count on the next
 * {@link #accept} from that client; so the count never leaks. The map holds only clients with open
 * sessions, at most as many as the server's total cap.
 *
 * <p>Thread-safe.
 */
final class ClientConnectionLimit implements SessionHandler {
  static final String REPLY_TEXT =
      "4.7.0 Too many connections from your address, please try again later";

  private static final Logger log = LoggerFactory.getLogger(ClientConnectionLimit.class);

  private final int perClient;
  private final Map<InetAddress, List<Socket>> open = new HashMap<>();

  ClientConnectionLimit(int perClient) {
    checkArgument(perClient > 0, "perClient must be positive, got %s", perClient);
    this.perClient = perClient;
  }

  @Override
  public SessionAcceptance accept(Session session) {
    Socket socket = session.getSocket();
    InetAddress client = clientOf(socket.getInetAddress());
    synchronized (this) {
      List<Socket> sockets = open.computeIfAbsent(client, c -> new ArrayList<>());
      sockets.removeIf(Socket::isClosed);
      if (sockets.size() >= perClient) {
        // the address only at DEBUG (style: addresses only at DEBUG)
        log.debug("connection refused: {} sessions open from {}", sockets.size(), client);
        return SessionAcceptance.failure(421, REPLY_TEXT);
      }
      sockets.add(socket);
      return SessionAcceptance.success();
    }
  }

  @Override
  public void onSessionEnd(Session session) {
    Socket socket = session.getSocket();
    InetAddress client = clientOf(socket.getInetAddress());
    synchronized (this) {
      List<Socket> sockets = open.get(client);
      if (sockets == null) {
        return;
      }
      sockets.removeIf(s -> s == socket || s.isClosed());
      if (sockets.isEmpty()) {
        open.remove(client);
      }
    }
  }

  /** Sessions counted now for the client of {@code address}; for tests. */
  synchronized int openFrom(InetAddress address) {
    List<Socket> sockets = open.get(clientOf(address));
    return sockets == null ? 0 : (int) sockets.stream().filter(s -> !s.isClosed()).count();
  }

  /** The address, or for IPv6 its /64. */
  static InetAddress clientOf(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] b = address.getAddress();
    for (int i = 8; i < b.length; i++) {
      b[i] = 0;
    }
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 16-byte address is always valid", e);
    }
  }
}

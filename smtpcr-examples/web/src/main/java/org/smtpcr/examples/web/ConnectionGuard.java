package org.smtpcr.examples.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the connections of one connector against slow and greedy clients: at most {@code
 * perClient} open connections per client (IPv4 address or IPv6 /64; trusted proxies are exempt,
 * they carry many clients), and a deadline for each request head: a connection must deliver a
 * complete head within {@code headerTimeout} of being opened or of its previous response, or it is
 * closed. The idle timeout alone would let a client that sends a byte now and then hold a
 * connection for hours.
 *
 * <p>Memory is bounded by the open connections. Thread-safe.
 */
final class ConnectionGuard implements Connection.Listener {
  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

  private final int perClient;
  private final long headerTimeoutMillis;
  private final Predicate<InetAddress> exempt;
  private final Scheduler scheduler;
  private final Map<Connection, State> states = new ConcurrentHashMap<>();
  private final Map<InetAddress, Integer> perClientCounts = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();

  ConnectionGuard(
      int perClient, Duration headerTimeout, Predicate<InetAddress> exempt, Scheduler scheduler) {
    this.perClient = perClient;
    this.headerTimeoutMillis = headerTimeout.toMillis();
    this.exempt = exempt;
    this.scheduler = scheduler;
  }

  @Override
  public void onOpened(Connection connection) {
    State s = new State();
    states.put(connection, s);
    InetAddress peer = peer(connection.getEndPoint().getRemoteSocketAddress());
    if (peer != null && !exempt.test(peer)) {
      InetAddress key = clientKey(peer);
      int n = perClientCounts.merge(key, 1, Integer::sum);
      s.client = key;
      if (n > perClient) {
        refused.incrementAndGet();
        log.debug("connection refused: client has {} open connections", n - 1);
        connection.getEndPoint().close();
        return;
      }
    }
    arm(connection, s);
  }

  @Override
  public void onClosed(Connection connection) {
    State s = states.remove(connection);
    if (s == null) {
      return;
    }
    s.cancel();
    if (s.client != null) {
      perClientCounts.computeIfPresent(s.client, (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  /** A request head arrived on {@code connection}: its deadline is met. */
  void requestBegun(Connection connection) {
    State s = states.get(connection);
    if (s != null) {
      s.cancel();
    }
  }

  /** The response on {@code connection} is done: the next head has its own deadline. */
  void requestEnded(Connection connection) {
    State s = states.get(connection);
    if (s != null) {
      arm(connection, s);
    }
  }

  long refusedConnections() {
    return refused.get();
  }

  long timedOutConnections() {
    return timedOut.get();
  }

  int openConnectionsOf(InetAddress client) {
    return perClientCounts.getOrDefault(clientKey(client), 0);
  }

  private void arm(Connection connection, State s) {
    Scheduler.Task task =
        scheduler.schedule(
            () -> {
              timedOut.incrementAndGet();
              log.debug("connection closed: no complete request head in time");
              connection.getEndPoint().close();
            },
            headerTimeoutMillis,
            TimeUnit.MILLISECONDS);
    Scheduler.Task old = s.swap(task);
    if (old != null) {
      old.cancel();
    }
  }

  private static InetAddress peer(SocketAddress a) {
    return a instanceof InetSocketAddress i && !i.isUnresolved() ? i.getAddress() : null;
  }

  /** IPv4 address, or the /64 of an IPv6 address. */
  static InetAddress clientKey(InetAddress a) {
    if (!(a instanceof Inet6Address)) {
      return a;
    }
    byte[] b = Arrays.copyOf(Arrays.copyOf(a.getAddress(), 8), 16);
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 16 bytes are always an address
    }
  }

  private static final class State {
    volatile InetAddress client;
    private Scheduler.Task task;

    synchronized Scheduler.Task swap(Scheduler.Task next) {
      Scheduler.Task old = task;
      task = next;
      return old;
    }

    void cancel() {
      Scheduler.Task t = swap(null);
      if (t != null) {
        t.cancel();
      }
    }
  }
}

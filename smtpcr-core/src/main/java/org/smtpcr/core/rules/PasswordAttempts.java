package org.smtpcr.core.rules;

import com.google.common.net.InetAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed recipient-password attempts per client, in fixed windows of an hour, in memory. A client
 * is an IPv4 address or an IPv6 /64. At most {@link #MAX_CLIENTS} clients are tracked; when the
 * table is full and no window has ended, a new client is treated as over the cap (its passwords are
 * not checked, it is challenged as usual), so that spreading guesses over many addresses cannot
 * flush the counts of others. Time comes from the engine's clock. Thread-safe.
 */
final class PasswordAttempts {
  static final Duration WINDOW = Duration.ofHours(1);
  static final int MAX_CLIENTS = 10_000;

  private static final Logger log = LoggerFactory.getLogger(PasswordAttempts.class);

  private static final class Window {
    final Instant start;
    int failures;
    boolean warned;

    Window(Instant start) {
      this.start = start;
    }
  }

  private final int perHour;
  private final int maxClients;
  private final Map<InetAddress, Window> windows = new HashMap<>();
  private boolean fullWarned;

  PasswordAttempts(int perHour, int maxClients) {
    this.perHour = perHour;
    this.maxClients = maxClients;
  }

  /**
   * How many more failed attempts {@code client} may make now: 0 when it is over the cap (the first
   * time in a window, logged at WARN), or when the table is full and the client has no window.
   */
  synchronized int remaining(InetAddress client, Instant now) {
    InetAddress c = clientOf(client);
    Window w = current(c, now);
    if (w == null) {
      if (hasRoom(now)) {
        return perHour;
      }
      if (!fullWarned) {
        fullWarned = true;
        log.warn(
            "recipient passwords: {} clients made failed attempts within the hour; passwords from"
                + " further clients are not checked until some of those windows end",
            maxClients);
      }
      return 0;
    }
    int left = perHour - w.failures;
    if (left <= 0 && !w.warned) {
      w.warned = true;
      log.warn(
          "recipient passwords: client {} made {} failed attempts within the hour; its passwords"
              + " are not checked until {}",
          InetAddresses.toAddrString(c),
          w.failures,
          w.start.plus(WINDOW));
    }
    return Math.max(0, left);
  }

  /** Records {@code count} failed attempts of {@code client}. */
  synchronized void failed(InetAddress client, Instant now, int count) {
    if (count <= 0) {
      return;
    }
    InetAddress c = clientOf(client);
    Window w = current(c, now);
    if (w == null) {
      if (!hasRoom(now)) {
        return; // remaining() answers 0 for this client until there is room
      }
      w = new Window(now);
      windows.put(c, w);
    }
    w.failures = (int) Math.min((long) w.failures + count, Integer.MAX_VALUE);
  }

  /** Clients tracked now; for tests. */
  synchronized int clients() {
    return windows.size();
  }

  /** The client's window, or null when it has none or its window ended (then dropped). */
  private Window current(InetAddress client, Instant now) {
    Window w = windows.get(client);
    if (w != null && !now.isBefore(w.start.plus(WINDOW))) {
      windows.remove(client);
      return null;
    }
    return w;
  }

  private boolean hasRoom(Instant now) {
    if (windows.size() >= maxClients) {
      purge(now);
    }
    return windows.size() < maxClients;
  }

  private void purge(Instant now) {
    for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
      if (!now.isBefore(it.next().start.plus(WINDOW))) {
        it.remove();
      }
    }
    if (windows.size() < maxClients) {
      fullWarned = false;
    }
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

  @Override
  public String toString() {
    return "PasswordAttempts[" + perHour + " failed per client per hour]";
  }
}

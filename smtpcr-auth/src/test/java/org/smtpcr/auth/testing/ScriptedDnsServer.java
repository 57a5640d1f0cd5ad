package org.smtpcr.auth.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * A tiny DNS server on 127.0.0.1 (UDP and TCP, the same port) whose answers a test computes from
 * each query, for answers a real server refuses to serve: CNAME loops, oversized or malformed
 * records, server failures. Built on dnsjava's {@link Message}; a handler that returns null sends
 * nothing. UDP answers longer than 512 bytes are sent truncated, so the client asks again over TCP.
 */
public final class ScriptedDnsServer implements AutoCloseable {
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Function<Message, Message> handler;
  private final AtomicInteger queries = new AtomicInteger();

  private ScriptedDnsServer(
      DatagramSocket udp, ServerSocket tcp, Function<Message, Message> handler) {
    this.udp = udp;
    this.tcp = tcp;
    this.handler = handler;
  }

  /** Starts a server answering with {@code handler}. */
  public static ScriptedDnsServer start(Function<Message, Message> handler) {
    try {
      InetAddress lo = InetAddress.getLoopbackAddress();
      IOException last = null;
      for (int i = 0; i < 10; i++) {
        int port = Dnsmasq.freePort();
        try {
          DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, port));
          ServerSocket tcp;
          try {
            tcp = new ServerSocket(port, 16, lo);
          } catch (IOException e) {
            udp.close();
            throw e;
          }
          ScriptedDnsServer s = new ScriptedDnsServer(udp, tcp, handler);
          s.run();
          return s;
        } catch (IOException e) {
          last = e;
        }
      }
      throw new UncheckedIOException(last);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An empty answer to {@code query} with this rcode, authoritative. */
  public static Message answer(Message query, int rcode) {
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    if (query.getHeader().getFlag(Flags.RD)) {
      m.getHeader().setFlag(Flags.RD);
    }
    m.getHeader().setRcode(rcode);
    m.addRecord(query.getQuestion(), org.xbill.DNS.Section.QUESTION);
    return m;
  }

  /** {@link #answer} with NOERROR. */
  public static Message answer(Message query) {
    return answer(query, Rcode.NOERROR);
  }

  /** Where the server listens. */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
  }

  /** How many queries arrived (UDP and TCP). */
  public int queries() {
    return queries.get();
  }

  private void run() {
    Thread u = new Thread(this::serveUdp, "scripted-dns-udp");
    u.setDaemon(true);
    u.start();
    Thread t = new Thread(this::serveTcp, "scripted-dns-tcp");
    t.setDaemon(true);
    t.start();
  }

  private void serveUdp() {
    byte[] buf = new byte[65535];
    while (!udp.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        Message reply = reply(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        if (reply == null) {
          continue;
        }
        byte[] out = reply.toWire();
        if (out.length > 512) {
          Message tc = answer(new Message(java.util.Arrays.copyOf(p.getData(), p.getLength())));
          tc.getHeader().setFlag(Flags.TC);
          out = tc.toWire();
        }
        udp.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
      } catch (SocketException e) {
        return; // closed
      } catch (IOException | RuntimeException e) {
        // a query we cannot parse: no answer
      }
    }
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      try (Socket s = tcp.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        int len = in.readUnsignedShort();
        byte[] q = new byte[len];
        in.readFully(q);
        Message reply = reply(q);
        if (reply != null) {
          byte[] w = reply.toWire(65535);
          out.writeShort(w.length);
          out.write(w);
          out.flush();
        }
      } catch (SocketException e) {
        if (tcp.isClosed()) {
          return;
        }
      } catch (IOException | RuntimeException e) {
        // next connection
      }
    }
  }

  private Message reply(byte[] wire) throws IOException {
    queries.incrementAndGet();
    return handler.apply(new Message(wire));
  }

  @Override
  public void close() {
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      // closing
    }
  }
}

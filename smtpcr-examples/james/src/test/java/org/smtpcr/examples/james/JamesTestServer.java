package org.smtpcr.examples.james;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.smtp.SMTPConfigurationImpl;
import org.apache.james.protocols.smtp.SMTPProtocol;
import org.apache.james.protocols.smtp.SMTPProtocolHandlerChain;

/**
 * James's SMTP stack (protocols-smtp and protocols-netty 3.8.1) on 127.0.0.1 and a random port,
 * with the handlers in James server's order: the configured ones (from smtpserver.xml) first, then
 * the core ones: a relay check ({@link RelayGuard}, for {@code example.org}), protocols-smtp's
 * default handlers (among them {@code PostmasterAbuseRcptHook} and the DATA handler) and, last, a
 * message hook that answers 250 and keeps the message ({@link CapturingMessageHook}).
 */
final class JamesTestServer implements AutoCloseable {
  static final String HELLO_NAME = "mx.example.org";
  static final String LOCAL_DOMAIN = "example.org";

  /** Deterministic hello name; relaying is allowed for nobody. */
  private static final class Config extends SMTPConfigurationImpl {
    @Override
    public String getHelloName() {
      return HELLO_NAME;
    }
  }

  /** The chain in James server's order. */
  private static final class JamesOrderChain extends SMTPProtocolHandlerChain {
    JamesOrderChain(
        MetricFactory metrics,
        List<ProtocolHandler> configured,
        ProtocolHandler relayGuard,
        ProtocolHandler last) {
      super(metrics, false);
      addAll(configured);
      add(relayGuard);
      addAll(initDefaultHandlers());
      add(last);
    }
  }

  private final SMTPProtocolHandlerChain chain;
  private final OwnedExecutorNettyServer server;
  private final int port;
  private final RelayGuard relayGuard;
  private final CapturingMessageHook delivery;

  private JamesTestServer(
      SMTPProtocolHandlerChain chain,
      OwnedExecutorNettyServer server,
      int port,
      RelayGuard relayGuard,
      CapturingMessageHook delivery) {
    this.chain = chain;
    this.server = server;
    this.port = port;
    this.relayGuard = relayGuard;
    this.delivery = delivery;
  }

  /** Starts a server with the handlers of a {@code <handlerchain>} element. */
  static JamesTestServer start(String handlerchain) throws Exception {
    return start(HandlerChainXml.load(handlerchain));
  }

  static JamesTestServer start(List<ProtocolHandler> configured) throws Exception {
    RelayGuard relayGuard = new RelayGuard(Set.of(LOCAL_DOMAIN));
    CapturingMessageHook delivery = new CapturingMessageHook();
    SMTPProtocolHandlerChain chain =
        new JamesOrderChain(new NoopMetricFactory(), configured, relayGuard, delivery);
    chain.wireExtensibleHandlers();
    OwnedExecutorNettyServer server =
        new OwnedExecutorNettyServer(new SMTPProtocol(chain, new Config()));
    server.setListenAddresses(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    server.setIoWorkerCount(1);
    server.setBossWorkerCount(Optional.empty());
    server.setTimeout(30);
    server.setGracefulShutdown(true); // unbind() waits until the event loops have terminated
    try {
      server.bind();
    } catch (Exception e) {
      chain.destroy();
      throw e;
    }
    return new JamesTestServer(
        chain, server, server.getListenAddresses().get(0).getPort(), relayGuard, delivery);
  }

  int port() {
    return port;
  }

  RelayGuard relayGuard() {
    return relayGuard;
  }

  CapturingMessageHook delivery() {
    return delivery;
  }

  /**
   * Unbinds, waits for netty's event loops to end, then destroys the handlers (closing the store).
   */
  @Override
  public void close() {
    try {
      server.unbind();
    } finally {
      chain.destroy();
    }
  }
}

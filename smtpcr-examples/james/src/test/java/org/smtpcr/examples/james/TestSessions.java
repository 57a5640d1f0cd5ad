package org.smtpcr.examples.james;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPConfigurationImpl;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.SMTPSessionImpl;

/**
 * protocols-smtp's own session class on a transport that goes nowhere, for calling hooks directly.
 */
final class TestSessions {
  private TestSessions() {}

  /** A session from {@code client}, after {@code EHLO helo} and {@code MAIL FROM:<sender>}. */
  static SMTPSession afterMail(
      String client, boolean relayingAllowed, String helo, MaybeSender sender) throws Exception {
    SMTPConfigurationImpl config =
        new SMTPConfigurationImpl() {
          @Override
          public boolean isRelayingAllowed(String remoteIp) {
            return relayingAllowed;
          }
        };
    SMTPSession session = new SMTPSessionImpl(new Transport(InetAddress.getByName(client)), config);
    session.setAttachment(SMTPSession.CURRENT_HELO_NAME, helo, State.Connection);
    session.setAttachment(SMTPSession.SENDER, sender, State.Transaction);
    return session;
  }

  static MaybeSender sender(String address) throws Exception {
    return MaybeSender.of(new MailAddress(address));
  }

  /** Records nothing; answers the questions a session asks of its transport. */
  private static final class Transport implements ProtocolTransport {
    private final InetSocketAddress remote;

    Transport(InetAddress client) {
      this.remote = new InetSocketAddress(client, 40025);
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
      return remote;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), 25);
    }

    @Override
    public String getId() {
      return "test-session-1";
    }

    @Override
    public boolean isTLSStarted() {
      return false;
    }

    @Override
    public boolean isStartTLSSupported() {
      return false;
    }

    @Override
    public Optional<SSLSession> getSSLSession() {
      return Optional.empty();
    }

    @Override
    public boolean isProxyRequired() {
      return false;
    }

    @Override
    public void writeResponse(Response response, ProtocolSession session) {
      throw new UnsupportedOperationException("hooks do not write");
    }

    @Override
    public void popLineHandler() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void pushLineHandler(
        LineHandler<? extends ProtocolSession> handler, ProtocolSession session) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void setReadable(boolean readable) {}

    @Override
    public boolean isReadable() {
      return true;
    }
  }

  static List<String> lines(Response response) {
    return response.getLines().stream().map(CharSequence::toString).toList();
  }
}

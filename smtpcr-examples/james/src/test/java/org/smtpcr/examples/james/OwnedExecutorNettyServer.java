package org.smtpcr.examples.james;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.apache.james.protocols.api.Protocol;
import org.apache.james.protocols.netty.AbstractAsyncServer;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.AbstractSSLAwareChannelPipelineFactory;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.protocols.netty.LineDelimiterBasedChannelHandlerFactory;
import org.apache.james.protocols.netty.ProtocolMDCContextFactory;
import org.apache.james.util.concurrent.NamedThreadFactory;

/**
 * protocols-netty 3.8.1's {@code NettyServer} pipeline (no TLS, no PROXY, no connection limits),
 * except that it owns the executor of its line framer and shuts it down in {@link #unbind()}:
 * {@code NettyServer} creates a {@code DefaultEventLoopGroup(16)} that it never shuts down, so its
 * threads outlive the server. ({@code NettyServer}'s constructor is private.)
 */
final class OwnedExecutorNettyServer extends AbstractAsyncServer {
  static final String NAME = "smtpcr-test-smtp";

  private final Protocol protocol;
  private final DefaultEventLoopGroup framerGroup =
      new DefaultEventLoopGroup(1, NamedThreadFactory.withName(NAME + "-framer"));

  OwnedExecutorNettyServer(Protocol protocol) {
    this.protocol = protocol;
    this.jmxName = NAME; // threads smtpcr-test-smtp-io-N
  }

  @Override
  protected ChannelInitializer<SocketChannel> createPipelineFactory() {
    return new AbstractSSLAwareChannelPipelineFactory<SocketChannel>(
        getTimeout(),
        0,
        0,
        false,
        () -> null,
        new LineDelimiterBasedChannelHandlerFactory(AbstractChannelPipelineFactory.MAX_LINE_LENGTH),
        framerGroup) {
      @Override
      protected ChannelInboundHandlerAdapter createHandler() {
        return new BasicChannelInboundHandler(
            new ProtocolMDCContextFactory.Standard(), protocol, null, false);
      }
    };
  }

  @Override
  public synchronized void unbind() {
    super.unbind();
    framerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}

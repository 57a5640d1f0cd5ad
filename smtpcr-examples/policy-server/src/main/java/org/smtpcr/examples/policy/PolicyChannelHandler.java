package org.smtpcr.examples.policy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.examples.runtime.CachingWhitelistStore;

/**
 * One policy connection: lines (from a bounded line decoder) become requests, each decided on the
 * worker pool (or, without one, on the event loop), one at a time and in order; the reply {@code
 * action=...} and an empty line go back on the event loop. Postfix sends one request at a time and
 * reads each answer. A client that sends ahead can make the connection hold at most {@link
 * PolicyServer#MAX_REQUEST_BYTES} of queued requests besides the one being read, and one that does
 * not read its answers at most that many bytes of them (the channel's write-buffer high-water
 * mark); beyond either it is disconnected. A request that breaks a bound or the syntax closes the
 * connection without a reply, logged once. Not shareable: one instance per channel; its state is
 * touched only on the channel's event loop (the decider's session is handed to one worker at a
 * time).
 */
final class PolicyChannelHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(PolicyChannelHandler.class);

  private final PolicyDecider decider;
  private final Executor workers;
  private final ProtocolWarnings warnings;
  private final boolean memoryFirst;
  private final RequestAssembler assembler = new RequestAssembler();
  private final PolicyDecider.Session session = new PolicyDecider.Session();
  private final ArrayDeque<RequestAssembler.Step.Complete> queued = new ArrayDeque<>();
  private int queuedBytes;
  private boolean busy;
  private boolean closing;

  /** {@code workers} null: decide on the event loop. */
  PolicyChannelHandler(PolicyDecider decider, Executor workers, ProtocolWarnings warnings) {
    this(decider, workers, warnings, false);
  }

  /**
   * {@code memoryFirst} (with workers): each {@code RCPT} request is first decided here with the
   * near caches answering from memory only, and goes to a worker only when one of them would have
   * to ask its store ({@link CachingWhitelistStore#withoutWaiting}).
   */
  PolicyChannelHandler(
      PolicyDecider decider, Executor workers, ProtocolWarnings warnings, boolean memoryFirst) {
    this.decider = decider;
    this.workers = workers;
    this.warnings = warnings;
    this.memoryFirst = memoryFirst && workers != null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf line = (ByteBuf) msg;
    byte[] bytes;
    try {
      bytes = ByteBufUtil.getBytes(line);
    } finally {
      line.release();
    }
    if (closing) {
      return;
    }
    RequestAssembler.Step step = assembler.line(bytes);
    if (step instanceof RequestAssembler.Step.Complete complete) {
      if (!ctx.channel().isActive()) {
        closing = true; // closed under us (a failed write): nothing to answer, nothing to report
      } else if (!ctx.channel().isWritable()) {
        // the peer sends requests but does not read the answers: they would pile up here
        problem(
            ctx,
            "replies not read: more than " + PolicyServer.MAX_REQUEST_BYTES + " bytes of them wait",
            "");
      } else if (!busy) {
        dispatch(ctx, complete);
      } else if (queuedBytes + complete.bytes() > PolicyServer.MAX_REQUEST_BYTES) {
        problem(
            ctx,
            "requests sent ahead of replies exceed " + PolicyServer.MAX_REQUEST_BYTES + " bytes",
            "");
      } else {
        queued.add(complete);
        queuedBytes += complete.bytes();
      }
    } else if (step instanceof RequestAssembler.Step.Malformed malformed) {
      problem(ctx, malformed.reason(), malformed.excerpt());
    }
  }

  private void dispatch(ChannelHandlerContext ctx, RequestAssembler.Step.Complete complete) {
    if (workers == null) {
      // no pool: nothing in the decision blocks, so it runs here, on the event loop; requests are
      // not queued, since each is answered before the next line is read
      write(ctx, decider.decide(complete.request(), session));
      return;
    }
    if (memoryFirst && complete.request().protocolState().equals("RCPT")) {
      // only RCPT: deciding one has no effect a second attempt would repeat (the transaction's
      // recipients are noted after the engine has answered), unlike END-OF-MESSAGE's learning
      String action;
      try {
        action =
            CachingWhitelistStore.withoutWaiting(() -> decider.decide(complete.request(), session));
      } catch (CachingWhitelistStore.WouldWait e) {
        action = null; // the store must be asked: on a worker, as without memoryFirst
      }
      if (action != null) {
        write(ctx, action);
        return;
      }
    }
    busy = true;
    try {
      workers.execute(
          () -> {
            String action;
            try {
              action = decider.decide(complete.request(), session);
            } catch (Throwable t) {
              // decide answers every RuntimeException itself: this is an Error, and without an
              // answer
              // the connection would hang until its idle timeout; close it, Postfix applies its
              // default_action
              log.error(
                  "policy decision failed with {}; closing the connection from {}",
                  t.getClass().getName(),
                  peer(ctx));
              closeFromWorker(ctx);
              if (t instanceof VirtualMachineError e) {
                throw e;
              }
              return;
            }
            try {
              ctx.executor().execute(() -> reply(ctx, action));
            } catch (RejectedExecutionException e) {
              // the server is shutting down: the connection goes with it
            }
          });
    } catch (RejectedExecutionException e) {
      closing = true;
      log.debug(
          "worker pool refused a request (server closing?); closing connection from {}", peer(ctx));
      close(ctx);
    }
  }

  private void closeFromWorker(ChannelHandlerContext ctx) {
    try {
      ctx.executor()
          .execute(
              () -> {
                closing = true;
                close(ctx);
              });
    } catch (RejectedExecutionException e) {
      // the server is shutting down: the connection goes with it
    }
  }

  private void reply(ChannelHandlerContext ctx, String action) {
    if (closing || !ctx.channel().isActive()) {
      return;
    }
    write(ctx, action);
    busy = false;
    // the requests sent ahead, in order, until one goes to a worker: with memoryFirst, those the
    // near cache answers are answered here at once and the next one is taken
    RequestAssembler.Step.Complete next;
    while (!busy && !closing && (next = queued.poll()) != null) {
      queuedBytes -= next.bytes();
      dispatch(ctx, next);
    }
  }

  private static void write(ChannelHandlerContext ctx, String action) {
    ByteBuf out = ctx.alloc().buffer(action.length() + 9);
    out.writeCharSequence("action=", StandardCharsets.US_ASCII);
    out.writeCharSequence(action, StandardCharsets.US_ASCII);
    out.writeByte('\n').writeByte('\n');
    ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
  }

  /** Bytes this connection holds in requests: the one being read and those sent ahead. */
  int bufferedBytes() {
    return assembler.bufferedBytes() + queuedBytes;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      log.debug("closing idle policy connection from {}", peer(ctx));
      closing = true;
      close(ctx);
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (closing) {
      return;
    }
    if (cause instanceof TooLongFrameException) {
      problem(ctx, "line longer than " + PolicyServer.MAX_LINE_BYTES + " bytes", "");
    } else if (cause instanceof IOException) {
      // the peer reset the connection or the like
      log.debug("policy connection from {} failed: {}", peer(ctx), cause.getClass().getName());
      closing = true;
      close(ctx);
    } else {
      problem(ctx, "unexpected " + cause.getClass().getName(), "");
    }
  }

  private void problem(ChannelHandlerContext ctx, String reason, String excerpt) {
    closing = true;
    queued.clear();
    queuedBytes = 0;
    warnings.closing(peer(ctx), reason, excerpt);
    close(ctx);
  }

  /**
   * Closes the connection without waiting: nothing here acts on the outcome, and Netty completes
   * the close and logs a failure itself.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // fire-and-forget on purpose, see above
  private static void close(ChannelHandlerContext ctx) {
    ctx.close();
  }

  private static String peer(ChannelHandlerContext ctx) {
    SocketAddress a = ctx.channel().remoteAddress();
    if (a instanceof InetSocketAddress i && i.getAddress() != null) {
      return i.getAddress().getHostAddress() + ":" + i.getPort();
    }
    return "?";
  }
}

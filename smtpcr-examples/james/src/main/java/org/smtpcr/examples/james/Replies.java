package org.smtpcr.examples.james;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.smtpcr.core.Decision;
import org.smtpcr.core.reply.SmtpReply;

/**
 * Turns decisions into James hook results. A James hook answers with one description line; a reply
 * of several lines is given to James as one line, and kept in the session as a {@link PendingReply}
 * for {@link SmtpcrReplyHandler} to swap back in. Where no result handler runs (the end of DATA, or
 * a server without {@link SmtpcrReplyHandler}), the client gets the one line, which is a complete
 * reply of its own.
 */
final class Replies {
  /** The reply a hook answered, waiting for {@link SmtpcrReplyHandler}; kept per connection. */
  static final AttachmentKey<PendingReply> PENDING =
      AttachmentKey.of("org.smtpcr.examples.james.pendingReply", PendingReply.class);

  /** Text room of one reply line: 512 octets minus CRLF and the code with its separator. */
  private static final int LINE_TEXT = SmtpReply.MAX_LINE_OCTETS - 2 - 4;

  private static final String ELLIPSIS = "...";

  private Replies() {}

  /**
   * A reply James sent as one line, and the lines it should have.
   *
   * @param code the reply code, as James holds it
   * @param oneLine the description James got (enhanced status and text)
   * @param reply the full reply
   */
  record PendingReply(String code, String oneLine, SmtpReply reply) {
    PendingReply {
      requireNonNull(code, "code");
      requireNonNull(oneLine, "oneLine");
      requireNonNull(reply, "reply");
    }

    /** Whether {@code response} is the one line James made of this reply. */
    boolean matches(Response response) {
      List<CharSequence> lines = response.getLines();
      return code.equals(response.getRetCode())
          && lines != null
          && lines.size() == 1
          && (code + " " + oneLine).contentEquals(lines.get(0));
    }

    /** No reply text: it names addresses. */
    @Override
    public String toString() {
      return "PendingReply[" + code + ", " + reply.lines().size() + " lines]";
    }
  }

  /**
   * The hook result for {@code decision}: {@code DECLINED} for an accept (James goes on with its
   * own checks), {@code DENY} for a challenge or reject, {@code DENYSOFT} for a defer.
   *
   * @param session where to leave a multi-line reply for {@link SmtpcrReplyHandler}; empty at the
   *     end of DATA, where no result handler runs
   */
  static HookResult hookResult(Decision decision, Optional<ProtocolSession> session) {
    Optional<SmtpReply> negative = decision.negativeReply();
    if (negative.isEmpty()) {
      return HookResult.DECLINED;
    }
    SmtpReply reply = negative.get();
    String code = Integer.toString(reply.code());
    String oneLine = oneLine(reply);
    if (reply.lines().size() > 1) {
      session.ifPresent(
          s -> s.setAttachment(PENDING, new PendingReply(code, oneLine, reply), State.Connection));
    }
    return HookResult.builder()
        .hookReturnCode(reply.isTransient() ? HookReturnCode.denySoft() : HookReturnCode.deny())
        .smtpReturnCode(code)
        .smtpDescription(oneLine)
        .build();
  }

  /** A temporary failure of our own, {@code 451 4.3.0}, for when the engine cannot be asked. */
  static HookResult localProblem() {
    return HookResult.builder()
        .hookReturnCode(HookReturnCode.denySoft())
        .smtpReturnCode(String.valueOf(org.smtpcr.examples.runtime.Replies.FAILURE.code()))
        .smtpDescription(oneLine(org.smtpcr.examples.runtime.Replies.FAILURE))
        .build();
  }

  /**
   * The reply as one line (enhanced status and text, without the code) of at most 512 octets with
   * code and CRLF, rendered from the reply's parts: the prose lines and the link joined with
   * spaces; when that is too long, the prose is shortened at a word boundary and ends in {@code
   * ...}, and the reply's {@linkplain SmtpReply#link() link} is kept whole at the end.
   */
  static String oneLine(SmtpReply reply) {
    requireNonNull(reply, "reply");
    String status = reply.enhancedStatus();
    String prefix = status.isEmpty() ? "" : status + " ";
    int room = LINE_TEXT - prefix.length();
    String joined = String.join(" ", reply.lines());
    if (joined.length() <= room) {
      return prefix + joined;
    }
    Optional<String> link = reply.link();
    if (link.isPresent()
        && !reply.proseLines().isEmpty()
        && link.get().length() + 1 + ELLIPSIS.length() <= room) {
      String cut = cut(reply.prose(), room - link.get().length() - 1 - ELLIPSIS.length());
      return prefix + cut + ELLIPSIS + " " + link.get();
    }
    return prefix + cut(joined, room - ELLIPSIS.length()) + ELLIPSIS;
  }

  /**
   * {@code text} cut to at most {@code max} characters, at the last space that fits if there is
   * one.
   */
  private static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int space = text.lastIndexOf(' ', max);
    String cut = space > 0 ? text.substring(0, space) : text.substring(0, Math.max(0, max));
    return cut.stripTrailing();
  }

  /** The reply as James's multi-line response: every line with the code and the enhanced status. */
  static SMTPResponse response(SmtpReply reply) {
    List<String> lines = reply.lines();
    SMTPResponse response =
        new SMTPResponse(Integer.toString(reply.code()), line(reply, lines.get(0)));
    for (int i = 1; i < lines.size(); i++) {
      response.appendLine(line(reply, lines.get(i)));
    }
    return response;
  }

  /** One line after the code, as {@link SmtpReply#toWire()} writes it. */
  private static String line(SmtpReply reply, String text) {
    String status = reply.enhancedStatus();
    if (status.isEmpty()) {
      return text;
    }
    return text.isEmpty() ? status : status + " " + text;
  }
}

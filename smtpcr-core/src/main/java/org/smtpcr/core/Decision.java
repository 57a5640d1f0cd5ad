package org.smtpcr.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;
import org.smtpcr.core.reply.SmtpReply;

/**
 * The verdict on a transaction at one stage (README.md, "Concepts"). A rejection is a decision,
 * never an exception.
 *
 * <ul>
 *   <li>{@link Accept}: a rule vouches; the MTA continues with its own checks (Postfix {@code
 *       DUNNO}, James {@code DECLINED}), it does not skip them;
 *   <li>{@link Challenge}: the sender must confirm at the link; a permanent reply with the link on
 *       its last line;
 *   <li>{@link Reject}: a refusal without a link;
 *   <li>{@link Defer}: a temporary refusal; the sending MTA retries.
 * </ul>
 *
 * <p>Java 17 integrations dispatch with {@code instanceof} or on {@link #verdict()}.
 *
 * @since 0.1.0
 */
public sealed interface Decision
    permits Decision.Accept, Decision.Challenge, Decision.Reject, Decision.Defer {

  /**
   * The kind of a decision, for switching and logging.
   *
   * @since 0.1.0
   */
  enum Verdict {
    /** See {@link Accept}. */
    ACCEPT,
    /** See {@link Challenge}. */
    CHALLENGE,
    /** See {@link Reject}. */
    REJECT,
    /** See {@link Defer}. */
    DEFER
  }

  /**
   * The kind of this decision.
   *
   * @return the verdict
   */
  Verdict verdict();

  /**
   * The reply to send, for every decision but {@link Accept}.
   *
   * @return the negative reply, or empty for an accept
   */
  Optional<SmtpReply> negativeReply();

  /**
   * The shared accept decision.
   *
   * @return the accept decision
   */
  static Accept accept() {
    return Accept.INSTANCE;
  }

  /** This rule vouches for the transaction; the MTA continues with its own checks. */
  record Accept() implements Decision {
    private static final Accept INSTANCE = new Accept();

    @Override
    public Verdict verdict() {
      return Verdict.ACCEPT;
    }

    @Override
    public Optional<SmtpReply> negativeReply() {
      return Optional.empty();
    }
  }

  /**
   * The sender must confirm at {@link #link()}; {@link #reply()} carries the link on its last line.
   * Two challenges are equal when their replies and link texts ({@link #linkText()}) are.
   *
   * @since 0.1.0
   */
  final class Challenge implements Decision {
    private final SmtpReply reply;
    private final String linkText;
    private volatile URI link; // parsed on first use: MTAs send the reply and rarely look

    /**
     * Checks the reply and the link.
     *
     * @param reply a negative reply, normally {@code 550 5.7.1}
     * @param link the absolute challenge link
     * @throws IllegalArgumentException if the reply is not 4yz/5yz or the link is not absolute
     */
    public Challenge(SmtpReply reply, URI link) {
      requireNonNull(reply, "reply");
      requireNonNull(link, "link");
      checkArgument(reply.isNegative(), "a challenge needs a 4yz/5yz reply, got %s", reply.code());
      checkArgument(link.isAbsolute(), "a challenge link must be absolute");
      checkSameLink(reply, link.toASCIIString());
      this.reply = reply;
      this.linkText = link.toASCIIString();
      this.link = link;
    }

    /**
     * Checks the reply and the link text without parsing it into a {@link URI} (the engine makes
     * one per challenge, and most are sent without ever being parsed).
     *
     * @param reply a negative reply, normally {@code 550 5.7.1}
     * @param linkText the absolute challenge link as US-ASCII text: a scheme, {@code :}, then
     *     printable ASCII without spaces
     * @throws IllegalArgumentException if the reply is not 4yz/5yz or the text is not such a link
     */
    public Challenge(SmtpReply reply, String linkText) {
      requireNonNull(reply, "reply");
      requireNonNull(linkText, "linkText");
      checkArgument(reply.isNegative(), "a challenge needs a 4yz/5yz reply, got %s", reply.code());
      checkArgument(
          isAbsoluteLink(linkText), "a challenge link must be absolute printable US-ASCII");
      checkSameLink(reply, linkText);
      this.reply = reply;
      this.linkText = linkText;
    }

    /** A reply that carries a link (the engine's always does) must carry this one. */
    private static void checkSameLink(SmtpReply reply, String linkText) {
      checkArgument(
          reply.link().map(linkText::equals).orElse(true),
          "the reply carries another link than the challenge");
    }

    private static boolean isAbsoluteLink(String s) {
      int colon = s.indexOf(':');
      if (colon < 1 || colon == s.length() - 1 || !isAsciiLetter(s.charAt(0))) {
        return false;
      }
      for (int i = 1; i < colon; i++) {
        char c = s.charAt(i);
        if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
          return false;
        }
      }
      for (int i = colon + 1; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c <= ' ' || c > '~') {
          return false;
        }
      }
      return true;
    }

    private static boolean isAsciiLetter(char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /**
     * The reply to send, with the link on its last line.
     *
     * @return the reply
     */
    public SmtpReply reply() {
      return reply;
    }

    /**
     * The absolute challenge link.
     *
     * @return the link
     */
    public URI link() {
      URI l = link;
      if (l == null) {
        l = URI.create(linkText);
        link = l;
      }
      return l;
    }

    /**
     * The challenge link as US-ASCII text, as it appears in the reply; cheaper than {@link
     * #link()}.
     *
     * @return {@code link().toASCIIString()}
     */
    public String linkText() {
      return linkText;
    }

    @Override
    public Verdict verdict() {
      return Verdict.CHALLENGE;
    }

    @Override
    public Optional<SmtpReply> negativeReply() {
      return Optional.of(reply);
    }

    @Override
    public boolean equals(Object o) {
      return this == o
          || (o instanceof Challenge other
              && reply.equals(other.reply)
              && linkText.equals(other.linkText));
    }

    @Override
    public int hashCode() {
      return 31 * reply.hashCode() + linkText.hashCode();
    }

    /**
     * Shows the reply status and the link cut after 8 characters of the token, as logs may show.
     */
    @Override
    public String toString() {
      String l = linkText;
      int slash = l.lastIndexOf('/');
      String shown =
          slash >= 0 && l.length() - slash - 1 > 8 ? l.substring(0, slash + 9) + "..." : l;
      return "Challenge[reply=" + reply + ", link=" + shown + "]";
    }
  }

  /**
   * A refusal without a link.
   *
   * @param reply a negative reply, normally {@code 550 5.7.1}
   */
  record Reject(SmtpReply reply) implements Decision {
    /**
     * Checks the reply.
     *
     * @throws IllegalArgumentException if the reply is not 4yz/5yz
     */
    public Reject {
      requireNonNull(reply, "reply");
      checkArgument(reply.isNegative(), "a reject needs a 4yz/5yz reply, got %s", reply.code());
    }

    @Override
    public Verdict verdict() {
      return Verdict.REJECT;
    }

    @Override
    public Optional<SmtpReply> negativeReply() {
      return Optional.of(reply);
    }
  }

  /**
   * A temporary refusal: the sending MTA keeps the message and retries.
   *
   * @param reply a transient reply, normally {@code 451 4.3.0}
   */
  record Defer(SmtpReply reply) implements Decision {
    /**
     * Checks the reply.
     *
     * @throws IllegalArgumentException if the reply is not 4yz
     */
    public Defer {
      requireNonNull(reply, "reply");
      checkArgument(reply.isTransient(), "a defer needs a 4yz reply, got %s", reply.code());
    }

    @Override
    public Verdict verdict() {
      return Verdict.DEFER;
    }

    @Override
    public Optional<SmtpReply> negativeReply() {
      return Optional.of(reply);
    }
  }
}

package org.smtpcr.examples.james;

import java.util.Locale;
import java.util.Optional;
import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.SpfResult;

/**
 * The SPF result James's own {@code SPFHandler} (James server 3.8, {@code
 * org.apache.james.smtpserver.fastfail.SPFHandler}) computed at MAIL, when it runs before {@link
 * SmtpcrRcptHook}. It keeps the {@code Received-SPF} text of Apache jSPF ({@code pass (spfCheck:
 * domain of ...) client-ip=...}) in the transaction attachment {@code SPF_HEADER}; the first word
 * is the result.
 *
 * <p>James's handler checks MAIL FROM only and does not look up the domain's DMARC policy, which
 * the engine needs to tell "publishes nothing" from "unverified" and "protected". So when the
 * engine has its own SPF check, James's result is handed in only where it decides by itself: {@code
 * pass}, {@code fail} and {@code temperror}; for the others the engine asks its evaluator. Without
 * the engine's SPF check ({@code spf} off), every result James has is handed in.
 */
final class JamesSpf {
  /** The attachment James 3.8's SPFHandler writes (AttachmentKey is a value: name and type). */
  static final AttachmentKey<String> SPF_HEADER = AttachmentKey.of("SPF_HEADER", String.class);

  private JamesSpf() {}

  /** What to hand in, if anything. */
  static Optional<AuthenticationResults> result(SMTPSession session, boolean engineChecksSpf) {
    Optional<SpfResult> spf =
        session.getAttachment(SPF_HEADER, State.Transaction).flatMap(JamesSpf::parse);
    if (spf.isEmpty()) {
      return Optional.empty();
    }
    SpfResult r = spf.get();
    boolean decisive = r == SpfResult.PASS || r == SpfResult.FAIL || r == SpfResult.TEMPERROR;
    if (engineChecksSpf && !decisive) {
      return Optional.empty();
    }
    return Optional.of(AuthenticationResults.builder().spfMailFrom(r).build());
  }

  /** The result named by the first word of jSPF's header text, if it names one. */
  static Optional<SpfResult> parse(String headerText) {
    String t = headerText.strip();
    int end = 0;
    while (end < t.length() && end < 16 && Character.isLetter(t.charAt(end))) {
      end++;
    }
    if (end == 0 || (end < t.length() && !Character.isWhitespace(t.charAt(end)))) {
      return Optional.empty();
    }
    String word = t.substring(0, end).toLowerCase(Locale.ROOT);
    // jSPF's older names for the error results
    word =
        switch (word) {
          case "error" -> "temperror";
          case "unknown" -> "permerror";
          default -> word;
        };
    return SpfResult.ofKeyword(word);
  }
}

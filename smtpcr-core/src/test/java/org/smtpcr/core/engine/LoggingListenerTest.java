package org.smtpcr.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.Fixtures.BASE;
import static org.smtpcr.core.Fixtures.CLOCK;
import static org.smtpcr.core.Fixtures.rcpt;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.smtpcr.core.Decision;
import org.smtpcr.tokens.KeyRing;

/** The default listener writes one DEBUG line per decision, without addresses or tokens. */
final class LoggingListenerTest {
  /** Records every enabled call as level + formatted message. */
  static final class RecordingLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    final List<String> lines = new ArrayList<>();

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] args, Throwable t) {
      lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, args));
    }

    @Override
    public boolean isTraceEnabled() {
      return true;
    }

    @Override
    public boolean isDebugEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }
  }

  @Test
  void onDecision_oneDebugLinePerDecisionWithoutAddressesOrToken() {
    RecordingLogger logger = new RecordingLogger();
    DecisionEngine engine =
        DecisionEngine.builder()
            .keyRing(KeyRing.generate())
            .challengeBase(BASE)
            .clock(CLOCK)
            .listener(new LoggingListener(logger))
            .build();
    Decision d = engine.decide(rcpt("<alice@example.org>", "<bob@example.com>")).decision();
    engine.decide(rcpt("<>", "<bob@example.com>")).decision();

    assertEquals(2, logger.lines.size(), logger.lines.toString());
    String first = logger.lines.get(0);
    assertTrue(
        first.startsWith(
            "DEBUG decision stage=RCPT verdict=CHALLENGE code=550 5.7.1 rule=default session=t1"),
        first);
    assertTrue(
        logger.lines.get(1).contains("verdict=ACCEPT code=- rule=null-sender"),
        logger.lines.get(1));
    String link = assertInstanceOf(Decision.Challenge.class, d).link().toString();
    String token = link.substring(link.lastIndexOf('/') + 1);
    for (String line : logger.lines) {
      assertFalse(line.contains("alice") || line.contains("bob"), line);
      assertFalse(line.contains(token.substring(0, 12)), line);
    }
  }
}

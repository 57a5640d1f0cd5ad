package org.smtpcr.examples.policy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what slf4j-simple (the test binding, which writes to the current {@code System.err})
 * logs while it is open. Not for parallel tests.
 */
final class LogCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  LogCapture() {
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
  }

  synchronized String text() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  /** How often {@code needle} occurs in what was logged. */
  int count(String needle) {
    String t = text();
    int n = 0;
    for (int i = t.indexOf(needle); i >= 0; i = t.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}

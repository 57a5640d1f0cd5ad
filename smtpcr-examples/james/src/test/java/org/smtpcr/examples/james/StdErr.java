package org.smtpcr.examples.james;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What slf4j-simple (WARN and above, to System.err in the tests) writes while a block runs. */
final class StdErr {
  /** A block that may throw. */
  interface Block {
    void run() throws Exception;
  }

  private StdErr() {}

  static String capture(Block block) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      block.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}

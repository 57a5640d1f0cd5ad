package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistKey;

/**
 * {@code smtpcr} as separate processes (on this test's class path), as people and scripts run it.
 */
final class ProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final CanonicalAddress ALICE =
      CanonicalAddress.parseCanonical("alice@example.org");
  private static final CanonicalAddress BOB = CanonicalAddress.parseCanonical("bob@example.com");
  private static final CanonicalAddress CAROL =
      CanonicalAddress.parseCanonical("carol@example.com");

  @TempDir Path tmp;

  @Test
  void whitelist_anotherProcessWhileThisOneHoldsTheStore_bothSeeEachOthersWrites()
      throws Exception {
    Path data = tmp.resolve("data");
    try (DataDirectory server = DataDirectory.open(data)) {
      server.store().add(WhitelistKey.pair(ALICE, CAROL)); // this process now serves the H2 file
      ChildProcess add =
          ChildProcess.smtpcr(
              tmp,
              "whitelist",
              "add",
              "--data",
              data.toString(),
              "--sender",
              "alice@example.org",
              "--recipient",
              "bob@example.com");
      assertEquals(0, add.waitFor(WAIT), add::toString);
      assertTrue(
          server.store().containsAny(WhitelistCandidates.of(ALICE, BOB)),
          "this process sees the other's write");

      ChildProcess check =
          ChildProcess.smtpcr(
              tmp,
              "whitelist",
              "check",
              "--data",
              data.toString(),
              "--sender",
              "alice@example.org",
              "--recipient",
              "carol@example.com");
      assertEquals(0, check.waitFor(WAIT), check::toString);
      ChildProcess no =
          ChildProcess.smtpcr(
              tmp,
              "whitelist",
              "check",
              "--data",
              data.toString(),
              "--sender",
              "alice@example.org",
              "--recipient",
              "dave@example.com");
      assertEquals(1, no.waitFor(WAIT), no::toString);
    }
  }

  @Test
  void noDataOption_usesSmtpcrDataInTheWorkingDirectory() throws Exception {
    ChildProcess add =
        ChildProcess.smtpcr(tmp, "whitelist", "add", "--sender", "alice@example.org");
    assertEquals(0, add.waitFor(WAIT), add::toString);
    assertTrue(Files.isRegularFile(tmp.resolve("smtpcr-data").resolve("whitelist.mv.db")));
    try (DataDirectory d = DataDirectory.open(tmp.resolve("smtpcr-data"))) {
      assertTrue(d.store().containsAny(WhitelistCandidates.of(ALICE, BOB)));
    }
    ChildProcess none =
        ChildProcess.smtpcr(
            tmp, "passcode", "--sender", "a@example.org", "--recipient", "b@example.com");
    assertEquals(1, none.waitFor(WAIT), none::toString);
    assertTrue(none.err().contains("keygen --out FILE, or run demo once"), none::toString);
    ChildProcess keygen = ChildProcess.smtpcr(tmp, "keygen", "--out", "smtpcr-data/smtpcr.keys");
    assertEquals(0, keygen.waitFor(WAIT), keygen::toString);
    ChildProcess code =
        ChildProcess.smtpcr(
            tmp, "passcode", "--sender", "a@example.org", "--recipient", "b@example.com");
    assertEquals(0, code.waitFor(WAIT), code::toString);
    assertTrue(code.out().strip().matches("[a-z2-7]{6}-[a-z2-7]{6}-[a-z2-7]{6}"), code::toString);
  }

  @Test
  void demo_ownProcess_servesThenStopsCleanlyOnSigterm() throws Exception {
    try (ChildProcess demo =
        ChildProcess.smtpcr(tmp, "demo", "--smtp-port", "0", "--http-port", "0")) {
      demo.awaitOut(o -> o.contains("5. See who is whitelisted"), WAIT);
      String out = demo.out();
      Matcher smtp =
          Pattern.compile("SMTP server +127\\.0\\.0\\.1:(\\d+) \\(loopback only").matcher(out);
      assertTrue(smtp.find(), out);
      int port = Integer.parseInt(smtp.group(1));
      assertTrue(out.contains("challenge page  http://127.0.0.1:"), out);
      assertTrue(
          out.contains(
              "swaks --server 127.0.0.1:"
                  + port
                  + " --from alice@sender.example --to bob@example.com"),
          out);
      assertTrue(
          out.contains(
                  tmp.resolve("smtpcr-data")
                      .toRealPath()
                      .resolve("maildir")
                      .resolve("new")
                      .toString())
              || out.contains(
                  tmp.toAbsolutePath()
                      .resolve("smtpcr-data")
                      .resolve("maildir")
                      .resolve("new")
                      .toString()),
          out);
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        assertTrue(
            new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)
                .startsWith("220 "));
      }

      demo.terminate();
      int code = demo.waitFor(WAIT);
      assertEquals(143, code, demo::toString); // 128 + SIGTERM, after the shutdown hook ran
      assertTrue(demo.err().contains("stopping"), demo::toString);
      assertTrue(demo.err().contains("SMTP server stopped"), demo::toString);
      assertThrows(
          IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }
  }
}

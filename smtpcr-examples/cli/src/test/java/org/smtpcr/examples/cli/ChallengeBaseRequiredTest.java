package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No silent loopback links: a server that sends links refuses to start without {@code
 * --challenge-base}, in one line that says why and what to set, unless it serves the page itself on
 * loopback.
 */
final class ChallengeBaseRequiredTest {
  private static final String REQUIRED = "--challenge-base is required: ";

  @TempDir Path tmp;

  private String data() {
    return tmp.resolve("data").toString();
  }

  private CommandRun.Result serve(String... args) {
    return CommandRun.run(() -> new TestLifecycle().begin(), args);
  }

  private static void assertOneLineRefusal(CommandRun.Result r, String command, String why) {
    assertEquals(2, r.exitCode(), r::toString);
    assertEquals(1, r.err().lines().count(), r::toString);
    assertTrue(r.err().startsWith("smtpcr " + command + ": " + REQUIRED + why), r::toString);
    assertTrue(r.err().contains("challenge-base=https://cr.example.com/ in "), r::toString);
    assertFalse(r.err().contains("Usage:"), r::toString);
    assertEquals("", r.out(), r::toString);
  }

  @Test
  void servers_withoutChallengeBase_refuseInOneLine_exit2_nothingStarted() {
    CommandRun.keygen(tmp.resolve("data"));
    for (String command : List.of("smtp-server", "policy-server")) {
      CommandRun.Result r = serve(command, "--data", data(), "--listen", "127.0.0.1:0");
      assertOneLineRefusal(r, command, "the links in replies go to senders on other machines");
    }
    assertFalse(Files.exists(tmp.resolve("data").resolve("maildir")), "nothing was started");
    assertFalse(Files.exists(tmp.resolve("data").resolve("whitelist.mv.db")), "no store opened");
  }

  @Test
  void policyServer_withWebOffLoopback_stillNeedsIt() {
    CommandRun.Result r =
        serve(
            "policy-server",
            "--data",
            data(),
            "--listen",
            "127.0.0.1:0",
            "--with-web",
            "--web-listen",
            "0.0.0.0:0");
    assertOneLineRefusal(r, "policy-server", "--with-web serves the page on 0.0.0.0:0, not on");
  }

  @Test
  void aWrongOption_isStillReportedFirst() {
    CommandRun.Result r = serve("smtp-server", "--data", data(), "--max-message-size", "0");
    assertEquals(2, r.exitCode(), r::toString);
    assertTrue(r.err().contains("--max-message-size"), r::toString);
    assertFalse(r.err().contains(REQUIRED), r::toString);
  }

  /** From the system-wide file it counts as given: the server gets past the check. */
  @Test
  void challengeBase_fromTheSystemFile_satisfiesIt() throws Exception {
    Path etc =
        Files.writeString(tmp.resolve("smtpcr.properties"), "challenge-base=https://cr.example/\n");
    Installation i = new Installation(false, etc);
    for (String command : List.of("smtp-server", "policy-server")) {
      CommandRun.Result r =
          CommandRun.run(
              i,
              () -> new TestLifecycle().begin(),
              command,
              "--data",
              data(),
              "--listen",
              "127.0.0.1:0");
      // past the check, stopped by the next one: no key file yet
      assertEquals(1, r.exitCode(), r::toString);
      assertTrue(r.err().contains("keygen --out FILE"), r::toString);
    }
  }

  @Test
  void isLoopback_onlyLoopbackAddresses() {
    assertTrue(Cli.isLoopback(new InetSocketAddress(InetAddresses.forString("127.0.0.1"), 8080)));
    assertTrue(Cli.isLoopback(new InetSocketAddress(InetAddresses.forString("127.0.0.2"), 8080)));
    assertTrue(Cli.isLoopback(new InetSocketAddress(InetAddresses.forString("::1"), 8080)));
    assertFalse(Cli.isLoopback(new InetSocketAddress(InetAddresses.forString("0.0.0.0"), 8080)));
    assertFalse(Cli.isLoopback(new InetSocketAddress(InetAddresses.forString("192.0.2.1"), 8080)));
    assertFalse(Cli.isLoopback(InetSocketAddress.createUnresolved("localhost", 8080)));
  }

  @Test
  void help_saysItIsRequired() {
    for (String command : List.of("smtp-server", "policy-server")) {
      CommandRun.Result help = CommandRun.run(command, "--help");
      String text = help.out().replaceAll("\\s+", " ");
      int at = text.indexOf("--challenge-base=URL Where"); // the option list, not the synopsis
      assertTrue(at >= 0, help::toString);
      String option = text.substring(at, Math.min(text.length(), at + 300));
      assertTrue(option.toLowerCase(java.util.Locale.ROOT).contains("required"), option);
      assertFalse(text.contains("127.0.0.1:8080/"), help::toString);
    }
  }
}

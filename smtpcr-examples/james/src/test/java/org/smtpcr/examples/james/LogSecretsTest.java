package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.KeyRingFile;

/**
 * What the hook logs (slf4j-simple writes WARN and above to System.err in the tests) when its store
 * fails names neither the store's password, nor its URL, nor key material, nor the addresses.
 */
final class LogSecretsTest {
  private static final String PASSWORD = "pw-hunter2-secret";
  private static final String DATABASE = "db-secretname";

  @TempDir Path dir;

  @Test
  void storeFailure_warnings_carryNoSecretsOrAddresses() throws Exception {
    KeyRing ring = KeyRing.generate();
    String keyHex =
        KeyRingFile.format(ring)
            .lines()
            .filter(l -> l.startsWith("key "))
            .findFirst()
            .orElseThrow()
            .split(" ")[2];
    BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
    config.addProperty("keyFile", Fixtures.keyFile(dir, ring).toString());
    config.addProperty("challengeBase", "https://cr.example.com/");
    config.addProperty("store.url", Fixtures.h2Url(dir, DATABASE) + ";IFEXISTS=TRUE");
    config.addProperty("store.password", PASSWORD);
    config.addProperty("store.connectionTimeout", "PT0.25S");

    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    SmtpcrRcptHook hook = new SmtpcrRcptHook();
    HookResult result;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      hook.init(config);
      SMTPSession session =
          TestSessions.afterMail(
              "198.51.100.7",
              false,
              "client.example",
              TestSessions.sender("mallory@sender.example"));
      result =
          hook.doRcpt(
              session,
              TestSessions.sender("mallory@sender.example"),
              new MailAddress("bob@example.org"),
              Map.of());
    } finally {
      hook.destroy();
      System.setErr(original);
    }
    assertEquals("451", result.getSmtpRetCode());
    String log = captured.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("WARN"), "the failure was logged: " + log);
    for (String secret :
        new String[] {PASSWORD, DATABASE, keyHex, "mallory@sender.example", "bob@example.org"}) {
      assertFalse(log.contains(secret), "the log shows " + secret + ":\n" + log);
    }
  }
}

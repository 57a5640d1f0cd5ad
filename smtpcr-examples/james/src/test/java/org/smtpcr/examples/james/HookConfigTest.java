package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.tokens.KeyRing;

/** Settings errors of {@link SmtpcrRcptHook}: clear, and free of secrets. */
final class HookConfigTest {
  private static final String SECRET = "hunter2-not-in-messages";

  @TempDir Path dir;

  private Map<String, String> settings;

  @BeforeEach
  void validSettings() throws Exception {
    settings = new LinkedHashMap<>();
    settings.put("keyFile", Fixtures.keyFile(dir, KeyRing.generate()).toString());
    settings.put("challengeBase", "https://cr.example.com/");
    settings.put("store.url", Fixtures.h2Url(dir, "whitelist"));
    settings.put("store.password", SECRET);
  }

  private String initFails() {
    BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
    config.addProperty("[@class]", SmtpcrRcptHook.class.getName());
    settings.forEach(config::addProperty);
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> new SmtpcrRcptHook().init(config));
    String message = e.getMessage();
    assertFalse(message.contains(SECRET), message);
    assertTrue(e.getCause() == null || !String.valueOf(e.getCause().getMessage()).contains(SECRET));
    return message;
  }

  @Test
  void init_validSettings_succeeds() throws Exception {
    BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
    settings.forEach(config::addProperty);
    SmtpcrRcptHook hook = new SmtpcrRcptHook();
    hook.init(config);
    hook.destroy();
  }

  @Test
  void init_missingKeyFile_namesIt() {
    settings.remove("keyFile");
    assertEquals("keyFile is required", initFails());
  }

  @Test
  void init_unreadableKeyFile_namesFileAndException() {
    settings.put("keyFile", dir.resolve("nope").toString());
    String m = initFails();
    assertTrue(m.startsWith("keyFile ") && m.endsWith("cannot be read (NoSuchFileException)"), m);
  }

  @Test
  void init_malformedKeyFile_namesLineNotContent() throws Exception {
    Path bad = dir.resolve("bad-keyring");
    Files.writeString(
        bad,
        "smtpcr-keyring 1\nactive 0\nkey 0 " + "ab".repeat(8) + "\n",
        StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rw-------"));
    settings.put("keyFile", bad.toString());
    String m = initFails();
    assertTrue(m.startsWith("keyFile "), m);
    assertFalse(m.contains("abababab"), m);
  }

  @Test
  void init_misspeltSetting_isRefused() {
    settings.put("challengeBse", "https://cr.example.com/");
    assertTrue(initFails().startsWith("unknown setting challengeBse"));
  }

  @Test
  void init_misspeltStoreSetting_isRefused() {
    settings.put("store.pasword", "x");
    assertTrue(initFails().startsWith("unknown setting store.pasword"));
  }

  @Test
  void init_plainHttpChallengeBase_isRefused() {
    settings.put("challengeBase", "http://cr.example.com/");
    assertTrue(initFails().startsWith("challengeBase: challengeBase must use https"));
  }

  @Test
  void init_badLifetime_namesIt() {
    settings.put("challengeLifetime", "7 days");
    assertEquals(
        "challengeLifetime must be a duration such as 45s, 30m, 12h, 7d, 2w or PT12H", initFails());
  }

  @Test
  void init_permanentFailureReply_isRefused() {
    settings.put("failureReply", "550 5.3.0 Nope");
    assertTrue(initFails().startsWith("failureReply: failureReply must be a 4yz reply"));
  }

  @Test
  void init_badNetwork_namesIt() {
    settings.put("trustedNetworks", "192.0.2.0/33");
    assertTrue(initFails().startsWith("trustedNetworks: "));
  }

  @Test
  void init_listFilesAndReplyTemplates_areTaken_andABadLineIsNamed() throws Exception {
    for (String key :
        new String[] {"trustedClientsFile", "exemptRecipientsFile", "senderWhitelistFile"}) {
      settings.put(key, java.nio.file.Files.writeString(dir.resolve(key), "# none\n").toString());
    }
    settings.put(
        "replyTemplatesFile",
        java.nio.file.Files.writeString(dir.resolve("replies"), "denied Not here.\n").toString());
    init_validSettings_succeeds();
    java.nio.file.Path deny = java.nio.file.Files.writeString(dir.resolve("deny"), "\nnope\n");
    settings.put("denyFile", deny.toString());
    assertTrue(initFails().startsWith("denyFile: " + deny + ":2: "));
  }

  @Test
  void init_notABoolean_namesIt() {
    settings.put("subjectPassCodes", "yes");
    assertEquals("subjectPassCodes must be true or false", initFails());
  }

  @Test
  void init_missingStoreUrl_namesIt() {
    settings.remove("store.url");
    assertEquals("store: the whitelist store's JDBC url is required", initFails());
  }

  @Test
  void init_unknownDatabase_namesSubprotocolOnly() {
    settings.put("store.url", "jdbc:mysql://db.example.org/smtpcr?password=" + SECRET);
    String m = initFails();
    assertTrue(m.startsWith("store: no known JDBC driver for jdbc:mysql: URLs"), m);
  }

  @Test
  void init_missingDriver_saysWhereToPutIt() {
    settings.put("store.driverClass", "com.example.NoSuchDriver");
    assertEquals(
        "store: JDBC driver class com.example.NoSuchDriver was not found; put the driver's jar next to"
            + " the SMTPCR jars (James: extensions-jars/)",
        initFails());
  }
}

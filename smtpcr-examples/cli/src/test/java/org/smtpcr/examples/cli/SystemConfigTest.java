package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRingFile;

/**
 * The system-wide configuration file, {@code /etc/smtpcr/smtpcr.properties} (here a file of the
 * test's), under {@code --config} or the data directory's file, under the options; and the
 * package's defaults ({@code -Dsmtpcr.packaged=true}).
 */
final class SystemConfigTest {
  @TempDir Path tmp;

  private Installation installation(boolean packaged) {
    return new Installation(packaged, tmp.resolve("etc/smtpcr.properties"));
  }

  private Installation withSystemFile(String text) throws Exception {
    Installation i = installation(false);
    Files.createDirectories(i.systemConfig().getParent());
    Files.writeString(i.systemConfig(), text);
    return i;
  }

  private PolicyServerCommand policyServer(Installation i, String... args) {
    List<String> line = new ArrayList<>(List.of("policy-server"));
    line.addAll(List.of(args));
    return CommandRun.parsed(i, PolicyServerCommand.class, line);
  }

  /** {@code smtpcr passcode}, whose {@code --keys} is a {@link KeyOption}, parsed. */
  private static PasscodeCommand passcode(Installation i) {
    return CommandRun.parsed(
        i,
        PasscodeCommand.class,
        List.of("passcode", "--sender", "a@example.org", "--recipient", "b@example.com"));
  }

  @Test
  void systemFile_thenConfig_thenOptions_laterWinsKeyByKey() throws Exception {
    Installation i =
        withSystemFile(
            """
            workers=3
            max-connections=7
            idle-timeout=5m
            smtpcr.policy-server.listen=127.0.0.1:1
            """);
    Path config = Files.writeString(tmp.resolve("c.properties"), "workers=5\nlisten=127.0.0.1:2\n");
    PolicyServerCommand p =
        policyServer(i, "--config", config.toString(), "--idle-timeout", "1m", "--data", "d");
    assertEquals(5, p.workers); // --config over /etc
    assertEquals(7, p.maxConnections); // only in /etc: still applies
    assertEquals(Duration.ofMinutes(1), p.idleTimeout); // the option over both
    // a later file wins for the option, even over an earlier file's per-command key
    assertEquals(new InetSocketAddress(InetAddresses.forString("127.0.0.1"), 2), p.listen);
  }

  @Test
  void systemFile_settingKey_overriddenByConfigsOptionName() throws Exception {
    Installation i = withSystemFile("challengeBase=https://etc.example/\n");
    PolicyServerCommand fromEtc = policyServer(i, "--data", "d");
    assertEquals(URI.create("https://etc.example/"), fromEtc.challengeBase);
    Path config =
        Files.writeString(tmp.resolve("c.properties"), "challenge-base=https://cr.example/\n");
    PolicyServerCommand p = policyServer(i, "--config", config.toString());
    assertEquals(URI.create("https://cr.example/"), p.challengeBase);
  }

  @Test
  void dataDirectoryFile_withoutConfig_overridesSystemFile() throws Exception {
    Installation i = withSystemFile("workers=3\nmax-connections=7\n");
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve(DataDirectory.CONFIG_FILE), "workers=4\n");
    PolicyServerCommand p = policyServer(i, "--data", data.toString());
    assertEquals(4, p.workers);
    assertEquals(7, p.maxConnections);
    // --config replaces the data directory's file, as without a system file
    Path config = Files.writeString(tmp.resolve("c.properties"), "idle-timeout=2m\n");
    PolicyServerCommand c =
        policyServer(i, "--data", data.toString(), "--config", config.toString());
    assertEquals(3, c.workers);
    assertEquals(Duration.ofMinutes(2), c.idleTimeout);
  }

  @Test
  void systemFile_namesTheDataDirectory_whoseFileApplies() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("srv"));
    Files.writeString(data.resolve(DataDirectory.CONFIG_FILE), "workers=6\n");
    Installation i = withSystemFile("smtpcr.policy-server.data=" + data + "\nworkers=3\n");
    PolicyServerCommand p = policyServer(i);
    assertEquals(data, p.data.data);
    assertEquals(6, p.workers);
  }

  @Test
  void systemFile_missing_isNoError() {
    PolicyServerCommand p = policyServer(installation(false), "--data", "d");
    assertEquals(PolicyServerCommand.class, p.getClass());
    assertFalse(Files.exists(installation(false).systemConfig()));
  }

  @Test
  void systemFile_unreadable_failure1NamesIt() throws Exception {
    Installation i = installation(false);
    Files.createDirectories(i.systemConfig()); // a directory: there, and not readable as a file
    CommandRun.Result r = CommandRun.run(i, "whitelist", "list", "--data", "d");
    assertEquals(1, r.exitCode(), r::toString);
    assertTrue(r.err().contains("cannot read the configuration file "), r::toString);
    assertTrue(r.err().contains(i.systemConfig().toString()), r::toString);
  }

  @Test
  void systemFile_notReadableByThisUser_isSkippedOnlyForVersionAndHelp() throws Exception {
    Installation i = withSystemFile("listen=127.0.0.1:10999\n");
    assertFalse(ConfigFile.readable(i.systemConfig(), false, ""), "smtpcr --version");
    assertFalse(ConfigFile.readable(i.systemConfig(), false, "help"), "smtpcr help");
    assertTrue(
        ConfigFile.readable(i.systemConfig(), false, "policy-server"),
        "read, and so reported as an error");
    assertTrue(ConfigFile.readable(i.systemConfig(), false, "whitelist"));
    assertTrue(ConfigFile.readable(i.systemConfig(), true, "policy-server"));
  }

  @Test
  void demo_ignoresSystemFileAndPackage_keepsSmtpcrData() throws Exception {
    Installation etc = withSystemFile("smtp-port=2600\ndata=/srv/elsewhere\n");
    Installation packaged = new Installation(true, etc.systemConfig());
    DemoCommand demo = CommandRun.parsed(packaged, DemoCommand.class, List.of("demo"));
    assertEquals(2525, demo.smtpPort);
    assertEquals(DataDirectory.DEFAULT, demo.data.data);
    // the system file still applies to the other commands
    assertEquals(
        Path.of("/srv/elsewhere"), policyServer(packaged).data.data, "policy-server reads it");
  }

  @Test
  void packaged_dataAndKeysDefaultToVarLibSmtpcr_andHelpSaysSo() {
    Installation packaged = installation(true);
    assertEquals(Path.of("/var/lib/smtpcr"), policyServer(packaged).data.data);
    assertEquals(Path.of("/var/lib/smtpcr/smtpcr.keys"), passcode(packaged).keys.file());
    CommandRun.Result help = CommandRun.run(packaged, "policy-server", "--help");
    assertTrue(help.out().contains("(default: /var/lib/smtpcr,"), help::toString);
    CommandRun.Result keysHelp = CommandRun.run(packaged, "passcode", "--help");
    assertTrue(
        keysHelp.out().replaceAll("\\s+", " ").contains("default: /var/lib/smtpcr/smtpcr.keys"),
        keysHelp::toString);
  }

  @Test
  void notPackaged_dataAndKeysDefaultToSmtpcrData_andHelpSaysSo() {
    Installation plain = installation(false);
    assertEquals(Path.of("smtpcr-data"), policyServer(plain).data.data);
    assertEquals(Path.of("smtpcr-data", "smtpcr.keys"), passcode(plain).keys.file());
    CommandRun.Result help = CommandRun.run(plain, "web", "--help");
    assertTrue(help.out().contains("(default: smtpcr-data,"), help::toString);
  }

  @Test
  void keyFileDefault_followsTheDataDirectoryAFileNames() throws Exception {
    Installation i = withSystemFile("data=/srv/smtpcr\n");
    assertEquals(Path.of("/srv/smtpcr/smtpcr.keys"), passcode(i).keys.file());
  }

  @Test
  void installation_fromSystemProperties() {
    Properties p = new Properties();
    assertEquals(
        new Installation(false, Path.of("/etc/smtpcr/smtpcr.properties")), Installation.from(p));
    p.setProperty("smtpcr.packaged", "true");
    p.setProperty("smtpcr.systemConfig", "/tmp/x.properties");
    assertEquals(new Installation(true, Path.of("/tmp/x.properties")), Installation.from(p));
  }

  /** The build names a system file that does not exist: no test reads the machine's. */
  @Test
  void theBuild_pointsTestsAwayFromTheMachinesSystemFile() {
    String f = System.getProperty(Installation.SYSTEM_CONFIG_PROPERTY);
    assertNotNull(f, "surefire sets " + Installation.SYSTEM_CONFIG_PROPERTY);
    assertFalse(Files.exists(Path.of(f)), f);
    assertFalse(Installation.current().packaged());
  }

  /**
   * A per-command key is {@code smtpcr.<command>.<option>} whatever name the launcher shows ({@code
   * SMTPCR_PROG}); picocli's own lookup used the shown name.
   */
  @Test
  void perCommandKeys_underTheLaunchersName() throws Exception {
    Path keys = tmp.resolve("k.keys");
    assertEquals(0, CommandRun.run("keygen", "--out", keys.toString()).exitCode());
    Path config =
        Files.writeString(
            tmp.resolve("c.properties"), "keys=" + keys + "\nsmtpcr.token.mint.lifetime=3h\n");
    try (ChildProcess mint =
        ChildProcess.smtpcr(
            tmp,
            Map.of("SMTPCR_PROG", "/usr/bin/smtpcr"),
            "--config",
            config.toString(),
            "token",
            "mint",
            "--sender",
            "a@example.org",
            "--recipient",
            "b@example.com")) {
      assertEquals(0, mint.waitFor(Duration.ofMinutes(1)), mint::toString);
      assertEquals(
          Duration.ofHours(3),
          ChallengeTokens.of(KeyRingFile.read(keys)).verify(mint.out().strip()).lifetime());
    }
  }
}

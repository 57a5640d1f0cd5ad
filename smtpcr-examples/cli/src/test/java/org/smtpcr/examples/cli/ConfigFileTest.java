package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRingFile;

final class ConfigFileTest {
  @TempDir Path dir;

  @Test
  void configOption_suppliesOptionDefaultsGlobalAndPerCommand() throws Exception {
    Path keys = dir.resolve("k.keys");
    assertEquals(0, CommandRun.run("keygen", "--out", keys.toString()).exitCode());
    Path config = dir.resolve("c.properties");
    Files.writeString(config, "keys=" + keys + "\nsmtpcr.token.mint.lifetime=3h\n");
    CommandRun.Result r =
        CommandRun.run(
            "--config",
            config.toString(),
            "token",
            "mint",
            "--sender",
            "a@example.org",
            "--recipient",
            "b@example.com");
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(
        Duration.ofHours(3),
        ChallengeTokens.of(KeyRingFile.read(keys)).verify(r.out().strip()).lifetime());
    // the command line wins over the file
    CommandRun.Result r2 =
        CommandRun.run(
            "token",
            "mint",
            "--config=" + config,
            "--lifetime",
            "1h",
            "--sender",
            "a@example.org",
            "--recipient",
            "b@example.com");
    assertEquals(
        Duration.ofHours(1),
        ChallengeTokens.of(KeyRingFile.read(keys)).verify(r2.out().strip()).lifetime());
  }

  @Test
  void dataDirectoryConfig_readWhenPresent() throws Exception {
    Path data = dir.resolve("data");
    assertEquals(0, CommandRun.run("whitelist", "list", "--data", data.toString()).exitCode());
    assertTrue(
        Files.readString(data.resolve(DataDirectory.CONFIG_FILE))
            .startsWith("# smtpcr configuration"));
    Files.writeString(
        data.resolve(DataDirectory.CONFIG_FILE), "smtpcr.whitelist.add.expires=30d\n");
    CommandRun.Result w =
        CommandRun.run("whitelist", "add", "--data", data.toString(), "--sender", "a@example.org");
    assertEquals(0, w.exitCode(), w::toString);
    String line = CommandRun.run("whitelist", "list", "--data", data.toString()).out().strip();
    assertTrue(line.matches("a@example\\.org\t\\*\t\\S+Z\t\\S+Z\tunchecked\tadmin"), line);
  }

  @Test
  void configOption_missingFile_usageError2() {
    CommandRun.Result r =
        CommandRun.run("--config", dir.resolve("nope.properties").toString(), "whitelist", "list");
    assertEquals(2, r.exitCode(), r::toString);
    assertTrue(r.err().contains("does not exist"), r::toString);
  }
}

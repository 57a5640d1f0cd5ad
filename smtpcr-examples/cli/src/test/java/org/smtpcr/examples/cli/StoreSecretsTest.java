package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;

/**
 * Database passwords: never on the command line; from a file, the configuration file or the
 * environment. The configuration file is checked like the key file. The data directory's own H2
 * database has a random password beside it.
 */
final class StoreSecretsTest {
  @TempDir Path tmp;

  private String data() {
    return tmp.resolve("data").toString();
  }

  @Test
  void passwordOnTheCommandLine_refusedSayingWhereItGoes() {
    CommandRun.Result option =
        CommandRun.run("whitelist", "list", "--data", data(), "--store-password", "hunter2");
    assertEquals(2, option.exitCode(), option::toString);
    assertTrue(option.err().contains("--store-password-file"), option::toString);
    assertTrue(option.err().contains("SMTPCR_STORE_PASSWORD"), option::toString);
    assertFalse(option.err().contains("hunter2"), option::toString);

    CommandRun.Result url =
        CommandRun.run(
            "whitelist",
            "list",
            "--data",
            data(),
            "--store",
            "jdbc:postgresql://127.0.0.1/smtpcr?user=smtpcr&password=hunter2");
    assertEquals(2, url.exitCode(), url::toString);
    assertTrue(url.err().contains("SMTPCR_STORE_PASSWORD"), url::toString);
    assertFalse(url.err().contains("hunter2"), url::toString);

    CommandRun.Result server =
        CommandRun.run("policy-server", "--data", data(), "--store-password", "hunter2");
    assertEquals(2, server.exitCode(), server::toString);
  }

  @Test
  void passwordFile_orConfigurationFile_opensAStoreThatNeedsIt() throws Exception {
    Path db = tmp.resolve("ext/whitelist");
    String store = "jdbc:h2:file:" + db;
    Path pw = tmp.resolve("db.password");
    Files.writeString(pw, "p4ssw0rd\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    CommandRun.Result add =
        CommandRun.run(
            "whitelist",
            "add",
            "--data",
            data(),
            "--store",
            store,
            "--store-password-file",
            pw.toString(),
            "--sender",
            "alice@example.org");
    assertEquals(0, add.exitCode(), add::toString);
    SQLException wrong =
        assertThrows(
            SQLException.class, () -> DriverManager.getConnection(store, "sa", "").close());
    assertEquals(ErrorCode.WRONG_USER_OR_PASSWORD, wrong.getErrorCode());

    Path config = tmp.resolve("smtpcr.properties");
    Files.writeString(config, "store=" + store + "\nstore.password=p4ssw0rd\n");
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    CommandRun.Result list =
        CommandRun.run("--config", config.toString(), "whitelist", "list", "--data", data());
    assertEquals(0, list.exitCode(), list::toString);
    assertTrue(list.out().startsWith("alice@example.org\t*\t"), list::toString);

    CommandRun.Result without =
        CommandRun.run("whitelist", "list", "--data", data(), "--store", store);
    assertEquals(1, without.exitCode(), without::toString);
  }

  @Test
  void configFile_readableByOthers_warnsLikeTheKeyFile() throws Exception {
    Path config = tmp.resolve("c.properties");
    Files.writeString(config, "data=" + data() + "\n");
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    String loose = logOf("--config", config.toString(), "whitelist", "list");
    assertTrue(
        loose.contains(
            "configuration file "
                + config
                + " has mode rw-r--r--; group or others can read it. Run: chmod 600 "
                + config),
        loose);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    assertFalse(logOf("--config", config.toString(), "whitelist", "list").contains("chmod"));
    // the template a new data directory gets is private from the start
    Path template = tmp.resolve("data").resolve(DataDirectory.CONFIG_FILE);
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(template)));
  }

  @Test
  void ownH2Database_getsARandomPasswordAtMode600() throws Exception {
    assertEquals(
        0,
        CommandRun.run("whitelist", "add", "--data", data(), "--sender", "alice@example.org")
            .exitCode());
    Path pw = tmp.resolve("data").resolve(DataDirectory.H2_PASSWORD_FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pw)));
    String password = Files.readString(pw).strip();
    assertTrue(password.matches("[0-9a-f]{64}"), "64 hex digits");
    String url;
    try (DataDirectory d = DataDirectory.open(tmp.resolve("data"))) {
      url = d.h2Url();
    }
    SQLException wrong =
        assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "sa", "").close());
    assertEquals(ErrorCode.WRONG_USER_OR_PASSWORD, wrong.getErrorCode());
    try (Connection c = DriverManager.getConnection(url, "sa", password)) {
      assertTrue(c.isValid(5));
    }
  }

  @Test
  void ownH2Database_madeWithoutAPassword_getsOneOnFirstOpenAndKeepsItsEntries() throws Exception {
    String url;
    try (DataDirectory d = DataDirectory.open(tmp.resolve("data"))) {
      url = d.h2Url();
    }
    // as a release before 0.3.0 left it: user sa, no password
    JdbcDataSource old = new JdbcDataSource();
    old.setURL(url);
    old.setUser("sa");
    old.setPassword("");
    JdbcWhitelistStore store = JdbcWhitelistStore.builder().dataSource(old).build();
    store.add(WhitelistKey.globalSender(CanonicalAddress.parseCanonical("alice@example.org")));
    assertEquals(1, store.count());
    try (Connection c = old.getConnection()) {
      c.createStatement().execute("SHUTDOWN");
    }

    CommandRun.Result list = CommandRun.run("whitelist", "list", "--data", data());
    assertEquals(0, list.exitCode(), list::toString);
    assertTrue(list.out().startsWith("alice@example.org\t*\t"), list::toString);
    SQLException wrong =
        assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "sa", "").close());
    assertEquals(ErrorCode.WRONG_USER_OR_PASSWORD, wrong.getErrorCode());
    // and again, now with the password
    assertEquals(0, CommandRun.run("whitelist", "list", "--data", data()).exitCode());
  }

  @Test
  void ownH2Database_passwordFileLost_isAnErrorNeverANewPassword() throws Exception {
    try (DataDirectory d = DataDirectory.open(tmp.resolve("data"))) {
      d.store()
          .add(WhitelistKey.globalSender(CanonicalAddress.parseCanonical("alice@example.org")));
    }
    Path file = tmp.resolve("data").resolve(DataDirectory.H2_PASSWORD_FILE);
    Files.delete(file);

    CommandRun.Result list = CommandRun.run("whitelist", "list", "--data", data());
    assertNotEquals(0, list.exitCode(), list::toString);
    assertTrue(list.err().contains("restore that file from a backup"), list::toString);
  }

  /** What slf4j-simple logs (to the current System.err) while the command runs. */
  private static String logOf(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      CommandRun.Result r = CommandRun.run(args);
      assertEquals(0, r.exitCode(), r::toString);
    } finally {
      System.setErr(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}

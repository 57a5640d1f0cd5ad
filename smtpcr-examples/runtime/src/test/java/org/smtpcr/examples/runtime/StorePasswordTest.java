package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the store's password comes from: a setting, a file, or the environment. */
final class StorePasswordTest {
  private static final String URL = "jdbc:postgresql://db.example/smtpcr?user=smtpcr";

  @TempDir Path dir;

  private static Function<String, Optional<String>> settings(Map<String, String> m) {
    return name -> Optional.ofNullable(m.get(name));
  }

  private static Function<String, Optional<String>> env(String password) {
    return name ->
        name.equals(StoreSpec.PASSWORD_ENVIRONMENT) ? Optional.of(password) : Optional.empty();
  }

  @Test
  void environment_givesThePasswordWhenNoSettingDoes() {
    StoreSpec s = StoreSpec.parse(settings(Map.of(StoreSpec.URL, URL)), env("from-env"));
    assertEquals(Optional.of("from-env"), s.password());
    assertFalse(s.toString().contains("from-env"));
    StoreSpec none = StoreSpec.parse(settings(Map.of(StoreSpec.URL, URL)), n -> Optional.empty());
    assertEquals(Optional.empty(), none.password());
  }

  @Test
  void passwordFile_firstLineWithoutLineEnd_winsOverTheEnvironment() throws Exception {
    Path f = dir.resolve("db.password");
    Files.writeString(f, "s3cret pass\nignored\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    StoreSpec s =
        StoreSpec.parse(
            settings(Map.of(StoreSpec.URL, URL, StoreSpec.PASSWORD_FILE, f.toString())),
            env("from-env"));
    assertEquals(Optional.of("s3cret pass"), s.password());
  }

  @Test
  void passwordSetting_winsOverTheEnvironment_butNotWithAFileToo() throws Exception {
    assertEquals(
        Optional.of("given"),
        StoreSpec.parse(settings(Map.of(StoreSpec.URL, URL, StoreSpec.PASSWORD, "given")), env("e"))
            .password());
    Path f = dir.resolve("db.password");
    Files.writeString(f, "x\n");
    IllegalArgumentException both =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                StoreSpec.parse(
                    settings(
                        Map.of(
                            StoreSpec.URL,
                            URL,
                            StoreSpec.PASSWORD,
                            "given",
                            StoreSpec.PASSWORD_FILE,
                            f.toString())),
                    env("e")));
    assertTrue(both.getMessage().contains("not both"), both::getMessage);
    assertFalse(both.getMessage().contains("given"));
  }

  @Test
  void passwordFile_missingOrEmpty_isAnErrorNamingTheFileNotTheContent() throws Exception {
    Path missing = dir.resolve("nope");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                StoreSpec.parse(
                    settings(
                        Map.of(StoreSpec.URL, URL, StoreSpec.PASSWORD_FILE, missing.toString())),
                    env("e")));
    assertTrue(e.getMessage().contains(missing + " cannot be read"), e::getMessage);
    Path empty = dir.resolve("empty");
    Files.writeString(empty, "\n");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            StoreSpec.parse(
                settings(Map.of(StoreSpec.URL, URL, StoreSpec.PASSWORD_FILE, empty.toString())),
                env("e")));
  }

  @Test
  void settings_passwordFileReachesTheSpecByItsKey() throws Exception {
    Path f = dir.resolve("db.password");
    Files.writeString(f, "pw\n");
    Settings s =
        Settings.read(
            SettingSource.of(Map.of("store.url", URL, "storePasswordFile", f.toString())));
    assertEquals(Optional.of("pw"), StoreSpec.from(s).orElseThrow().password());
  }

  @Test
  void permissionProblem_groupOrOthersMayRead_namesTheFileAndTheFix() throws Exception {
    Path f = dir.resolve("c.properties");
    Files.writeString(f, "x=1\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals(
        Optional.of(
            "configuration file "
                + f
                + " has mode rw-r--r--; group or others can read it. Run: chmod 600 "
                + f),
        SecretFiles.permissionProblem(f, "configuration file"));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertEquals(Optional.empty(), SecretFiles.permissionProblem(f, "configuration file"));
  }

  @Test
  void readOrCreate_makesAPrivateFileOnceAndNeverReplacesIt() throws Exception {
    Path f = dir.resolve("secret");
    assertEquals("one\n", SecretFiles.readOrCreate(f, () -> "one\n"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    assertEquals("one\n", SecretFiles.readOrCreate(f, () -> "two\n"));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left");
    }
  }
}

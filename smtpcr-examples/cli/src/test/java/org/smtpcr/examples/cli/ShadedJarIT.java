package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code target/smtpcr.jar} as users run it, {@code java -jar smtpcr.jar ...}: run by
 * Failsafe in {@code mvn verify}, after {@code package} made the jar.
 */
final class ShadedJarIT {
  private static final Duration WAIT = Duration.ofMinutes(2);

  @TempDir Path tmp;

  private static Path jar() {
    Path jar = Path.of(System.getProperty("smtpcr.jar", "target/smtpcr.jar"));
    assertTrue(
        Files.isRegularFile(jar),
        "the shaded jar is missing: " + jar + " (run mvn verify, not only test)");
    return jar;
  }

  private ChildProcess smtpcr(String... args) throws Exception {
    return ChildProcess.java(tmp, List.of("-jar", jar().toAbsolutePath().toString()), args);
  }

  @Test
  void javaJar_tokenMintThenVerify_roundTrips() throws Exception {
    ChildProcess keygen = smtpcr("keygen", "--out", "k.keys");
    assertEquals(0, keygen.waitFor(WAIT), keygen::toString);
    ChildProcess mint =
        smtpcr(
            "token",
            "mint",
            "--keys",
            "k.keys",
            "--sender",
            "Alice@Example.org",
            "--recipient",
            "bob+x@example.com",
            "--lifetime",
            "2h");
    assertEquals(0, mint.waitFor(WAIT), mint::toString);
    String token = mint.out().strip();
    assertTrue(token.matches("[a-z2-7]{20,}"), mint::toString);
    ChildProcess verify = smtpcr("token", "verify", "--keys", "k.keys", token);
    assertEquals(0, verify.waitFor(WAIT), verify::toString);
    assertTrue(
        verify.out().contains("\"sender\":\"alice@example.org\",\"recipient\":\"bob@example.com\""),
        verify::toString);
    assertTrue(verify.out().contains("\"lifetimeMinutes\":120"), verify::toString);
    int i = token.length() - 3;
    String tampered =
        token.substring(0, i) + (token.charAt(i) == 'a' ? 'b' : 'a') + token.substring(i + 1);
    ChildProcess bad = smtpcr("token", "verify", "--keys", "k.keys", tampered);
    assertEquals(1, bad.waitFor(WAIT), bad::toString);
  }

  @Test
  void javaJar_versionHelpAndUsageErrors_exitCodes() throws Exception {
    ChildProcess version = smtpcr("--version");
    assertEquals(0, version.waitFor(WAIT), version::toString);
    assertTrue(
        version.out().startsWith("smtpcr " + System.getProperty("smtpcr.version", "")),
        version::toString);
    ChildProcess usage = smtpcr("token", "mint");
    assertEquals(2, usage.waitFor(WAIT), usage::toString);
  }

  @Test
  void javaJar_whitelistOnH2_worksAndLogsThroughTheBinding() throws Exception {
    ChildProcess add = smtpcr("whitelist", "add", "--data", "d", "--sender", "@example.org");
    assertEquals(0, add.waitFor(WAIT), add::toString);
    ChildProcess list = smtpcr("whitelist", "list", "--data", "d");
    assertEquals(0, list.waitFor(WAIT), list::toString);
    assertTrue(list.out().startsWith("@example.org\t*\t"), list::toString);
    // slf4j-simple is bound, and standard error puts the time in front (not under systemd)
    assertTrue(
        add.err()
            .lines()
            .anyMatch(
                l ->
                    l.matches(
                        "\\d\\d:\\d\\d:\\d\\d \\[INFO\\] DataDirectory - created data directory .*")),
        "slf4j-simple is bound: " + add);
    assertTrue(!add.err().contains("SLF4J"), "no SLF4J warnings: " + add);
  }

  @Test
  void launcher_freshJar_runsItWithoutBuilding() throws Exception {
    Path launcher =
        Path.of(System.getProperty("smtpcr.launcher", "../../smtpcr")).toAbsolutePath().normalize();
    assertTrue(Files.isExecutable(launcher), launcher::toString);
    ProcessBuilder pb =
        new ProcessBuilder(launcher.toString(), "--version").directory(tmp.toFile());
    pb.environment()
        .put("SMTPCR_NO_BUILD", "1"); // fail rather than build: the jar was just packaged
    pb.environment().put("JAVA_OPTS", String.join(" ", ChildProcess.systemConfig()));
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), () -> out + err);
    assertTrue(out.startsWith("smtpcr "), out);
    ProcessBuilder usage =
        new ProcessBuilder(launcher.toString(), "whitelist").directory(tmp.toFile());
    usage.environment().put("SMTPCR_NO_BUILD", "1");
    usage.environment().put("JAVA_OPTS", String.join(" ", ChildProcess.systemConfig()));
    usage.redirectErrorStream(true);
    Process u = usage.start();
    u.getOutputStream().close();
    String text = new String(u.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(u.waitFor(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(2, u.exitValue(), text);
    assertTrue(
        text.contains("Usage: " + launcher + " whitelist"),
        "the launcher's name in usage: " + text);
  }

  @Test
  void jar_servicesMerged_bothJdbcDriversAndTheLoggingBinding() throws Exception {
    try (JarFile jar = new JarFile(jar().toFile())) {
      String drivers =
          new String(
              jar.getInputStream(jar.getEntry("META-INF/services/java.sql.Driver")).readAllBytes(),
              StandardCharsets.UTF_8);
      assertTrue(drivers.contains("org.h2.Driver"), drivers);
      assertTrue(drivers.contains("org.postgresql.Driver"), drivers);
      assertTrue(jar.getEntry("META-INF/services/org.slf4j.spi.SLF4JServiceProvider") != null);
      assertEquals(
          Main.class.getName(), jar.getManifest().getMainAttributes().getValue("Main-Class"));
      assertTrue(
          jar.stream().noneMatch(e -> e.getName().matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)")),
          "no signatures");
    }
  }

  @Test
  void javaJar_demoChecksSpf_logsItsOwnLine_neverJspfsStackTraces() throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                TestDns.withDns("demo", "--data", "d", "--smtp-port", "0", "--http-port", "0")));
    try (ChildProcess demo = smtpcr(args.toArray(String[]::new))) {
      demo.awaitOut(o -> o.contains("5. See who is whitelisted"), WAIT);
      java.util.regex.Matcher smtp =
          java.util.regex.Pattern.compile("SMTP server +127\\.0\\.0\\.1:(\\d+) ")
              .matcher(demo.out());
      assertTrue(smtp.find(), demo::toString);
      MailClients.SwaksRun run =
          MailClients.swaks(
              Integer.parseInt(smtp.group(1)),
              "--from",
              "alice@sender.example",
              "--to",
              "bob@example.com",
              "--quit-after",
              "RCPT");
      assertTrue(run.output().contains("550 5.7.1 http://127.0.0.1:"), run::toString);
      demo.terminate();
      demo.waitFor(WAIT);
      assertTrue(!demo.err().contains("org.apache.james.jspf"), demo::toString);
      assertTrue(!demo.err().contains("Exception"), demo::toString);
    }
  }
}

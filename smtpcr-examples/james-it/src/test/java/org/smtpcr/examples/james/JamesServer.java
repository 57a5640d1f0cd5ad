package org.smtpcr.examples.james;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Apache James 3.8.1 memory server, run as a child process on loopback ports: the jars the
 * build assembled ({@code smtpcr-examples-james-it-server}), a {@code conf/} made from this
 * module's {@code james-conf/} resources, and an {@code extensions-jars/} folder filled as
 * docs/james.md tells an operator to fill it.
 */
final class JamesServer implements AutoCloseable {
  /** The configuration files copied from the {@code james-conf/} resources. */
  static final List<String> CONF_FILES =
      List.of(
          "dnsservice.xml",
          "domainlist.xml",
          "imapserver.xml",
          "jmap.properties",
          "jmx.properties",
          "jvm.properties",
          "lmtpserver.xml",
          "logback.xml",
          "mailetcontainer.xml",
          "mailrepositorystore.xml",
          "managesieveserver.xml",
          "pop3server.xml",
          "recipientrewritetable.xml",
          "smtpserver.xml",
          "usersrepository.xml",
          "webadmin.properties");

  private static final Pattern STARTED = Pattern.compile("JAMES server started");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final ChildJvm process;
  private final Path home;
  private final int smtpPort;
  private final int imapPort;
  private final int webadminPort;

  private JamesServer(ChildJvm process, Path home, int smtp, int imap, int webadmin) {
    this.process = process;
    this.home = home;
    this.smtpPort = smtp;
    this.imapPort = imap;
    this.webadminPort = webadmin;
  }

  /**
   * Makes a James home in {@code home} (emptied first) and starts James there.
   *
   * @param lib James's {@code james-server-memory-app.lib} folder
   * @param extensionJars the jars to put into {@code extensions-jars/}
   * @param placeholders {@code @NAME@} to text, for the configuration templates ({@code SMTP_PORT},
   *     {@code IMAP_PORT} and {@code WEBADMIN_PORT} are added here)
   */
  static JamesServer start(
      Path home, Path lib, List<Path> extensionJars, Map<String, String> placeholders)
      throws IOException {
    if (!Files.isDirectory(lib)) {
      throw new IOException(
          "James 3.8.1 is not assembled at "
              + lib
              + ": build with `mvn verify` from the project root");
    }
    deleteTree(home);
    Path conf = Files.createDirectories(home.resolve("conf"));
    Path extensions = Files.createDirectories(home.resolve("extensions-jars"));
    for (Path jar : extensionJars) {
      Files.copy(jar, extensions.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
    int smtp = freePort();
    int imap = freePort();
    int webadmin = freePort();
    Map<String, String> values = new java.util.HashMap<>(placeholders);
    values.put("SMTP_PORT", Integer.toString(smtp));
    values.put("IMAP_PORT", Integer.toString(imap));
    values.put("WEBADMIN_PORT", Integer.toString(webadmin));
    for (String name : CONF_FILES) {
      String text = resource("james-conf/" + name);
      for (Map.Entry<String, String> e : values.entrySet()) {
        text = text.replace("@" + e.getKey() + "@", e.getValue());
      }
      if (text.matches("(?s).*@[A-Z_]+@.*")) {
        throw new IllegalStateException(name + " still has a placeholder: " + text);
      }
      Files.writeString(conf.resolve(name), text, UTF_8);
    }
    ChildJvm jvm =
        ChildJvm.start(
            "james",
            List.of(
                "-Xmx384m",
                "-Dworking.directory=" + home,
                "-Dlogback.configurationFile=" + conf.resolve("logback.xml"),
                "-cp",
                lib.toAbsolutePath() + "/*",
                "org.apache.james.MemoryJamesServerMain"),
            home,
            home.resolve("james.log"),
            STARTED,
            START_TIMEOUT);
    return new JamesServer(jvm, home, smtp, imap, webadmin);
  }

  int smtpPort() {
    return smtpPort;
  }

  int imapPort() {
    return imapPort;
  }

  int webadminPort() {
    return webadminPort;
  }

  Path home() {
    return home;
  }

  /** What James logged last, for failure messages. */
  String logTail() {
    return process.tail();
  }

  @Override
  public void close() {
    process.close();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String resource(String name) throws IOException {
    try (InputStream in = JamesServer.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no resource " + name);
      }
      return new String(in.readAllBytes(), UTF_8);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}

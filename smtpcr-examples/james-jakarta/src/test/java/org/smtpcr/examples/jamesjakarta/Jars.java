package org.smtpcr.examples.jamesjakarta;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/** The jars under test, named by the build, and what the tests read from them. */
final class Jars {
  static final String PACKAGE = "org/smtpcr/examples/james/";
  static final String VERSIONED = "META-INF/versions/17/";

  /** The classes an operator names in James's configuration. */
  static final List<String> CONFIGURED =
      List.of(
          "SmtpcrRcptHook",
          "SmtpcrMessageHook",
          "SmtpcrReplyHandler",
          "SmtpcrLearnRecipients",
          "SenderIsWhitelisted");

  private Jars() {}

  /** smtpcr-examples-james (javax.mail, James 3.8). */
  static Path javaxJar() {
    return path("smtpcr.javax.jar");
  }

  /** smtpcr-examples-james-jakarta (jakarta.mail, James 3.9). */
  static Path jakartaJar() {
    return path("smtpcr.jakarta.jar");
  }

  static Path path(String property) {
    String p = System.getProperty(property);
    if (p == null || p.isBlank()) {
      throw new IllegalStateException("the build sets the system property " + property);
    }
    return Path.of(p);
  }

  /** The names of the jar's class files, as stored (base and versioned). */
  static List<String> classEntries(Path jar) {
    List<String> names = new ArrayList<>();
    try (JarFile f = new JarFile(jar.toFile())) {
      for (JarEntry e : Collections.list(f.entries())) {
        if (e.getName().endsWith(".class")) {
          names.add(e.getName());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  /** The bytes of one entry as stored, whatever the running Java (no Multi-Release lookup). */
  static byte[] entry(Path jar, String name) {
    try (JarFile f = new JarFile(jar.toFile())) {
      JarEntry e = f.getJarEntry(name);
      if (e == null) {
        throw new IllegalArgumentException(jar + " has no entry " + name);
      }
      try (InputStream in = f.getInputStream(e)) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The major version of a class file: 55 is Java 11, 61 Java 17, 65 Java 21. */
  static int classVersion(byte[] classFile) {
    if (classFile.length < 8
        || (classFile[0] & 0xff) != 0xca
        || (classFile[1] & 0xff) != 0xfe
        || (classFile[2] & 0xff) != 0xba
        || (classFile[3] & 0xff) != 0xbe) {
      throw new IllegalArgumentException("not a class file");
    }
    return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
  }

  /** Whether {@code bytes} contains the ASCII text {@code text} (class file constants). */
  static boolean contains(byte[] bytes, String text) {
    byte[] t = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + t.length <= bytes.length; i++) {
      for (int j = 0; j < t.length; j++) {
        if (bytes[i + j] != t[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}

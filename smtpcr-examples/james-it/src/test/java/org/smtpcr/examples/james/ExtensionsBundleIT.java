package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployable zip against the jars of a real James 3.8.1: James loads {@code extensions-jars/}
 * with its own class loader as parent, so a class James has would be James's copy. The zip must
 * hold only jars James lacks, and none of their classes may be James's too (a renamed artifact,
 * such as Bouncy Castle's jdk15on and jdk18on, would otherwise slip through).
 */
final class ExtensionsBundleIT {
  private static final Path UNIT = Path.of(System.getProperty("smtpcr.james.extensions"));
  private static final Path JAMES_LIB = Path.of(System.getProperty("smtpcr.james.lib"));
  private static final String VERSION = System.getProperty("smtpcr.version");
  private static final String HIKARICP = System.getProperty("smtpcr.hikaricp.version");
  private static final String H2 = System.getProperty("smtpcr.h2.version");
  private static final String POSTGRESQL = System.getProperty("smtpcr.postgresql.version");

  @Test
  void extensionsJars_areExactlyTheDocumentedOnes() throws IOException {
    assertEquals(
        List.of(
            "HikariCP-" + HIKARICP + ".jar",
            "smtpcr-auth-" + VERSION + ".jar",
            "smtpcr-core-" + VERSION + ".jar",
            "smtpcr-examples-james-" + VERSION + ".jar",
            "smtpcr-examples-runtime-" + VERSION + ".jar",
            "smtpcr-tokens-" + VERSION + ".jar"),
        names(UNIT.resolve("extensions-jars")));
    assertEquals(
        List.of("h2-" + H2 + ".jar", "postgresql-" + POSTGRESQL + ".jar"),
        names(UNIT.resolve("jdbc-drivers")));
  }

  @Test
  void extensionsJars_shareNoClassWithJames381() throws IOException {
    Map<String, String> jamesClasses = new HashMap<>();
    for (Path jar : jars(JAMES_LIB)) {
      for (String c : classes(jar)) {
        jamesClasses.putIfAbsent(c, jar.getFileName().toString());
      }
    }
    assertTrue(jamesClasses.size() > 10_000, "James's jars read: " + jamesClasses.size());
    Map<String, String> shared = new TreeMap<>();
    for (Path jar : jars(UNIT.resolve("extensions-jars"))) {
      for (String c : classes(jar)) {
        String theirs = jamesClasses.get(c);
        if (theirs != null) {
          shared.put(c, jar.getFileName() + " and " + theirs);
        }
      }
    }
    assertEquals(Map.of(), shared, "classes in extensions-jars/ that James 3.8.1 has too");
  }

  @Test
  void jamesShipsTheLibrariesTheZipLeavesOut() throws IOException {
    List<String> james = names(JAMES_LIB);
    for (String prefix :
        List.of(
            "guava-31.1-jre",
            "slf4j-api-2.0.6",
            "bcprov-jdk15on-1.70",
            "dnsjava-3.5.2",
            "apache-jspf-resolver-1.0.3",
            "apache-jdkim-library-0.3",
            "apache-mime4j-core-0.8.9",
            "apache-mime4j-dom-0.8.9",
            "commons-io-2.11.0",
            "commons-cli-1.5.0")) {
      assertTrue(
          james.contains(prefix + ".jar"), prefix + " in James 3.8.1, as docs/james.md says");
    }
  }

  private static List<String> names(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    for (Path p : jars(dir)) {
      names.add(p.getFileName().toString());
    }
    return names;
  }

  private static List<Path> jars(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    }
  }

  /** The class files of a jar, Multi-Release versions and module descriptors left out. */
  private static List<String> classes(Path jar) throws IOException {
    List<String> out = new ArrayList<>();
    try (JarFile f = new JarFile(jar.toFile())) {
      Enumeration<JarEntry> e = f.entries();
      while (e.hasMoreElements()) {
        String n = e.nextElement().getName();
        if (n.endsWith(".class")
            && !n.startsWith("META-INF/")
            && !n.endsWith("module-info.class")
            && !n.endsWith("package-info.class")) {
          out.add(n);
        }
      }
    }
    return out;
  }
}

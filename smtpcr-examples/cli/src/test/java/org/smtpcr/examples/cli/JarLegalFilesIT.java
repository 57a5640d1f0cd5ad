package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.Splitter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Licence files and manifest of the jars the build makes: {@code smtpcr.jar} is a Multi-Release jar
 * with SMTPCR's LICENSE, the merged NOTICE and the bundled libraries' licences; each SMTPCR
 * module's own jar (on this test's class path in {@code mvn verify}) has LICENSE and NOTICE.
 */
final class JarLegalFilesIT {
  private static final Path ROOT =
      Path.of(System.getProperty("smtpcr.root", "../..")).toAbsolutePath().normalize();

  private static Path shadedJar() {
    Path jar = Path.of(System.getProperty("smtpcr.jar", "target/smtpcr.jar"));
    assertTrue(Files.isRegularFile(jar), "the shaded jar is missing: " + jar);
    return jar;
  }

  private static byte[] entry(JarFile jar, String name) throws IOException {
    JarEntry e = jar.getJarEntry(name);
    assertNotNull(e, name + " in " + jar.getName());
    try (InputStream in = jar.getInputStream(e)) {
      return in.readAllBytes();
    }
  }

  @Test
  void shadedJar_manifest_isMultiReleaseWithMainClass() throws IOException {
    try (JarFile jar = new JarFile(shadedJar().toFile())) {
      assertEquals("true", jar.getManifest().getMainAttributes().getValue("Multi-Release"));
      assertEquals(
          "org.smtpcr.examples.cli.Main",
          jar.getManifest().getMainAttributes().getValue("Main-Class"));
      // a bundled library's Java 9+ classes are there, and now read
      assertTrue(
          jar.stream().anyMatch(e -> e.getName().startsWith("META-INF/versions/")),
          "META-INF/versions/ entries in smtpcr.jar");
    }
  }

  @Test
  void shadedJar_carriesOurLicenceAndTheLibrariesNotices() throws IOException {
    String notice = Files.readString(ROOT.resolve("NOTICE"), StandardCharsets.UTF_8);
    try (JarFile jar = new JarFile(shadedJar().toFile())) {
      assertArrayEquals(
          Files.readAllBytes(ROOT.resolve("LICENSE")), entry(jar, "META-INF/LICENSE"));
      String merged = new String(entry(jar, "META-INF/NOTICE"), StandardCharsets.UTF_8);
      // maven-shade's ApacheNoticeResourceTransformer writes its own header from our NOTICE's first
      // lines and keeps the rest of it, paragraph by paragraph
      assertTrue(
          merged.strip().startsWith("SMTPCR\nCopyright "), "SMTPCR's NOTICE first:\n" + merged);
      for (String paragraph : Splitter.on("\n\n").omitEmptyStrings().split(notice.strip())) {
        assertTrue(merged.contains(paragraph), paragraph + "\n in the merged NOTICE:\n" + merged);
      }
      assertTrue(
          merged.length() > notice.length() + 100, "the libraries' notices follow:\n" + merged);
      String thirdParty =
          new String(entry(jar, "META-INF/THIRD-PARTY.txt"), StandardCharsets.UTF_8);
      for (String library : List.of("picocli", "jetty-server", "netty-handler", "h2", "guava")) {
        assertTrue(thirdParty.contains(library), library + " in THIRD-PARTY.txt:\n" + thirdParty);
      }
      TreeSet<String> licensed = new TreeSet<>();
      jar.stream()
          .map(JarEntry::getName)
          .filter(n -> n.startsWith("META-INF/licenses/") && !n.endsWith("/"))
          .forEach(n -> licensed.add(Splitter.on('/').splitToList(n).get(2)));
      assertTrue(
          licensed.stream().anyMatch(d -> d.startsWith("dnsjava-"))
              && licensed.stream().anyMatch(d -> d.startsWith("guava-")),
          "the libraries' own licence files under META-INF/licenses/: " + licensed);
    }
  }

  @Test
  void moduleJars_eachHaveLicenseAndNotice() throws IOException {
    byte[] license = Files.readAllBytes(ROOT.resolve("LICENSE"));
    byte[] notice = Files.readAllBytes(ROOT.resolve("NOTICE"));
    List<String> checked = new ArrayList<>();
    for (String entry :
        Splitter.on(File.pathSeparatorChar).split(System.getProperty("java.class.path"))) {
      Path p = Path.of(entry);
      String name = p.getFileName().toString();
      if (!name.startsWith("smtpcr-") || !name.endsWith(".jar") || name.endsWith("-tests.jar")) {
        continue;
      }
      try (JarFile jar = new JarFile(p.toFile())) {
        assertArrayEquals(license, entry(jar, "META-INF/LICENSE"), name);
        assertArrayEquals(notice, entry(jar, "META-INF/NOTICE"), name);
      }
      checked.add(name.replaceAll("-[0-9].*", ""));
    }
    assertTrue(
        checked.containsAll(
            List.of(
                "smtpcr-tokens",
                "smtpcr-core",
                "smtpcr-examples-runtime",
                "smtpcr-examples-web",
                "smtpcr-examples-smtp-server",
                "smtpcr-examples-policy-server")),
        "the module jars on the class path (in mvn verify, not from target/classes): " + checked);
  }
}

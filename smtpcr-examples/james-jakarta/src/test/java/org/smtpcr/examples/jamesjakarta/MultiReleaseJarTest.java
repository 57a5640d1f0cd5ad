package org.smtpcr.examples.jamesjakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java 17 guard of both jars (smtpcr-examples-james and its jakarta.mail transformation): a
 * Multi-Release jar whose base holds Java 11 stand-ins for the classes James's configuration names,
 * and whose {@code META-INF/versions/17/} holds the real classes.
 */
final class MultiReleaseJarTest {
  private static final String GUARD = "org.smtpcr.examples.james.Java17Guard";

  static Stream<Path> jars() {
    return Stream.of(Jars.javaxJar(), Jars.jakartaJar());
  }

  @ParameterizedTest
  @MethodSource("jars")
  void layout_java11StandInsAtTheBase_java17ClassesVersioned(Path jar) throws IOException {
    Set<String> base = new TreeSet<>();
    Set<String> versioned = new TreeSet<>();
    for (String name : Jars.classEntries(jar)) {
      int version = Jars.classVersion(Jars.entry(jar, name));
      if (name.startsWith(Jars.VERSIONED)) {
        assertEquals(61, version, name + " is a Java 17 class file");
        versioned.add(name.substring(Jars.VERSIONED.length()));
      } else {
        assertTrue(!name.startsWith("META-INF/"), name);
        assertEquals(55, version, name + " is a Java 11 class file");
        base.add(name);
      }
    }
    Set<String> expectedBase = new TreeSet<>();
    for (String c : Jars.CONFIGURED) {
      expectedBase.add(Jars.PACKAGE + c + ".class");
    }
    expectedBase.add(GUARD.replace('.', '/') + ".class");
    assertEquals(expectedBase, base, "the base holds the stand-ins and the guard, nothing else");
    for (String c : Jars.CONFIGURED) {
      assertTrue(versioned.contains(Jars.PACKAGE + c + ".class"), c);
    }
    assertTrue(versioned.contains(Jars.PACKAGE + "HookConfig.class"), "every real class");
    try (JarFile f = new JarFile(jar.toFile())) {
      assertEquals("true", f.getManifest().getMainAttributes().getValue("Multi-Release"));
    }
  }

  @ParameterizedTest
  @MethodSource("jars")
  void multiReleaseLoader_onJava17OrLater_readsTheRealClasses(Path jar) throws IOException {
    assertTrue(Runtime.version().feature() >= 17);
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      for (String c : Jars.CONFIGURED) {
        try (InputStream in = loader.getResourceAsStream(Jars.PACKAGE + c + ".class")) {
          assertEquals(61, Jars.classVersion(in.readAllBytes()), c);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("jars")
  void loaderIgnoringMultiRelease_standInsFailWithAClearMessage(Path jar) throws Exception {
    for (String c : Jars.CONFIGURED) {
      String name = "org.smtpcr.examples.james." + c;
      BaseEntriesClassLoader loader = new BaseEntriesClassLoader(jar);
      // James (Guice) looks for a public class with a public no-argument constructor first
      Class<?> standIn = Class.forName(name, false, loader);
      assertTrue(Modifier.isPublic(standIn.getModifiers()), name);
      assertTrue(Modifier.isPublic(standIn.getConstructor().getModifiers()), name);

      UnsupportedClassVersionError e =
          assertThrows(
              UnsupportedClassVersionError.class, () -> standIn.getConstructor().newInstance());
      assertEquals(
          "SMTPCR: "
              + name
              + " was loaded from the Java 11 part of SMTPCR's Multi-Release jar, by a class loader"
              + " that ignores Multi-Release jars ("
              + loader
              + "), on Java "
              + Runtime.version()
              + " ("
              + Path.of(System.getProperty("java.home"), "bin", "java")
              + "). Load the jar with a class loader that honours Multi-Release jars, such as"
              + " java.net.URLClassLoader (James's extensions-jars/ folder does), or unpack its"
              + " META-INF/versions/17/ entries.",
          e.getMessage());
    }
  }

  /** Java 11 to 16 (a JVM this build cannot run) is the version passed to the guard's check. */
  @Test
  void olderJava_messageSaysRunJamesOnJava17() throws Exception {
    Class<?> guard = Class.forName(GUARD, false, new BaseEntriesClassLoader(Jars.javaxJar()));
    Method message =
        guard.getDeclaredMethod(
            "message", String.class, int.class, String.class, String.class, String.class);
    message.setAccessible(true);
    String hook = "org.smtpcr.examples.james.SmtpcrRcptHook";
    for (int feature : List.of(11, 16)) {
      assertEquals(
          "SMTPCR needs Java 17 or later; this James runs on Java "
              + feature
              + ".0.2+9 (/usr/lib/jvm/java-"
              + feature
              + "/bin/java). Run James on Java 17 or later.",
          message.invoke(
              null, hook, feature, feature + ".0.2+9", "/usr/lib/jvm/java-" + feature, "app"));
    }
    assertTrue(
        ((String) message.invoke(null, hook, 17, "17.0.15+6", "/opt/java/", "app"))
            .startsWith("SMTPCR: " + hook + " was loaded from the Java 11 part"),
        "from 17 on, a stand-in means a class loader that ignores Multi-Release jars");

    Method failure =
        guard.getDeclaredMethod(
            "failure", String.class, int.class, String.class, String.class, String.class);
    failure.setAccessible(true);
    Object error = failure.invoke(null, hook, 11, "11.0.2+9", "/opt/java", "app");
    UnsupportedClassVersionError e = assertInstanceOf(UnsupportedClassVersionError.class, error);
    assertTrue(e.getMessage().startsWith("SMTPCR needs Java 17 or later"), e.getMessage());

    Method refuse = guard.getDeclaredMethod("refuse", Class.class);
    refuse.setAccessible(true);
    InvocationTargetException thrown =
        assertThrows(InvocationTargetException.class, () -> refuse.invoke(null, String.class));
    assertInstanceOf(UnsupportedClassVersionError.class, thrown.getCause());
  }
}

package org.smtpcr.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which jar each library smtpcr-auth uses comes from. The build runs the tests a second time on the
 * versions Apache James 3.8.1 ships (surefire execution {@code james-3.8.1-libraries} in this
 * module's pom) and names those jars in {@code smtpcr.auth.libraries}; this test fails if the class
 * path does not hold exactly them, so that run cannot silently test our versions twice.
 */
final class LibraryVersionsTest {
  /** One class of each library, in the order of {@code smtpcr.auth.libraries}. */
  private static final List<String> CLASSES =
      List.of(
          "org.apache.james.jdkim.DKIMVerifier",
          "org.apache.james.mime4j.stream.MimeTokenStream",
          "org.apache.james.mime4j.dom.Message",
          "org.apache.james.jspf.impl.SPF",
          "org.xbill.DNS.Lookup",
          "com.google.common.base.Preconditions");

  @Test
  void eachLibrary_isOnTheClassPathOnce_fromTheExpectedJar() throws IOException {
    List<String> jars = new ArrayList<>();
    for (String name : CLASSES) {
      List<URL> copies =
          Collections.list(
              ClassLoader.getSystemClassLoader().getResources(name.replace('.', '/') + ".class"));
      assertEquals(1, copies.size(), () -> name + " is on the class path once: " + copies);
      jars.add(jarName(copies.get(0)));
    }
    String expected = System.getProperty("smtpcr.auth.libraries", "");
    if (!expected.isBlank()) {
      assertEquals(Arrays.asList(expected.strip().split("\\s+")), jars);
    }
  }

  /** {@code jar:file:/.../x-1.0.jar!/a/B.class} → {@code x-1.0.jar}. */
  private static String jarName(URL resource) {
    String s = resource.toString();
    int bang = s.indexOf("!/");
    return bang < 0 ? s : s.substring(s.lastIndexOf('/', bang) + 1, bang);
  }
}

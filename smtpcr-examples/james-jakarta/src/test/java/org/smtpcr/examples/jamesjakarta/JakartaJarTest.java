package org.smtpcr.examples.jamesjakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * smtpcr-examples-james-jakarta: smtpcr-examples-james with javax.mail renamed to jakarta.mail,
 * loaded here next to apache-mailet-api 3.9.0 (Java 21 class files) as James 3.9 loads it. Compiled
 * without James 3.9's classes (javac 17 cannot read them): they are reached by name.
 */
final class JakartaJarTest {
  private static final String JAMES = "org.smtpcr.examples.james.";

  @Test
  void transformed_noJavaxMailLeft_sameClassesAndVersions() {
    Path javax = Jars.javaxJar();
    Path jakarta = Jars.jakartaJar();
    List<String> names = Jars.classEntries(jakarta);
    assertEquals(new TreeSet<>(Jars.classEntries(javax)), new TreeSet<>(names));
    for (String name : names) {
      byte[] b = Jars.entry(jakarta, name);
      assertFalse(Jars.contains(b, "javax/mail") || Jars.contains(b, "javax.mail"), name);
      assertFalse(Jars.contains(b, "javax/activation"), name);
      assertEquals(Jars.classVersion(Jars.entry(javax, name)), Jars.classVersion(b), name);
    }
    String mailetStores = Jars.VERSIONED + Jars.PACKAGE + "MailetStores.class";
    assertTrue(Jars.contains(Jars.entry(javax, mailetStores), "javax/mail/MessagingException"));
    assertTrue(Jars.contains(Jars.entry(jakarta, mailetStores), "jakarta/mail/MessagingException"));
  }

  @Test
  void onJames39_theMailetAndMatcherAreJamesTypes() throws Exception {
    ClassLoader app = JakartaJarTest.class.getClassLoader();
    Class<?> mailet = Class.forName("org.apache.mailet.Mailet", false, app);
    try (InputStream in = app.getResourceAsStream("org/apache/mailet/Mailet.class")) {
      assertEquals(65, Jars.classVersion(in.readAllBytes()), "apache-mailet-api 3.9.0");
    }
    List<URL> copies =
        Collections.list(app.getResources("org/smtpcr/examples/james/SmtpcrLearnRecipients.class"));
    assertEquals(1, copies.size(), "only the jakarta.mail jar: " + copies);

    Class<?> learn = Class.forName(JAMES + "SmtpcrLearnRecipients", true, app);
    assertEquals(
        Jars.jakartaJar().toRealPath(),
        Path.of(learn.getProtectionDomain().getCodeSource().getLocation().toURI()).toRealPath());
    assertTrue(mailet.isAssignableFrom(learn));
    assertEquals(
        "jakarta.mail.MessagingException",
        learn.getMethod("init").getExceptionTypes()[0].getName());
    Object instance = learn.getConstructor().newInstance();
    assertEquals(
        "SMTPCR: whitelists the remote correspondents of local users",
        learn.getMethod("getMailetInfo").invoke(instance));

    Class<?> matcher = Class.forName("org.apache.mailet.Matcher", false, app);
    Class<?> whitelisted = Class.forName(JAMES + "SenderIsWhitelisted", true, app);
    assertTrue(matcher.isAssignableFrom(whitelisted));
    assertEquals(
        "jakarta.mail.MessagingException",
        whitelisted
            .getMethod("match", Class.forName("org.apache.mailet.Mail", false, app))
            .getExceptionTypes()[0]
            .getName());
  }

  @Test
  void extensionsJars_ourJarsAndHikariCpOnly() throws IOException {
    String v = System.getProperty("smtpcr.version");
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.list(Jars.path("smtpcr.extensions"))) {
      files.forEach(f -> names.add(f.getFileName().toString()));
    }
    assertEquals(
        new TreeSet<>(
            List.of(
                "smtpcr-examples-james-jakarta-" + v + ".jar",
                "smtpcr-examples-runtime-" + v + ".jar",
                "smtpcr-core-" + v + ".jar",
                "smtpcr-tokens-" + v + ".jar",
                "smtpcr-auth-" + v + ".jar",
                "HikariCP-" + System.getProperty("smtpcr.hikaricp.version") + ".jar")),
        names);
  }
}

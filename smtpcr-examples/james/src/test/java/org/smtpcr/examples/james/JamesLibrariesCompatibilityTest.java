package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.KeyRingFile;
import org.smtpcr.tokens.PassCodes;

/**
 * James 3.8.1 loads {@code extensions-jars/} with its own class loader as parent, so SMTPCR runs on
 * the Guava, Bouncy Castle and SLF4J versions James ships. This runs smtpcr-tokens and smtpcr-core
 * in a class loader with exactly those versions (copied by the build into {@code
 * target/james-3.8.1-libs}) and compares the results with our own versions.
 * smtpcr-examples-james-jakarta runs it again on James 3.9.0's versions ({@code smtpcr.james.libs},
 * {@code smtpcr.james.guava}, {@code smtpcr.james.bcprov}).
 */
final class JamesLibrariesCompatibilityTest {
  private static final String KEY_FILE =
      "smtpcr-keyring 1\nactive 3\n"
          + "key 3 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";

  @Test
  void tokensAndCore_onJamesLibraryVersions_giveTheSameResults() throws Exception {
    Path libs = Path.of(System.getProperty("smtpcr.james.libs", "target/james-3.8.1-libs"));
    List<URL> urls = new ArrayList<>();
    urls.add(location(KeyRing.class));
    urls.add(location(DecisionEngine.class));
    try (Stream<Path> jars = Files.list(libs)) {
      for (Path jar : jars.sorted().toList()) {
        urls.add(jar.toUri().toURL());
      }
    }
    assertEquals(6, urls.size(), "core, tokens and four James libraries: " + urls);

    try (URLClassLoader james =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertTrue(
          location(james.loadClass("com.google.common.base.Preconditions"))
              .toString()
              .endsWith(System.getProperty("smtpcr.james.guava", "guava-31.1-jre.jar")));
      assertTrue(
          location(james.loadClass("org.bouncycastle.crypto.digests.SHA256Digest"))
              .toString()
              .endsWith(System.getProperty("smtpcr.james.bcprov", "bcprov-jdk15on-1.70.jar")));

      Class<?> keyRingFile = james.loadClass(KeyRingFile.class.getName());
      Class<?> keyRing = james.loadClass(KeyRing.class.getName());
      Object ring = keyRingFile.getMethod("parse", CharSequence.class).invoke(null, KEY_FILE);

      // pass codes: HKDF (Bouncy Castle) and HMAC
      Class<?> passCodes = james.loadClass(PassCodes.class.getName());
      Object codes = passCodes.getMethod("of", keyRing).invoke(null, ring);
      Object code =
          passCodes
              .getMethod("compute", String.class, String.class)
              .invoke(codes, "alice@example.org", "bob@example.com");
      assertEquals(
          PassCodes.of(KeyRingFile.parse(KEY_FILE)).compute("alice@example.org", "bob@example.com"),
          code);

      // challenge tokens round-trip
      Class<?> tokens = james.loadClass("org.smtpcr.tokens.ChallengeTokens");
      Object t = tokens.getMethod("of", keyRing).invoke(null, ring);
      Object token =
          tokens
              .getMethod("mint", String.class, String.class)
              .invoke(t, "alice@example.org", "bob@example.com");
      Object claims = tokens.getMethod("verify", CharSequence.class).invoke(t, token);
      assertEquals("alice@example.org", claims.getClass().getMethod("sender").invoke(claims));

      // core: Guava's Preconditions and InetAddresses (canonical addresses, trusted networks)
      Class<?> canonicalizer = james.loadClass("org.smtpcr.core.address.AddressCanonicalizer");
      Object standard = canonicalizer.getMethod("standard").invoke(null);
      Object canonical =
          canonicalizer
              .getMethod("canonicalize", String.class)
              .invoke(standard, "<Bob+x@Example.COM.>");
      assertEquals("bob@example.com", canonical.getClass().getMethod("value").invoke(canonical));
      Class<?> trusted = james.loadClass("org.smtpcr.core.rules.TrustedClientsRule");
      Object builder = trusted.getMethod("builder").invoke(null);
      Method network = builder.getClass().getMethod("network", String.class);
      network.invoke(builder, "2001:db8::/32");
      network.invoke(builder, "192.0.2.0/24");
      Object rule = builder.getClass().getMethod("build").invoke(builder);
      assertEquals(2, ((List<?>) trusted.getMethod("networks").invoke(rule)).size());
    }
  }

  private static URL location(Class<?> c) {
    return c.getProtectionDomain().getCodeSource().getLocation();
  }
}

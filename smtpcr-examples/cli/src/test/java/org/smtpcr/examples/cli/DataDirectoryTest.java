package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.tokens.KeyRingFile;

final class DataDirectoryTest {
  private static final CanonicalAddress ALICE =
      CanonicalAddress.parseCanonical("alice@example.org");
  private static final CanonicalAddress BOB = CanonicalAddress.parseCanonical("bob@example.com");

  @TempDir Path tmp;

  @Test
  void open_firstTime_createsPrivateDirectoryKeyFileAndConfigTemplate() throws Exception {
    Path dir = tmp.resolve("smtpcr-data");
    try (DataDirectory d = DataDirectory.open(dir)) {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
      d.keyRing();
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.keyFile())));
      assertTrue(Files.readString(d.configFile()).contains("# smtpcr.demo.smtp-port="));
      assertEquals(dir.toAbsolutePath().resolve("maildir"), d.maildir());
    }
  }

  @Test
  void keyRing_reopened_isTheSameRing() throws Exception {
    Path dir = tmp.resolve("d");
    String first;
    try (DataDirectory d = DataDirectory.open(dir)) {
      first = KeyRingFile.format(d.keyRing());
    }
    try (DataDirectory d = DataDirectory.open(dir)) {
      assertEquals(first, KeyRingFile.format(d.keyRing()));
    }
  }

  @Test
  void keyRing_manyOpenersAtOnce_allGetTheOneRingWritten() throws Exception {
    Path dir = tmp.resolve("race");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> rings = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<String> c =
            () -> {
              try (DataDirectory d = DataDirectory.open(dir)) {
                return KeyRingFile.format(d.keyRing());
              }
            };
        rings.add(pool.submit(c));
      }
      String one = rings.get(0).get();
      for (Future<String> f : rings) {
        assertEquals(one, f.get());
      }
      assertEquals(one, KeyRingFile.format(KeyRingFile.read(dir.resolve(DataDirectory.KEY_FILE))));
      try (var files = Files.list(dir)) {
        assertTrue(
            files.noneMatch(p -> p.getFileName().toString().contains(".new-")),
            "no temporary key files left");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void store_twoUsersOfOneDirectory_seeEachOthersWrites() throws Exception {
    Path dir = tmp.resolve("shared");
    try (DataDirectory server = DataDirectory.open(dir);
        DataDirectory cli = DataDirectory.open(dir)) {
      server.store().add(WhitelistKey.pair(ALICE, BOB));
      assertTrue(cli.store().containsAny(WhitelistCandidates.of(ALICE, BOB)));
      cli.store().remove(WhitelistKey.pair(ALICE, BOB));
      assertTrue(!server.store().containsAny(WhitelistCandidates.of(ALICE, BOB)));
    }
  }

  @Test
  void store_h2AutoServer_listensOnLoopbackOnly() throws Exception {
    try (DataDirectory d = DataDirectory.open(tmp.resolve("lo"))) {
      d.store().count();
      Properties lock = new Properties();
      try (FileInputStream in =
          new FileInputStream(d.path().resolve("whitelist.lock.db").toFile())) {
        lock.load(in);
      }
      assertTrue(lock.getProperty("server", "").startsWith("localhost:"), lock::toString);
      assertEquals("127.0.0.1", System.getProperty("h2.bindAddress"));
    }
  }

  @Test
  void open_storeUrlOfAnotherKind_refused() {
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> DataDirectory.open(tmp, java.util.Optional.of("jdbc:sqlite:x")));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> DataDirectory.open(tmp.resolve("a;b")));
  }

  @Test
  void toString_namesTheDirectoryButNeverTheStoreUrl() throws Exception {
    try (DataDirectory d =
        DataDirectory.open(tmp, java.util.Optional.of("jdbc:postgresql://h/db?password=hunter2"))) {
      assertTrue(d.toString().contains(tmp.toAbsolutePath().toString()));
      assertTrue(!d.toString().contains("hunter2"));
    }
  }
}

package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.KeyRingFile;

/** {@code smtpcr keys rotate} as operators run it: through a link, at once, as another user. */
final class KeyRingsRotateTest {
  @TempDir Path tmp;

  @Test
  void rotate_throughASymbolicLink_keepsTheLinkAndRotatesItsTarget() throws Exception {
    Path real = tmp.resolve("real.keys");
    KeyRingFile.write(KeyRing.generate(), real);
    Path link = Files.createSymbolicLink(tmp.resolve("smtpcr.keys"), real);

    KeyRings.rotate(link);

    assertTrue(Files.isSymbolicLink(link), "the link is still a link");
    assertEquals(2, KeyRingFile.read(real).keyIds().size());
  }

  @Test
  void rotate_twoAtOnce_bothNewKeysKept() throws Exception {
    Path keys = tmp.resolve("smtpcr.keys");
    KeyRingFile.write(KeyRing.generate(), keys);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<KeyRing>> done = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  return KeyRings.rotate(keys);
                }));
      }
      start.countDown();
      for (Future<KeyRing> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(3, KeyRingFile.read(keys).keyIds().size(), "neither rotation lost the other's");
  }

  @Test
  void rotate_keepsTheFilesOwnerAndGroup() throws Exception {
    Path keys = tmp.resolve("smtpcr.keys");
    KeyRingFile.write(KeyRing.generate(), keys);
    PosixFileAttributeView view = Files.getFileAttributeView(keys, PosixFileAttributeView.class);
    UserPrincipalLookupService users = keys.getFileSystem().getUserPrincipalLookupService();
    // as root (CI), hand the file to another user first, as a package's service user owns it;
    // otherwise the file stays with the user running the test, and rotation must keep that
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      UserPrincipal nobody = users.lookupPrincipalByName("nobody");
      view.setOwner(nobody);
      view.setGroup(users.lookupPrincipalByGroupName("nogroup"));
    }
    UserPrincipal owner = view.readAttributes().owner();
    UserPrincipal group = view.readAttributes().group();

    KeyRings.rotate(keys);

    PosixFileAttributeView after = Files.getFileAttributeView(keys, PosixFileAttributeView.class);
    assertEquals(owner, after.readAttributes().owner());
    assertEquals(group, after.readAttributes().group());
    assertEquals(2, KeyRingFile.read(keys).keyIds().size());
  }
}

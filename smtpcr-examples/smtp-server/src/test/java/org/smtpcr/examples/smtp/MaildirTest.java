package org.smtpcr.examples.smtp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class MaildirTest {
  @TempDir Path dir;

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private static List<Path> list(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }

  @Test
  void open_missingDirectory_createsTmpNewCur() throws IOException {
    Maildir m = Maildir.open(dir.resolve("a/b"), "host", clock);
    for (String sub : List.of("tmp", "new", "cur")) {
      assertTrue(Files.isDirectory(dir.resolve("a/b").resolve(sub)), sub);
    }
    assertEquals(dir.resolve("a/b").toAbsolutePath(), m.root());
  }

  @Test
  void commit_messageAppearsInNewOnlyWhenComplete() throws IOException {
    Maildir m = Maildir.open(dir, "host", clock);
    byte[] part1 = "Subject: x\r\n\r\n".getBytes(US_ASCII);
    byte[] part2 = "body\r\n".getBytes(US_ASCII);
    Maildir.Delivery d = m.begin();
    d.write(part1, 0, part1.length);
    // while it is being written, the message is in tmp/ and nowhere in new/
    assertEquals(List.of(d.tmpFile()), list(m.tmpDirectory()));
    assertTrue(list(m.newDirectory()).isEmpty());
    d.write(part2, 0, part2.length);
    Path file = d.commit();
    assertEquals(List.of(file), list(m.newDirectory()));
    assertTrue(list(m.tmpDirectory()).isEmpty());
    byte[] all = new byte[part1.length + part2.length];
    System.arraycopy(part1, 0, all, 0, part1.length);
    System.arraycopy(part2, 0, all, part1.length, part2.length);
    assertArrayEquals(all, Files.readAllBytes(file));
    assertThrows(IllegalStateException.class, d::commit);
  }

  @Test
  void close_withoutCommit_leavesNothingBehind() throws IOException {
    Maildir m = Maildir.open(dir, "host", clock);
    Maildir.Delivery d = m.begin();
    d.write(new byte[100], 0, 100);
    d.close();
    assertTrue(list(m.tmpDirectory()).isEmpty());
    assertTrue(list(m.newDirectory()).isEmpty());
  }

  @Test
  void begin_manyConcurrentDeliveriesAtTheSameInstant_uniqueNames() throws Exception {
    Maildir m = Maildir.open(dir, "mx/one:two", clock);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Path>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        byte[] b = ("message " + i).getBytes(US_ASCII);
        futures.add(
            pool.submit(
                () -> {
                  Maildir.Delivery d = m.begin();
                  d.write(b, 0, b.length);
                  return d.commit();
                }));
      }
      Set<Path> names = new HashSet<>();
      for (Future<Path> f : futures) {
        names.add(f.get());
      }
      assertEquals(200, names.size());
      assertEquals(200, list(m.newDirectory()).size());
      for (Path p : names) {
        String name = p.getFileName().toString();
        assertFalse(name.contains("/") || name.contains(":"), name);
        assertTrue(name.startsWith("1767225600.M0P"), name);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PolicyLoadTest {
  @Test
  void cpuTicks_addsUserAndSystemTime_afterACommandNameWithSpacesAndParentheses(@TempDir Path dir)
      throws Exception {
    // the fields of proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
    // majflt cmajflt utime stime ...
    Path stat = dir.resolve("stat");
    Files.writeString(
        stat,
        "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 900 0 7 0 1234 567 3 4 20 0 31 0\n",
        StandardCharsets.US_ASCII);
    assertEquals(1234 + 567, PolicyLoad.cpuTicks(stat));
  }

  @Test
  void cpuTicks_ofThisProcess_growsAsItWorks() throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    assertTrue(threads.isCurrentThreadCpuTimeSupported(), "this JVM cannot time a thread's CPU");
    Path self = Path.of("/proc/self/stat");
    long before = PolicyLoad.cpuTicks(self);
    // 30 ms of CPU time, three ticks, by the JVM's own account of this thread
    long start = threads.getCurrentThreadCpuTime();
    long x = 1;
    while (threads.getCurrentThreadCpuTime() - start < 30_000_000L) {
      for (int i = 0; i < 100_000; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    }
    assertTrue(PolicyLoad.cpuTicks(self) > before, "no CPU time counted for 30 ms of work " + x);
  }
}

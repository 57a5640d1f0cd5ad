package org.smtpcr.examples.policy;

import java.util.List;

/** The policy server's threads, found by name. */
final class Threads {
  private Threads() {}

  static List<String> policyThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("smtpcr-policy-"))
        .sorted()
        .toList();
  }
}

package org.smtpcr.benchmarks;

import org.smtpcr.core.store.PostgresServer;

/** Prints {@code postgres --version} of the installation the benchmarks would start, if any. */
public final class PostgresVersion {
  private PostgresVersion() {}

  /** Entry point for {@code run-core.sh}. */
  public static void main(String[] args) {
    PostgresServer.version().ifPresent(System.out::println);
  }
}

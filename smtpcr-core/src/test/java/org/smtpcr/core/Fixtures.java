package org.smtpcr.core;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Shared values for the engine tests. */
final class Fixtures {
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
  static final URI BASE = URI.create("https://cr.example.com/");
  static final InetAddress CLIENT = ip("192.0.2.10");

  private Fixtures() {}

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // literals only: no DNS
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Transaction.Builder tx(Stage stage) {
    return Transaction.builder().stage(stage).clientAddress(CLIENT).helo("mail.example.org").sessionId("t1");
  }

  static Transaction rcpt(String from, String to) {
    return tx(Stage.RCPT).reversePath(from).forwardPath(to).build();
  }

  static Transaction mail(String from) {
    return tx(Stage.MAIL).reversePath(from).build();
  }
}

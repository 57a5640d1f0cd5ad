package org.smtpcr.core;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Shared values for the engine tests. */
public final class Fixtures {
  public static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  public static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
  public static final URI BASE = URI.create("https://cr.example.com/");
  public static final InetAddress CLIENT = ip("192.0.2.10");

  private Fixtures() {}

  public static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // literals only: no DNS
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static Transaction.Builder tx(Stage stage) {
    return Transaction.builder()
        .stage(stage)
        .clientAddress(CLIENT)
        .helo("mail.example.org")
        .sessionId("t1");
  }

  public static Transaction rcpt(String from, String to) {
    return tx(Stage.RCPT).reversePath(from).forwardPath(to).build();
  }

  public static Transaction mail(String from) {
    return tx(Stage.MAIL).reversePath(from).build();
  }
}

package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Header;

final class HeaderReaderTest {
  @Test
  void read_message_headersInOrderRawAndStopsAtBody() throws Exception {
    String message =
        "Received: from x\r\n\tby y\r\nSubject: Hello\r\n =?UTF-8?B?w6k=?=\r\nFrom: a@b.example\r\n\r\n"
            + "Subject: not a header, the body\r\n";
    List<Header> headers = HeaderReader.read(stream(message), 65536);
    assertEquals(
        List.of("Received", "Subject", "From"), headers.stream().map(Header::name).toList());
    assertEquals(
        " Hello\r\n =?UTF-8?B?w6k=?=", headers.get(1).value()); // raw: the engine unfolds and trims
  }

  @Test
  void read_headersLongerThanTheBound_keepsThoseThatFit() throws Exception {
    String message =
        "Subject: first\r\nX-Filler: " + "x".repeat(10_000) + "\r\nX-Late: never read\r\n\r\nbody";
    List<Header> headers = HeaderReader.read(stream(message), 2048);
    assertEquals("Subject", headers.get(0).name());
    assertTrue(headers.stream().noneMatch(h -> h.name().equals("X-Late")));
  }

  private static InputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }
}

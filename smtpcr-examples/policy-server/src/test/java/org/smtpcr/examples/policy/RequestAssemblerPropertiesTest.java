package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.smtpcr.examples.policy.RequestAssembler.Step;

final class RequestAssemblerPropertiesTest {
  // small bounds, so the generated input reaches every one of them
  private static final int MAX_LINE = 24;
  private static final int MAX_ATTRIBUTES = 4;
  private static final int MAX_REQUEST = 80;

  @Provide
  Arbitrary<List<byte[]>> lines() {
    Arbitrary<String> name =
        Arbitraries.strings().withChars("abz_.:-").ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> value = Arbitraries.strings().withChars("ab=é \r\n\u0000").ofMaxLength(16);
    Arbitrary<byte[]> attribute =
        Arbitraries.oneOf(
            name.flatMap(
                n ->
                    value.map(
                        v ->
                            (n + "=" + v)
                                .getBytes(StandardCharsets.UTF_8))), // well formed, or nearly
            Arbitraries.strings()
                .withChars("a=\n\r ")
                .ofMaxLength(6)
                .map(s -> s.getBytes(StandardCharsets.UTF_8)),
            name.flatMap(
                n ->
                    Arbitraries.bytes()
                        .array(byte[].class)
                        .ofMaxSize(12) // raw bytes: bad UTF-8
                        .map(v -> concat((n + "=").getBytes(StandardCharsets.US_ASCII), v))),
            Arbitraries.just(new byte[0])); // end of request
    return attribute.list().ofMaxSize(40);
  }

  @Property(tries = 2000)
  void line_anyInput_completesOnlyValidRequestsThatNothingChangesLater(
      @ForAll("lines") List<byte[]> input) {
    RequestAssembler a = new RequestAssembler(MAX_LINE, MAX_ATTRIBUTES, MAX_REQUEST);
    List<PolicyRequest> completed = new ArrayList<>();
    List<List<Map.Entry<String, String>>> snapshots = new ArrayList<>();
    for (byte[] line : input) {
      Step step = a.line(line);
      if (step instanceof Step.Complete done) {
        // the assembler skips PolicyRequest.from's checks: every request it completes must pass
        // them
        assertEquals(
            PolicyRequest.from(done.request().attributes()).attributes(),
            done.request().attributes());
        assertTrue(done.request().attributes().size() <= MAX_ATTRIBUTES);
        assertTrue(done.bytes() <= MAX_REQUEST, "bytes " + done.bytes());
        completed.add(done.request());
        snapshots.add(entries(done.request()));
      }
      assertTrue(a.bufferedBytes() <= MAX_REQUEST, "buffered " + a.bufferedBytes());
      if (step instanceof Step.Malformed) {
        break;
      }
    }
    // the map was handed over: what the assembler read afterwards did not touch it
    for (int i = 0; i < completed.size(); i++) {
      assertEquals(snapshots.get(i), entries(completed.get(i)));
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static List<Map.Entry<String, String>> entries(PolicyRequest r) {
    return r.attributes().entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue()))
        .toList();
  }
}

package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.smtpcr.examples.policy.RequestAssembler.Step;

final class RequestAssemblerPropertiesTest {
  @Provide
  Arbitrary<List<byte[]>> lines() {
    // bytes from a small alphabet, so '=', line feeds, carriage returns and empty lines are common
    Arbitrary<byte[]> line = Arbitraries.of((byte) 'a', (byte) 'Z', (byte) '_', (byte) '=', (byte) '\n', (byte) '\r',
            (byte) ' ', (byte) 0, (byte) 0xc3, (byte) 0xa9)
        .array(byte[].class).ofMaxSize(12);
    return line.list().ofMaxSize(40);
  }

  @Property(tries = 2000)
  void line_anyInput_completesOnlyRequestsThePublicFactoryAccepts(@ForAll("lines") List<byte[]> input) {
    // the assembler hands its map over without PolicyRequest.from's checks: every request it
    // completes must pass them, whatever it was fed (here also line feeds inside a line)
    RequestAssembler a = new RequestAssembler();
    for (byte[] line : input) {
      Step step = a.line(line);
      if (step instanceof Step.Complete done) {
        PolicyRequest checked = PolicyRequest.from(done.request().attributes());
        assertEquals(checked.attributes(), done.request().attributes());
      } else if (step instanceof Step.Malformed) {
        return;
      }
      assertTrue(a.bufferedBytes() <= PolicyServer.MAX_REQUEST_BYTES);
    }
  }
}

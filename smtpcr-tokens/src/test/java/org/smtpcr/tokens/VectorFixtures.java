package org.smtpcr.tokens;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;

/** What the v1 and v2 vector tests read from a vector file, in one place. */
final class VectorFixtures {
  private VectorFixtures() {}

  /** The array {@code name} of the vector file. */
  static List<JsonNode> list(JsonNode root, String name) {
    JsonNode array = root.get(name);
    assertNotNull(array, "no '" + name + "' in the vectors");
    return StreamSupport.stream(array.spliterator(), false).toList();
  }

  /** The one-key ring of a valid vector ({@code kid}, {@code master_key_hex}). */
  static KeyRing ring(JsonNode v) {
    int kid = v.get("kid").asInt();
    return KeyRing.builder()
        .key(kid, MasterKey.copyOf(ReferenceTokenV1.hex(v.get("master_key_hex").asText())))
        .active(kid)
        .build();
  }

  /** The keys of an invalid vector ({@code master_keys_hex}), by kid. */
  static Map<Integer, byte[]> keys(JsonNode v) {
    Map<Integer, byte[]> keys = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : v.get("master_keys_hex").properties()) {
      keys.put(Integer.parseInt(e.getKey()), ReferenceTokenV1.hex(e.getValue().asText()));
    }
    return keys;
  }

  /** Tokens on {@code ring} at the fixed instant {@code now}, with {@code skew} if not null. */
  static ChallengeTokens tokens(KeyRing ring, Instant now, Duration skew) {
    ChallengeTokens.Builder b =
        ChallengeTokens.builder().keyRing(ring).clock(Clock.fixed(now, ZoneOffset.UTC));
    if (skew != null) {
      b.skew(skew);
    }
    return b.build();
  }
}

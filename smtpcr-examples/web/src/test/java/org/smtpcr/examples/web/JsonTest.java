package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The harness's small JSON reader and writer. */
final class JsonTest {
  @Test
  void parse_devToolsMessage_readsAllKinds() {
    Map<String, Object> m =
        Json.parseObject(
            "{\"id\":7,\"result\":{\"result\":{\"type\":\"number\",\"value\":2.5}},\"a\":[true,false,null,-3,1e2,\"\\u00e9\\n\"]}");
    assertEquals(7L, m.get("id"));
    assertEquals(Map.of("result", Map.of("type", "number", "value", 2.5)), m.get("result"));
    List<?> a = (List<?>) m.get("a");
    assertEquals(List.of(true, false), a.subList(0, 2));
    assertSame(Json.NULL, a.get(2));
    assertEquals(List.of(-3L, 100.0, "é\n"), a.subList(3, 6));
  }

  @Test
  void parse_malformedOrTooDeep_throwsIllegalArgument() {
    for (String bad :
        List.of(
            "", "{", "[1,]", "{\"a\"}", "\"\\x\"", "01", "-", "1.", "tru", "{} x", "\"\u0001\"")) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(Json.MAX_DEPTH + 2)));
  }
}

package org.smtpcr.core.reply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

final class ReplyValuesTest {

  @Test
  void builder_setValues_returnedAsGivenOthersEmpty() {
    ReplyValues v =
        ReplyValues.builder().recipient("bob@example.com").helo("mx.example.org").build();

    assertEquals("bob@example.com", v.recipient());
    assertEquals("", v.sender());
    assertEquals("", v.client());
    assertEquals("mx.example.org", v.helo());
    assertEquals(ReplyValues.none(), ReplyValues.builder().build());
  }

  @Test
  void builder_valueSetTwice_throwsIllegalState() {
    assertThrows(
        IllegalStateException.class, () -> ReplyValues.builder().recipient("a").recipient("b"));
    assertThrows(IllegalStateException.class, () -> ReplyValues.builder().sender("a").sender("b"));
    assertThrows(IllegalStateException.class, () -> ReplyValues.builder().client("a").client("b"));
    assertThrows(IllegalStateException.class, () -> ReplyValues.builder().helo("a").helo("b"));
  }

  @Test
  void builder_null_throws() {
    assertThrows(NullPointerException.class, () -> ReplyValues.builder().recipient(null));
  }

  @Test
  void equals_comparesAllFour() {
    ReplyValues a = ReplyValues.builder().recipient("r").sender("s").client("c").helo("h").build();

    assertEquals(a, ReplyValues.builder().helo("h").client("c").sender("s").recipient("r").build());
    assertEquals(
        a.hashCode(),
        ReplyValues.builder().recipient("r").sender("s").client("c").helo("h").build().hashCode());
    assertNotEquals(a, ReplyValues.builder().recipient("r").sender("s").client("c").build());
  }

  @Test
  void toString_namesTheSetValuesNotWhatTheyHold() {
    ReplyValues v = ReplyValues.builder().recipient("bob@example.com").client("192.0.2.7").build();

    assertEquals("ReplyValues[recipient, client]", v.toString());
    assertFalse(v.toString().contains("bob"));
  }

  @Test
  void formatter_eachPlaceholderTakesItsValue_unknownNamesAndUnsetValuesAreNothing() {
    ReplyFormatter f =
        ReplyFormatter.builder()
            .template(ReplyKind.REJECT, "r={recipient} s={sender} c={client} h={helo} x={other}.")
            .build();

    assertEquals(
        List.of("r=bob@example.com s=alice@example.org c= h=mx.example.org x=."),
        f.reject(
                ReplyValues.builder()
                    .recipient("bob@example.com")
                    .sender("alice@example.org")
                    .helo("mx.example.org")
                    .build())
            .lines());
  }
}

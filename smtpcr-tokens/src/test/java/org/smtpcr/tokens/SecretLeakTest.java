package org.smtpcr.tokens;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.tokens.ReferenceTokenV1.Body;
import org.smtpcr.tokens.internal.Hkdf;

/**
 * A known master key, and the keys derived from it, never show up in {@code toString()}, in an
 * exception from any failure path, or in what the permission warning logs: not as hex (either case,
 * nor any 16-digit stretch of it), base64, base32 or raw bytes.
 */
final class SecretLeakTest {
  private static final long T0 = TokenVectorGenerator.T0;
  private static final byte[] MASTER = TokenVectorGenerator.key("leak-test");
  private static final byte[] OTHER = TokenVectorGenerator.key("leak-test-other");
  private static final String SENDER = "alice@example.org";
  private static final String RECIPIENT = "bob@example.com";

  /** Name of the representation → the text that must not appear. */
  private static final Map<String, String> FORBIDDEN = new LinkedHashMap<>();

  static {
    Map<String, byte[]> secrets = new LinkedHashMap<>();
    secrets.put("master", MASTER);
    secrets.put("other master", OTHER);
    secrets.put("K_tok", ReferenceTokenV1.tokenKey(MASTER));
    secrets.put("K_pass", ReferenceTokenV1.passKey(MASTER));
    secrets.put("fingerprint key", Hkdf.deriveV1(MASTER, "key-fingerprint"));
    secrets.forEach(
        (name, bytes) -> {
          String hex = ReferenceTokenV1.hex(bytes);
          FORBIDDEN.put(name + " hex", hex);
          FORBIDDEN.put(name + " HEX", hex.toUpperCase(Locale.ROOT));
          for (int i = 0; i + 16 <= hex.length(); i += 4) {
            FORBIDDEN.put(name + " hex[" + i + "..+16]", hex.substring(i, i + 16));
          }
          FORBIDDEN.put(name + " base64", Base64.getEncoder().encodeToString(bytes));
          FORBIDDEN.put(
              name + " base64url", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
          FORBIDDEN.put(name + " base32", ReferenceTokenV1.base32(bytes));
          FORBIDDEN.put(name + " raw", new String(bytes, StandardCharsets.ISO_8859_1));
          FORBIDDEN.put(name + " raw utf8", new String(bytes, StandardCharsets.UTF_8));
        });
  }

  @TempDir Path dir;

  private KeyRing ring;
  private ChallengeTokens tokens;
  private PassCodes codes;
  private final List<String> seen = new ArrayList<>();

  @BeforeEach
  void setUp() {
    ring =
        KeyRing.builder()
            .key(0, MasterKey.copyOf(MASTER))
            .key(5, MasterKey.copyOf(OTHER))
            .active(0)
            .build();
    tokens = ChallengeTokens.builder().keyRing(ring).clock(MutableClock.atEpochSecond(T0)).build();
    codes = PassCodes.of(ring);
  }

  @Test
  void toString_ofEveryType_showsNoSecret() {
    seen.add(MasterKey.copyOf(MASTER).toString());
    seen.add(ring.toString());
    seen.add(KeyRing.of(MasterKey.copyOf(MASTER)).toString());
    seen.add(tokens.toString());
    seen.add(codes.toString());
    seen.add(
        new org.smtpcr.tokens.internal.HmacSha256(ReferenceTokenV1.tokenKey(MASTER)).toString());
    seen.add(tokens.verify(tokens.mint(SENDER, RECIPIENT)).toString());
    assertNoSecretIn(seen);
  }

  @Test
  void tokenVerifyFailures_everyReason_showNoSecretNorToken() {
    Body good = Body.of(0, T0, 10080, SENDER, RECIPIENT);
    String valid = ReferenceTokenV1.sign(MASTER, good);
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("601 characters", valid + "a".repeat(601 - valid.length()));
    bad.put("bad character", valid.substring(0, 10) + "!" + valid.substring(11));
    bad.put(
        "trailing bits",
        ReferenceTokenV1.withTrailingBits(ReferenceTokenV1.signedBytes(MASTER, good), 1));
    bad.put("too short", valid.substring(0, 40));
    bad.put("flags", ReferenceTokenV1.sign(MASTER, good.withFlags(1)));
    bad.put("version", ReferenceTokenV1.sign(MASTER, good.withVersion(3)));
    bad.put(
        "v2 code out of range", ReferenceTokenV1.sign(MASTER, good.withVersion(2).withFlags(5)));
    bad.put(
        "v2 reserved flags", ReferenceTokenV1.sign(MASTER, good.withVersion(2).withFlags(0x81)));
    bad.put("unknown key", ReferenceTokenV1.mint(MASTER, 9, T0, 10080, SENDER, RECIPIENT));
    bad.put("bad signature", ReferenceTokenV1.mint(OTHER, 0, T0, 10080, SENDER, RECIPIENT));
    bad.put("Ls", ReferenceTokenV1.sign(MASTER, good.withLs(0)));
    bad.put(
        "UTF-8",
        ReferenceTokenV1.sign(
            MASTER, good.withAddresses(new byte[] {(byte) 0xff}, new byte[] {'b'})));
    bad.put(
        "not yet valid", ReferenceTokenV1.mint(MASTER, 0, T0 + 86_400, 10080, SENDER, RECIPIENT));
    bad.put(
        "expired", ReferenceTokenV1.mint(MASTER, 0, T0 - 86_400 * 30, 10080, SENDER, RECIPIENT));
    // the secrets themselves offered as tokens must not be echoed back
    for (Map.Entry<String, String> f : FORBIDDEN.entrySet()) {
      bad.put("secret as token: " + f.getKey(), f.getValue());
    }
    // a token whose addresses hold the key, signed with the wrong key: must not be returned or
    // echoed
    String hex = ReferenceTokenV1.hex(MASTER);
    bad.put("secret in addresses", ReferenceTokenV1.mint(OTHER, 0, T0, 10080, hex, hex));
    for (Map.Entry<String, String> e : bad.entrySet()) {
      TokenException x =
          assertThrows(TokenException.class, () -> tokens.verify(e.getValue()), e.getKey());
      seen.add(describe(x));
      String token = e.getValue();
      if (token.length() >= 16 && !e.getKey().startsWith("secret as token")) {
        assertFalse(describe(x).contains(token), e.getKey() + ": the token is echoed");
        assertFalse(
            describe(x).contains(token.substring(token.length() - 16)),
            e.getKey() + ": the tag is echoed");
      }
    }
    assertNoSecretIn(seen);
  }

  @Test
  void mintFailures_showNoSecret() {
    String hex = ReferenceTokenV1.hex(MASTER);
    collect(() -> tokens.mint(hex.repeat(4), RECIPIENT));
    collect(() -> tokens.mint(hex + "\uD800", RECIPIENT));
    collect(() -> tokens.mint(hex.repeat(3), hex.repeat(3).substring(0, 200)));
    collect(() -> tokens.mint(hex, "", Duration.ofDays(1)));
    collect(() -> tokens.mint(hex, hex, Duration.ofSeconds(1)));
    assertNoSecretIn(seen);
  }

  @Test
  void passCodeFailures_showNoSecret() {
    String code = codes.compute(SENDER, RECIPIENT);
    String hex = ReferenceTokenV1.hex(MASTER);
    Map<String, Executable> failures = new LinkedHashMap<>();
    failures.put("wrong pair", () -> codes.verify(code, RECIPIENT, SENDER));
    failures.put(
        "unknown key",
        () ->
            codes.verify(
                ReferenceTokenV1.passCode(MASTER, 3, SENDER, RECIPIENT), SENDER, RECIPIENT));
    failures.put(
        "wrong key",
        () ->
            codes.verify(
                ReferenceTokenV1.passCode(OTHER, 0, SENDER, RECIPIENT), SENDER, RECIPIENT));
    failures.put("malformed", () -> codes.verify(code + "x", SENDER, RECIPIENT));
    failures.put("too long", () -> codes.verify(code.repeat(5), SENDER, RECIPIENT));
    failures.put("bad sender", () -> codes.verify(code, hex + "\uDC00", RECIPIENT));
    failures.put("long sender", () -> codes.verify(code, hex.repeat(5), RECIPIENT));
    failures.put("empty recipient", () -> codes.verify(code, SENDER, ""));
    for (Map.Entry<String, String> f : FORBIDDEN.entrySet()) {
      failures.put(
          "secret as code: " + f.getKey(), () -> codes.verify(f.getValue(), SENDER, RECIPIENT));
      failures.put(
          "secret as sender: " + f.getKey(), () -> codes.verify(code, f.getValue(), RECIPIENT));
    }
    for (Map.Entry<String, Executable> f : failures.entrySet()) {
      seen.add(describe(assertThrows(TokenException.class, f.getValue(), f.getKey())));
    }
    collect(() -> codes.compute(hex.repeat(5), RECIPIENT));
    assertNoSecretIn(seen);
  }

  @Test
  void keyFileParseErrors_showNoSecret() {
    String hex = ReferenceTokenV1.hex(MASTER);
    String otherHex = ReferenceTokenV1.hex(OTHER);
    String head = "smtpcr-keyring 1\nactive 0\n";
    List<String> files =
        List.of(
            head + "key 0 " + hex + "g\n",
            head + "key 0 " + hex + "0\n",
            head + "key 0 " + hex.substring(0, 62) + "\n",
            head + "key 16 " + hex + "\n",
            head + "key " + hex + " " + hex + "\n",
            head + "key 0 " + hex + " " + otherHex + "\n",
            head + "kye 0 " + hex + "\n",
            head + "key 0 " + hex + "\nkey 0 " + otherHex + "\n",
            head + "key 0 " + hex.repeat(33) + "\n",
            "smtpcr-keyring 1\nactive " + hex + "\nkey 0 " + hex + "\n",
            hex + " 1\nactive 0\nkey 0 " + hex + "\n",
            "smtpcr-keyring " + hex + "\nactive 0\nkey 0 " + hex + "\n",
            "smtpcr-keyring 1\nactive 1\nkey 0 " + hex + "\n",
            "key 0 " + hex + "\n",
            head + "key 0 " + hex + "\n#" + "x".repeat(KeyRingFile.MAX_SIZE));
    for (String f : files) {
      seen.add(describe(assertThrows(KeyFileException.class, () -> KeyRingFile.parse(f))));
    }
    assertNoSecretIn(seen);
  }

  @Test
  void keyFileReadErrorsAndPermissionWarning_showAndLogNoSecret() throws IOException {
    Path file = dir.resolve("keys");
    KeyRingFile.write(ring, file);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
    try (CapturedLog log = CapturedLog.of(KeyRingFile.class)) {
      KeyRingFile.read(file);
      Files.writeString(
          file, KeyRingFile.format(ring) + "key 0 " + ReferenceTokenV1.hex(OTHER) + "\n");
      seen.add(describe(assertThrows(KeyFileException.class, () -> KeyRingFile.read(file))));
      Files.writeString(file, KeyRingFile.format(ring) + "#" + "x".repeat(KeyRingFile.MAX_SIZE));
      seen.add(describe(assertThrows(KeyFileException.class, () -> KeyRingFile.read(file))));
      seen.add(KeyRingFile.permissionProblem(file).orElse(""));
      seen.add(log.text());
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        assertFalse(log.records().isEmpty(), "the permission warning was logged");
      }
    }
    assertNoSecretIn(seen);
  }

  @Test
  void publicApi_returnsNoRawKeyBytes() {
    // the raw secret leaves MasterKey only inside this package (as key file text); no public or
    // protected method of a public type hands out a byte or char array
    for (Class<?> type :
        List.of(
            MasterKey.class,
            KeyRing.class,
            KeyRingFile.class,
            ChallengeTokens.class,
            PassCodes.class)) {
      for (java.lang.reflect.Method m : type.getMethods()) {
        Class<?> r = m.getReturnType();
        assertFalse(
            r == byte[].class || r == char[].class,
            type.getSimpleName() + "." + m.getName() + " returns " + r.getSimpleName());
      }
    }
  }

  @Test
  void forbiddenList_catchesALeak() {
    // the check itself must be able to fail
    String leak =
        "key is " + ReferenceTokenV1.hex(ReferenceTokenV1.tokenKey(MASTER)).substring(8, 30);
    assertTrue(FORBIDDEN.values().stream().anyMatch(leak::contains));
  }

  private void collect(Supplier<?> call) {
    try {
      Object unused = call.get();
      fail("expected a failure");
    } catch (RuntimeException e) {
      seen.add(describe(e));
    }
  }

  /** Message, toString and the whole stack trace with causes, as a log would print it. */
  private static String describe(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return t.getMessage() + "\n" + t + "\n" + w;
  }

  private static void assertNoSecretIn(List<String> texts) {
    assertFalse(texts.isEmpty());
    for (String text : texts) {
      for (Map.Entry<String, String> f : FORBIDDEN.entrySet()) {
        if (text.contains(f.getValue())) {
          fail(f.getKey() + " appears in: " + text.lines().findFirst().orElse(""));
        }
      }
    }
  }
}

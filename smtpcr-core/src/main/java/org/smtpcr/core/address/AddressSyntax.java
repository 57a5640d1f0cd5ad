package org.smtpcr.core.address;

import com.google.common.net.InetAddresses;
import java.net.IDN;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Character-level rules shared by {@link AddressCanonicalizer} and {@link CanonicalAddress}: domain
 * normalization, dot-atom and quoted-string handling. Every method either returns a normalized
 * value or throws {@link InvalidAddressException} with a message that never contains the input.
 */
final class AddressSyntax {

  /**
   * RFC 5321 §4.5.3.1.2 allows 255 octets; the textual form without the root dot is at most 253.
   */
  static final int MAX_DOMAIN_LENGTH = 253;

  /** RFC 1035 label limit. */
  static final int MAX_LABEL_LENGTH = 63;

  /** The canonical {@code local@domain} is bounded like a forward-path without its brackets. */
  static final int MAX_ADDRESS_BYTES = 254;

  private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

  /** RFC 5322 atext among the ASCII characters, by character. */
  private static final boolean[] ATEXT = new boolean[0x80];

  static {
    for (int c = 0; c < 0x80; c++) {
      ATEXT[c] =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || ATEXT_SPECIALS.indexOf(c) >= 0;
    }
  }

  private AddressSyntax() {}

  // ---------------------------------------------------------------------------------------------
  // characters

  /** Whether {@code c} is an RFC 5322 atext character (ASCII only). */
  static boolean isAsciiAtext(int c) {
    return c >= 0 && c < 0x80 && ATEXT[c];
  }

  /**
   * Whether a code point may appear anywhere in an address: no C0/C1 controls, DEL, line or
   * paragraph separators, and no unpaired surrogates (passed in as the surrogate itself).
   */
  static boolean isAllowedCodePoint(int cp) {
    int type = Character.getType(cp);
    return type != Character.CONTROL
        && type != Character.SURROGATE
        && type != Character.LINE_SEPARATOR
        && type != Character.PARAGRAPH_SEPARATOR;
  }

  /** Whether a code point may appear in a dot-atom (RFC 5322 atext, extended by RFC 6531). */
  static boolean isAtextCodePoint(int cp) {
    return cp < 0x80
        ? isAsciiAtext(cp)
        : isAllowedCodePoint(cp) && !Character.isWhitespace(cp) && !Character.isSpaceChar(cp);
  }

  /** Whether a code point may appear (unescaped or escaped) in quoted-string content. */
  static boolean isQuotedContentCodePoint(int cp) {
    return cp < 0x80 ? cp >= 0x20 && cp <= 0x7E : isAllowedCodePoint(cp);
  }

  /** Whether {@code s} is a non-empty dot-atom: atext runs separated by single dots. */
  static boolean isDotAtom(String s) {
    if (s.isEmpty() || s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.') {
      return false;
    }
    boolean lastDot = false;
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      int cp = c < 0x80 ? c : s.codePointAt(i);
      if (cp == '.') {
        if (lastDot) {
          return false;
        }
        lastDot = true;
      } else if (isAtextCodePoint(cp)) {
        lastDot = false;
      } else {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  /** Counts the UTF-8 octets of a well-formed string. */
  static int utf8Length(String s) {
    if (isAscii(s)) {
      return s.length();
    }
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  // ---------------------------------------------------------------------------------------------
  // local part

  /**
   * Normalizes the text of a local part (unquoted content): NFC, ASCII letters lowercased, NFC
   * again (lowercasing can enable a composition, and NFC can produce ASCII letters from singletons
   * such as U+212A KELVIN SIGN, so the order matters for idempotence).
   */
  static String normalizeLocalText(String content) {
    if (isAscii(content)) {
      // ASCII text is in NFC, and lowercasing A-Z keeps it ASCII
      return lowerAscii(content);
    }
    String nfc = Normalizer.normalize(content, Normalizer.Form.NFC);
    StringBuilder sb = new StringBuilder(nfc.length());
    for (int i = 0; i < nfc.length(); i++) {
      char c = nfc.charAt(i);
      sb.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
    }
    return Normalizer.normalize(sb, Normalizer.Form.NFC);
  }

  /**
   * Renders normalized local-part content: as is when it is a dot-atom, otherwise as a quoted
   * string in which only {@code "} and {@code \} are escaped.
   */
  /** Whether every character is below U+0080. */
  static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** {@code s} with A-Z mapped to a-z and nothing else changed; {@code s} itself if it has none. */
  private static String lowerAscii(String s) {
    int i = 0;
    int n = s.length();
    while (i < n && (s.charAt(i) < 'A' || s.charAt(i) > 'Z')) {
      i++;
    }
    if (i == n) {
      return s;
    }
    char[] cs = s.toCharArray();
    for (; i < n; i++) {
      char c = cs[i];
      if (c >= 'A' && c <= 'Z') {
        cs[i] = (char) (c + ('a' - 'A'));
      }
    }
    return new String(cs);
  }

  static String renderLocal(String normalizedContent) {
    if (isDotAtom(normalizedContent)) {
      return normalizedContent;
    }
    StringBuilder sb = new StringBuilder(normalizedContent.length() + 2).append('"');
    for (int i = 0; i < normalizedContent.length(); i++) {
      char c = normalizedContent.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }

  /**
   * Returns the content of a quoted string that spans all of {@code quoted}, with quoted-pairs
   * resolved.
   */
  static String unquote(String quoted) {
    if (quoted.length() < 2
        || quoted.charAt(0) != '"'
        || quoted.charAt(quoted.length() - 1) != '"') {
      throw new InvalidAddressException("quoted local part is not enclosed in double quotes");
    }
    StringBuilder sb = new StringBuilder(quoted.length());
    int end = quoted.length() - 1;
    for (int i = 1; i < end; ) {
      int cp = quoted.codePointAt(i);
      if (cp == '\\') {
        if (i + 1 >= end) {
          throw new InvalidAddressException("quoted local part ends with a lone backslash");
        }
        cp = quoted.codePointAt(i + 1);
        i++;
      } else if (cp == '"') {
        throw new InvalidAddressException("unescaped double quote inside a quoted local part");
      }
      if (!isQuotedContentCodePoint(cp)) {
        throw new InvalidAddressException(
            "character U+" + hex(cp) + " is not allowed in a quoted local part");
      }
      sb.appendCodePoint(cp);
      i += Character.charCount(cp);
    }
    return sb.toString();
  }

  /**
   * Checks an unquoted local part as MTAs hand it over. Besides dot-atoms this tolerates leading,
   * trailing and repeated dots (addresses such as {@code john..doe@docomo.ne.jp} exist and are
   * accepted by Postfix and Sendmail); such a local part canonicalizes to its quoted form.
   */
  static void checkUnquotedLocal(String local) {
    if (local.isEmpty()) {
      throw new InvalidAddressException("empty local part");
    }
    for (int i = 0; i < local.length(); ) {
      char c = local.charAt(i);
      if (c < 0x80 && (c == '.' || ATEXT[c])) {
        i++;
        continue;
      }
      int cp = local.codePointAt(i);
      if (cp != '.' && !isAtextCodePoint(cp)) {
        throw new InvalidAddressException(
            "character U+" + hex(cp) + " at index " + i + " of the local part needs quoting");
      }
      i += Character.charCount(cp);
    }
  }

  /**
   * Returns the canonical rendering of an already canonical-looking local part (dot-atom or quoted)
   * without removing tags or sub-addresses; used to validate {@link CanonicalAddress}.
   */
  static String canonicalLocalSyntax(String local) {
    String content;
    if (!local.isEmpty() && local.charAt(0) == '"') {
      content = unquote(local);
    } else {
      checkUnquotedLocal(local);
      content = local;
    }
    if (content.isEmpty()) {
      throw new InvalidAddressException("empty local part");
    }
    return renderLocal(normalizeLocalText(content));
  }

  // ---------------------------------------------------------------------------------------------
  // domain

  /**
   * Normalizes a domain: address literals validated and rewritten in a canonical form, otherwise
   * one trailing dot removed, IDN labels converted to A-labels (IDNA 2003 as implemented by {@link
   * IDN}), lowercased and checked as letter-digit-hyphen labels (an underscore inside a label is
   * tolerated, as DNS allows it and some MTAs accept it).
   */
  static String normalizeDomain(String domain) {
    if (domain.isEmpty()) {
      throw new InvalidAddressException("empty domain");
    }
    if (domain.charAt(0) == '[') {
      return normalizeLiteral(domain);
    }
    String d = domain;
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.isEmpty() || d.startsWith(".") || d.endsWith(".") || d.contains("..")) {
      throw new InvalidAddressException("domain has an empty label");
    }
    boolean ascii = true;
    for (int i = 0; i < d.length(); i++) {
      if (d.charAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    String a;
    if (ascii) {
      a = d.toLowerCase(Locale.ROOT);
    } else {
      a = toAsciiLabels(d);
    }
    checkLdhDomain(a);
    return a;
  }

  /**
   * Converts a domain with non-ASCII labels to A-labels. Labels are separated by the dots IDNA
   * recognizes (U+002E, U+3002, U+FF0E, U+FF61). {@link IDN} implements IDNA 2003, which maps the
   * deviation characters {@code ß} and {@code ς} to {@code ss} and {@code σ}; registries and
   * browsers now follow IDNA 2008 (UTS 46 non-transitional), where {@code straße.de} is {@code
   * xn--strae-oqa.de}, a different domain from {@code strasse.de}. Labels containing them are
   * therefore checked with {@link IDN} but encoded here from their NFKC form, lowercased code point
   * by code point, so that the U-label and the A-label of such a domain canonicalize alike. Other
   * differences between IDNA 2003 and 2008 (symbols, newer Unicode versions) are not bridged: the
   * JDK has no IDNA 2008 implementation and this module takes no ICU dependency.
   */
  private static String toAsciiLabels(String d) {
    StringBuilder out = new StringBuilder(d.length() + 16);
    int start = 0;
    for (int i = 0; i <= d.length(); i++) {
      char c = i < d.length() ? d.charAt(i) : '.';
      if (c == '.' || c == '\u3002' || c == '\uff0e' || c == '\uff61') {
        if (i == start) {
          throw new InvalidAddressException("domain has an empty label");
        }
        if (out.length() > 0) {
          out.append('.');
        }
        out.append(toAsciiLabel(d.substring(start, i)));
        start = i + 1;
      }
    }
    return out.toString();
  }

  private static String toAsciiLabel(String label) {
    String a;
    try {
      a = IDN.toASCII(label, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new InvalidAddressException("domain is not a valid internationalized domain name");
    }
    String nfkc = Normalizer.normalize(label, Normalizer.Form.NFKC);
    if (nfkc.indexOf('\u00df') >= 0 || nfkc.indexOf('\u1e9e') >= 0 || nfkc.indexOf('\u03c2') >= 0) {
      // per code point, so that a final capital sigma becomes σ as in UTS 46, not ς as in
      // String.toLowerCase
      StringBuilder lower = new StringBuilder(nfkc.length());
      nfkc.codePoints().forEach(cp -> lower.appendCodePoint(Character.toLowerCase(cp)));
      a = "xn--" + Punycode.encode(Normalizer.normalize(lower, Normalizer.Form.NFC));
    }
    return a;
  }

  private static void checkLdhDomain(String d) {
    if (d.length() > MAX_DOMAIN_LENGTH) {
      throw new InvalidAddressException(
          "domain is " + d.length() + " characters long, limit " + MAX_DOMAIN_LENGTH);
    }
    int start = 0;
    while (true) {
      int dot = d.indexOf('.', start);
      int end = dot < 0 ? d.length() : dot;
      checkLabel(d, start, end);
      if (dot < 0) {
        return;
      }
      start = dot + 1;
    }
  }

  private static void checkLabel(String d, int start, int end) {
    int len = end - start;
    if (len == 0) {
      throw new InvalidAddressException("domain has an empty label");
    }
    if (len > MAX_LABEL_LENGTH) {
      throw new InvalidAddressException(
          "domain label is " + len + " characters long, limit " + MAX_LABEL_LENGTH);
    }
    for (int i = start; i < end; i++) {
      char c = d.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      boolean inner = (c == '-' || c == '_') && i != start && i != end - 1;
      if (!alnum && !inner) {
        throw new InvalidAddressException(
            "domain contains U+"
                + hex(c)
                + " at index "
                + i
                + "; only letters, digits and inner"
                + " hyphens are allowed");
      }
    }
  }

  private static String normalizeLiteral(String literal) {
    if (literal.length() < 3 || literal.charAt(literal.length() - 1) != ']') {
      throw new InvalidAddressException("address literal is not enclosed in square brackets");
    }
    String body = literal.substring(1, literal.length() - 1);
    if (body.regionMatches(true, 0, "IPv6:", 0, 5)) {
      return "[IPv6:" + normalizeIpv6(body.substring(5)) + "]";
    }
    if (body.indexOf(':') >= 0) {
      throw new InvalidAddressException(
          "address literal has an unsupported tag; only IPv4 and IPv6 literals are accepted");
    }
    return "[" + normalizeIpv4(body) + "]";
  }

  private static String normalizeIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      throw new InvalidAddressException("IPv4 address literal does not have four parts");
    }
    StringBuilder sb = new StringBuilder(15);
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3) {
        throw new InvalidAddressException("IPv4 address literal part must have 1 to 3 digits");
      }
      int v = 0;
      for (int i = 0; i < p.length(); i++) {
        char c = p.charAt(i);
        if (c < '0' || c > '9') {
          throw new InvalidAddressException("IPv4 address literal part must have 1 to 3 digits");
        }
        v = v * 10 + (c - '0');
      }
      if (v > 255) {
        throw new InvalidAddressException("IPv4 address literal part exceeds 255");
      }
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(v);
    }
    return sb.toString();
  }

  private static String normalizeIpv6(String s) {
    if (s.isEmpty() || s.length() > 45 || s.indexOf(':') < 0) {
      throw new InvalidAddressException("IPv6 address literal is malformed");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F')
              || c == ':'
              || c == '.';
      if (!ok) {
        throw new InvalidAddressException("IPv6 address literal is malformed");
      }
    }
    InetAddress address;
    try {
      address = InetAddresses.forString(s);
    } catch (IllegalArgumentException e) {
      throw new InvalidAddressException("IPv6 address literal is malformed");
    }
    if (address instanceof Inet4Address) {
      // the JDK turns ::ffff:a.b.c.d into an Inet4Address; keep it an IPv6 literal in RFC 5952 form
      return "::ffff:" + address.getHostAddress();
    }
    return InetAddresses.toAddrString(address);
  }

  static String hex(int cp) {
    String h = Integer.toHexString(cp).toUpperCase(Locale.ROOT);
    return h.length() >= 4 ? h : "0000".substring(h.length()) + h;
  }
}

package org.smtpcr.core.address;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an SMTP path as an MTA hands it over into a {@link CanonicalAddress}, the one form used for
 * whitelist keys and tokens (README.md, "Canonical addresses").
 *
 * <p>Accepted input: {@code <local@domain>} or {@code local@domain}, optionally with an RFC 5321
 * source route ({@code <@relay1,@relay2:local@domain>}, which is ignored) and surrounding spaces or
 * tabs; at most {@value #MAX_PATH_LENGTH} characters (checked before anything else); no control
 * characters (CR, LF, NUL, ...), line separators or unpaired surrogates anywhere.
 *
 * <p>Canonicalization, in this order:
 *
 * <ol>
 *   <li>domain: address literals ({@code [192.0.2.1]}, {@code [IPv6:...]}) validated and written in
 *       canonical form (decimal IPv4 without leading zeros, RFC 5952 IPv6 with the tag spelled
 *       {@code IPv6}); otherwise one trailing dot removed, IDN labels converted to A-labels with
 *       {@link java.net.IDN} (IDNA 2003; labels with the deviation characters {@code ß} and {@code
 *       ς} are encoded as IDNA 2008 does, so {@code straße.de} is {@code xn--strae-oqa.de}),
 *       lowercased;
 *   <li>local part: a quoted string is unquoted; the text is NFC-normalized and its ASCII letters
 *       are lowercased (other letters keep their case);
 *   <li>BATV (if enabled): {@code prvs=TAG=local}, {@code msprvs1=TAG=local}, {@code
 *       btv1==TAG==local} (Barracuda) and the older {@code prvs=local/KDDDSSSSSS} form are reduced
 *       to {@code local};
 *   <li>SRS (if enabled): {@code SRS0=HHH=TT=domain=local@forwarder} becomes {@code local@domain}
 *       and {@code SRS1=HHH=forwarder==HHH=TT=domain=local@forwarder2} becomes {@code
 *       local@domain}; the separator after {@code SRS0}/{@code SRS1} may be {@code =}, {@code +} or
 *       {@code -} (libsrs2); an SRS-looking address whose embedded domain is not a valid domain is
 *       left as it is;
 *   <li>steps 3 and 4 repeat while they change something (an SRS-wrapped BATV address, ...);
 *   <li>sub-address: everything from the first separator character that is not the first character
 *       of the local part is removed and reported as {@link ParsedAddress#subaddress()};
 *   <li>the local part is written unquoted when it is a dot-atom, otherwise as a quoted string
 *       ({@code "john doe"}, {@code "john..doe"}).
 * </ol>
 *
 * The result has at most 254 UTF-8 octets. Canonicalization is idempotent: {@code
 * canonicalize(canonicalize(p).value())} equals {@code canonicalize(p)}.
 *
 * <p>Not accepted: the null path {@code <>} (see {@link #isNullPath(String)}), a local part without
 * a domain ({@code <postmaster>}), address literals with tags other than {@code IPv6}, IPv6 zone
 * ids. The local part is not limited to 64 octets: SRS and BATV addresses routinely exceed it, and
 * MTAs accept them.
 *
 * @since 0.1.0
 */
public final class AddressCanonicalizer {

  /**
   * Upper bound on the length of the input path, checked first. RFC 5321 limits a path to 256
   * octets; the bound leaves room for source routes and for MTAs that are lenient.
   */
  public static final int MAX_PATH_LENGTH = 1000;

  private static final AddressCanonicalizer STANDARD = builder().build();

  /** {@code prvs=TAG=local} and Mimecast/Microsoft's {@code msprvs1=TAG=local}. */
  private static final Pattern BATV_PRVS =
      Pattern.compile(
          "(?:prvs|msprvs1)=[0-9A-Za-z]{1,64}=(.+)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  /** Barracuda's {@code btv1==TAG==local}. */
  private static final Pattern BATV_BTV1 =
      Pattern.compile("btv1==[0-9A-Za-z]{1,64}==(.+)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  /** The older draft form {@code prvs=local/KDDDSSSSSS} (key digit, day, six hex digits). */
  private static final Pattern BATV_OLD =
      Pattern.compile(
          "prvs=(.+)/[0-9]{4}[0-9A-Fa-f]{6}", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  /** {@code SRS0=HHH=TT=domain=local}: hash, timestamp, original domain, original local part. */
  private static final Pattern SRS0 =
      Pattern.compile(
          "SRS0[=+-][^=]+=[^=]+=([^=]+)=(.+)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  /** {@code SRS1=HHH=forwarder=<sep>HHH=TT=domain=local}: the SRS0 address the forwarder had. */
  private static final Pattern SRS1 =
      Pattern.compile(
          "SRS1[=+-][^=]+=[^=]+=[=+-][^=]+=[^=]+=([^=]+)=(.+)",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private final String separators;
  private final boolean unwrapSrs;
  private final boolean stripBatv;
  private final AddressCanonicalizer forRecipients;

  private AddressCanonicalizer(Builder b) {
    this.separators = b.separators == null ? "+" : b.separators;
    this.unwrapSrs = b.unwrapSrs == null || b.unwrapSrs;
    this.stripBatv = b.stripBatv == null || b.stripBatv;
    this.forRecipients = unwrapSrs ? new AddressCanonicalizer(separators, stripBatv) : this;
  }

  /** The recipient form of a canonicalizer: SRS unwrapping off. */
  private AddressCanonicalizer(String separators, boolean stripBatv) {
    this.separators = separators;
    this.unwrapSrs = false;
    this.stripBatv = stripBatv;
    this.forRecipients = this;
  }

  /**
   * Returns the standard canonicalizer: sub-address separator {@code +}, BATV and SRS unwrapping
   * on.
   *
   * @return the shared standard instance
   */
  public static AddressCanonicalizer standard() {
    return STANDARD;
  }

  /**
   * Returns this canonicalizer for forward-paths: the same, but without SRS unwrapping. An SRS
   * address as a recipient is the return path of mail we forwarded; unwrapping it would name a
   * mailbox elsewhere rather than ours. BATV tags are still removed, since a BATV-tagged recipient
   * is one of our own users receiving a reply to a tagged return path.
   *
   * @return a canonicalizer with SRS unwrapping off and every other setting kept
   */
  public AddressCanonicalizer forRecipients() {
    return forRecipients;
  }

  /**
   * The sub-address separators this canonicalizer cuts local parts at, such as {@code "+"}; empty
   * when sub-addresses are kept. An integration that writes a sub-address (the challenge page
   * showing {@code bob+CODE@example.com}) uses the first.
   *
   * @return the separator characters, in their configured order
   */
  public String subaddressSeparators() {
    return separators;
  }

  /**
   * Starts a builder whose defaults are those of {@link #standard()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns whether {@code path} is the null reverse-path: {@code <>}, or the empty string as some
   * MTAs (Postfix's policy protocol, milters) hand it over; surrounding spaces and tabs are
   * ignored.
   *
   * @param path the path as received
   * @return true for the null path
   */
  public static boolean isNullPath(String path) {
    requireNonNull(path, "path");
    if (path.length() > MAX_PATH_LENGTH) {
      return false;
    }
    String p = trim(path);
    return p.isEmpty() || p.equals("<>");
  }

  /**
   * Canonicalizes {@code path}; shorthand for {@code parse(path).canonical()}.
   *
   * @param path the path as received
   * @return the canonical address
   * @throws InvalidAddressException if the path is malformed, too long or the null path
   */
  public CanonicalAddress canonicalize(String path) {
    return parse(path).canonical();
  }

  /**
   * Canonicalizes a domain as configured or received: lowercase, trailing dot removed,
   * internationalized labels to A-labels, address literals normalized. A leading {@code @} (as in
   * {@code @example.com}, the way whitelists name a domain) is allowed and dropped.
   *
   * @param domain such as {@code Example.COM.}, {@code @bücher.example} or {@code [192.0.2.1]}
   * @return the canonical domain
   * @throws InvalidAddressException if the text is not a domain or is longer than 255 characters;
   *     the message never contains the text
   */
  public CanonicalDomain canonicalizeDomain(String domain) {
    requireNonNull(domain, "domain");
    if (domain.length() > AddressSyntax.MAX_DOMAIN_LENGTH + 2) {
      throw new InvalidAddressException(
          "domain is "
              + domain.length()
              + " characters long, limit "
              + AddressSyntax.MAX_DOMAIN_LENGTH);
    }
    String d = domain.startsWith("@") ? domain.substring(1) : domain;
    return CanonicalDomain.trusted(AddressSyntax.normalizeDomain(d));
  }

  /**
   * Parses and canonicalizes {@code path}.
   *
   * @param path the path as received, e.g. {@code <Bob+K3X9-ABCD@Example.COM.>}
   * @return the original, its canonical address and the removed sub-address
   * @throws InvalidAddressException if the path is malformed, too long or the null path; the
   *     message never contains the path
   */
  public ParsedAddress parse(String path) {
    requireNonNull(path, "path");
    if (path.length() > MAX_PATH_LENGTH) {
      throw new InvalidAddressException(
          "path is " + path.length() + " characters long, limit " + MAX_PATH_LENGTH);
    }
    String original = trim(path);
    for (int i = 0; i < original.length(); ) {
      char c = original.charAt(i);
      if (c >= 0x20 && c < 0x7F) { // printable ASCII: always allowed
        i++;
        continue;
      }
      int cp = original.codePointAt(i);
      if (!AddressSyntax.isAllowedCodePoint(cp)) {
        throw new InvalidAddressException(
            "path contains the forbidden character U+" + AddressSyntax.hex(cp) + " at index " + i);
      }
      i += Character.charCount(cp);
    }
    String p = original;
    if (p.startsWith("<")) {
      if (!p.endsWith(">") || p.length() < 2) {
        throw new InvalidAddressException("path starts with '<' but does not end with '>'");
      }
      p = p.substring(1, p.length() - 1);
    } else if (p.endsWith(">")) {
      throw new InvalidAddressException("path ends with '>' but does not start with '<'");
    }
    if (p.isEmpty()) {
      throw new InvalidAddressException("the null path <> has no address");
    }
    p = stripSourceRoute(p);

    String localContent;
    String rawDomain;
    if (p.charAt(0) == '"') {
      int close = closingQuote(p);
      if (close + 1 >= p.length() || p.charAt(close + 1) != '@') {
        throw new InvalidAddressException("quoted local part must be followed by '@' and a domain");
      }
      localContent = AddressSyntax.unquote(p.substring(0, close + 1));
      rawDomain = p.substring(close + 2);
    } else {
      int at = p.indexOf('@');
      if (at < 0) {
        throw new InvalidAddressException("address has no '@' and domain");
      }
      String local = p.substring(0, at);
      AddressSyntax.checkUnquotedLocal(local);
      localContent = local;
      rawDomain = p.substring(at + 1);
    }
    if (localContent.isEmpty()) {
      throw new InvalidAddressException("empty local part");
    }
    if (rawDomain.indexOf('@') >= 0) {
      throw new InvalidAddressException("address has more than one unquoted '@'");
    }
    String domain = AddressSyntax.normalizeDomain(rawDomain);
    String local = AddressSyntax.normalizeLocalText(localContent);

    String subaddress = null;
    while (true) {
      String[] unwrapped = unwrapOnce(local, domain);
      if (unwrapped != null) {
        local = unwrapped[0];
        domain = unwrapped[1];
        continue;
      }
      int sep = subaddressIndex(local);
      if (sep < 0) {
        break;
      }
      if (subaddress == null) {
        subaddress = subaddressText(localContent, local, sep);
      }
      local = local.substring(0, sep);
    }

    String renderedLocal = AddressSyntax.renderLocal(local);
    int bytes = AddressSyntax.utf8Length(renderedLocal) + 1 + AddressSyntax.utf8Length(domain);
    if (bytes > AddressSyntax.MAX_ADDRESS_BYTES) {
      throw new InvalidAddressException(
          "canonical address has "
              + bytes
              + " UTF-8 octets, limit "
              + AddressSyntax.MAX_ADDRESS_BYTES);
    }
    // canonical by construction: the steps above are the ones the public constructor checks with
    // (a property test holds every output to that constructor)
    CanonicalAddress canonical = CanonicalAddress.trusted(renderedLocal, domain);
    return new ParsedAddress(original, canonical, subaddress);
  }

  /** One BATV or SRS step, or null when neither applies. */
  private String[] unwrapOnce(String local, String domain) {
    if (local.indexOf('=') < 0) {
      return null; // every BATV and SRS form has an '='
    }
    if (stripBatv) {
      String stripped = stripBatv(local);
      if (stripped != null) {
        return new String[] {stripped, domain};
      }
    }
    if (unwrapSrs) {
      Matcher m = SRS1.matcher(local);
      if (!m.matches()) {
        m = SRS0.matcher(local);
        if (!m.matches()) {
          return null;
        }
      }
      String origDomain;
      try {
        origDomain = AddressSyntax.normalizeDomain(m.group(1));
      } catch (InvalidAddressException e) {
        return null;
      }
      String origLocal = m.group(2);
      if (!isValidLocalText(origLocal)) {
        return null;
      }
      return new String[] {origLocal, origDomain};
    }
    return null;
  }

  private static String stripBatv(String local) {
    for (Pattern pattern : new Pattern[] {BATV_PRVS, BATV_BTV1, BATV_OLD}) {
      Matcher m = pattern.matcher(local);
      if (m.matches() && isValidLocalText(m.group(1))) {
        return m.group(1);
      }
    }
    return null;
  }

  /** Whether an unwrapped local part is still something a local part may be. */
  private static boolean isValidLocalText(String local) {
    if (local.isEmpty()) {
      return false;
    }
    for (int i = 0; i < local.length(); ) {
      int cp = local.codePointAt(i);
      if (!AddressSyntax.isQuotedContentCodePoint(cp)) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  private int subaddressIndex(String local) {
    for (int i = 1; i < local.length(); i++) {
      if (separators.indexOf(local.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The extension text in its original case. Lowercasing changes only ASCII letters, so when the
   * normalized local part is a case-insensitive suffix of the NFC original the original case is
   * recovered from there; otherwise (NFC changed the text) the normalized text is returned.
   */
  private static String subaddressText(String originalContent, String local, int sep) {
    String ext = local.substring(sep + 1);
    String nfcOriginal =
        AddressSyntax.isAscii(originalContent)
            ? originalContent // ASCII is NFC
            : java.text.Normalizer.normalize(originalContent, java.text.Normalizer.Form.NFC);
    int start = nfcOriginal.length() - (local.length() - sep - 1);
    if (start >= 0
        && nfcOriginal.regionMatches(true, start, ext, 0, ext.length())
        && nfcOriginal.length() - start == ext.length()) {
      return nfcOriginal.substring(start);
    }
    return ext;
  }

  private static String trim(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(start, end);
  }

  /** Removes an RFC 5321 A-d-l ({@code @one,@two:}) in front of the mailbox. */
  private static String stripSourceRoute(String p) {
    if (p.charAt(0) != '@') {
      return p;
    }
    int i = 0;
    while (true) {
      if (i >= p.length() || p.charAt(i) != '@') {
        throw new InvalidAddressException("malformed source route");
      }
      int j = i + 1;
      int start = j;
      if (j < p.length() && p.charAt(j) == '[') {
        int close = p.indexOf(']', j);
        if (close < 0) {
          throw new InvalidAddressException("malformed source route");
        }
        j = close + 1;
      } else {
        while (j < p.length() && p.charAt(j) != ',' && p.charAt(j) != ':') {
          j++;
        }
      }
      if (j == start || j >= p.length()) {
        throw new InvalidAddressException("malformed source route");
      }
      AddressSyntax.normalizeDomain(p.substring(start, j));
      char c = p.charAt(j);
      if (c == ':') {
        String rest = p.substring(j + 1);
        if (rest.isEmpty()) {
          throw new InvalidAddressException("source route is not followed by a mailbox");
        }
        return rest;
      }
      if (c != ',') {
        throw new InvalidAddressException("malformed source route");
      }
      i = j + 1;
    }
  }

  private static int closingQuote(String p) {
    for (int i = 1; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i;
      }
    }
    throw new InvalidAddressException("quoted local part has no closing double quote");
  }

  /**
   * Returns a description of the configuration (no addresses).
   *
   * @return e.g. {@code AddressCanonicalizer[separators="+", srs=true, batv=true]}
   */
  @Override
  public String toString() {
    return "AddressCanonicalizer[separators=\""
        + separators
        + "\", srs="
        + unwrapSrs
        + ", batv="
        + stripBatv
        + "]";
  }

  /**
   * Configures an {@link AddressCanonicalizer}. Each option may be set once; unset options keep the
   * defaults of {@link AddressCanonicalizer#standard()}. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private String separators;
    private Boolean unwrapSrs;
    private Boolean stripBatv;

    private Builder() {}

    /**
     * Sets the sub-address separator characters (Postfix's {@code recipient_delimiter}); the local
     * part is cut at the first of them that is not its first character. Empty disables sub-address
     * removal. Default {@code "+"}.
     *
     * @param chars separator characters, each an ASCII atext special such as {@code + - = _ ~ #}
     * @return this builder
     * @throws IllegalArgumentException if a character is a letter, digit, dot or not ASCII atext
     * @throws IllegalStateException if already set
     */
    public Builder subaddressSeparators(String chars) {
      requireNonNull(chars, "chars");
      checkState(separators == null, "subaddressSeparators already set");
      checkArgument(
          chars.length() <= 32, "at most 32 separator characters, got %s", chars.length());
      for (int i = 0; i < chars.length(); i++) {
        char c = chars.charAt(i);
        checkArgument(
            AddressSyntax.isAsciiAtext(c) && !Character.isLetterOrDigit(c),
            "separator U+%s is not an ASCII atext special character",
            AddressSyntax.hex(c));
      }
      this.separators = chars;
      return this;
    }

    /**
     * Sets whether SRS0/SRS1 addresses are unwrapped to the original sender. Default true.
     *
     * @param unwrap whether to unwrap
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder unwrapSrs(boolean unwrap) {
      checkState(unwrapSrs == null, "unwrapSrs already set");
      this.unwrapSrs = unwrap;
      return this;
    }

    /**
     * Sets whether BATV tags are removed. Default true.
     *
     * @param strip whether to strip
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder stripBatv(boolean strip) {
      checkState(stripBatv == null, "stripBatv already set");
      this.stripBatv = strip;
      return this;
    }

    /**
     * Builds the canonicalizer.
     *
     * @return a new immutable canonicalizer
     */
    public AddressCanonicalizer build() {
      return new AddressCanonicalizer(this);
    }
  }
}

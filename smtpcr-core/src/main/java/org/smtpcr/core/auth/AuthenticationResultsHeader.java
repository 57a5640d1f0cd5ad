package org.smtpcr.core.auth;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an {@code Authentication-Results} header field (RFC 8601) written by a trusted checker that
 * ran before SMTPCR: OpenDKIM, OpenDMARC, rspamd, or the MTA itself. For example:
 *
 * <pre>
 * mx.example.net; spf=pass smtp.mailfrom=alice@example.org;
 *   dkim=pass (2048-bit key; unprotected) header.d=example.org header.i=@example.org header.b="Jg5KhDFe";
 *   dmarc=pass (p=reject dis=none) header.from=example.org
 * </pre>
 *
 * <p>What is read:
 *
 * <ul>
 *   <li>{@code spf}: with {@code smtp.mailfrom} as the MAIL FROM result, with {@code smtp.helo} as
 *       the HELO result; with neither, as the MAIL FROM result. The first of each kind counts.
 *       {@code hardfail} (RFC 5451) reads as {@code fail}.
 *   <li>{@code dkim}: one signature per result, its domain from {@code header.d}, else from the
 *       domain of {@code header.i}; a result without either, or {@code dkim=none}, adds no
 *       signature. At most {@link AuthenticationResults#MAX_SIGNATURES} are kept.
 *   <li>{@code dmarc}: the result for {@code header.from}, with the published policy from {@code
 *       policy.published-domain-policy}, else from the comment forms OpenDMARC ({@code (p=reject
 *       dis=none)}) and rspamd ({@code (policy=reject)}) write. When no policy is given, {@code
 *       pass} and {@code fail} record {@link DmarcPolicy#NONE} (the domain publishes a record, but
 *       nothing says it asks for more), {@code none} and {@code permerror} record {@link
 *       DmarcPolicy#ABSENT}, and {@code temperror} records {@link DmarcPolicy#TEMPERROR}.
 *   <li>A {@code dkim} or {@code dmarc} result (even {@code none}) marks the message as checked.
 * </ul>
 *
 * Method names, result keywords, property names and the authserv-id are compared
 * case-insensitively; comments {@code ( )} (nested, with {@code \} escapes) and quoted strings are
 * understood. Unknown methods and results that are not understood are skipped. A result whose
 * domain is not a domain name is skipped.
 *
 * <p>Bounded: a value longer than {@value #MAX_LENGTH} characters is not read, and no more than
 * {@value #MAX_RESULTS} results are looked at. Only the header's own authserv-id is checked against
 * the trusted ones: removing forged fields that carry a trusted id, on entry, is the MTA's job (RFC
 * 8601 §5).
 *
 * @since 0.2.0
 */
public final class AuthenticationResultsHeader {
  /** Longest header value read, in characters. */
  public static final int MAX_LENGTH = 8192;

  /** Most results (method=result clauses) looked at in one header. */
  public static final int MAX_RESULTS = 64;

  private AuthenticationResultsHeader() {}

  /**
   * The results in {@code headerValue} (the field body, with or without the {@code
   * Authentication-Results:} name), if its authserv-id is one of {@code trustedAuthservIds}
   * (case-insensitive). Empty when the id is not trusted, when the value is longer than {@value
   * #MAX_LENGTH} characters or cannot be read, or when it says {@code none} or nothing usable.
   * Never throws for any text.
   *
   * @throws NullPointerException if an argument or a trusted id is null
   */
  public static Optional<AuthenticationResults> parse(
      String headerValue, Set<String> trustedAuthservIds) {
    requireNonNull(headerValue, "headerValue");
    requireNonNull(trustedAuthservIds, "trustedAuthservIds");
    for (String id : trustedAuthservIds) {
      requireNonNull(id, "trusted authserv-id");
    }
    if (headerValue.length() > MAX_LENGTH || trustedAuthservIds.isEmpty()) {
      return Optional.empty();
    }
    List<Token> tokens = Lexer.tokens(headerValue);
    if (tokens == null) {
      return Optional.empty();
    }
    int i = 0;
    // an optional field name: "Authentication-Results" ":" arrives as one word ending in ':'
    if (!tokens.isEmpty()
        && tokens.get(0).kind == Kind.WORD
        && tokens.get(0).text.equalsIgnoreCase("authentication-results:")) {
      i++;
    }
    if (i >= tokens.size() || tokens.get(i).kind == Kind.SEMI || tokens.get(i).kind == Kind.EQ) {
      return Optional.empty();
    }
    String authservId = tokens.get(i).text;
    if (!trusted(authservId, trustedAuthservIds)) {
      return Optional.empty();
    }
    i++;
    if (i < tokens.size() && tokens.get(i).kind == Kind.WORD && isDigits(tokens.get(i).text)) {
      i++; // authres-version
    }
    List<List<Token>> clauses = new ArrayList<>();
    List<Token> current = null;
    for (; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.kind == Kind.SEMI) {
        if (clauses.size() >= MAX_RESULTS) {
          break;
        }
        current = new ArrayList<>();
        clauses.add(current);
      } else if (current == null) {
        return Optional.empty(); // text between the authserv-id and the first ';'
      } else {
        current.add(t);
      }
    }
    AuthenticationResults.Builder b = AuthenticationResults.builder();
    Read read = new Read();
    for (List<Token> clause : clauses) {
      clause(clause, b, read);
    }
    if (!read.any) {
      return Optional.empty();
    }
    return Optional.of(b.build());
  }

  private static boolean trusted(String id, Set<String> trusted) {
    for (String t : trusted) {
      if (t.equalsIgnoreCase(id)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isDigits(String s) {
    if (s.isEmpty() || s.length() > 9) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** What has been read so far. */
  private static final class Read {
    boolean any;
    boolean spfMailFrom;
    boolean spfHelo;
    boolean dmarc;
  }

  /** One {@code method=result prop=value ...} clause; comments are kept for the DMARC policy. */
  private static void clause(List<Token> clause, AuthenticationResults.Builder b, Read read) {
    List<String> comments = new ArrayList<>();
    List<Token> words = new ArrayList<>();
    for (Token t : clause) {
      if (t.kind == Kind.COMMENT) {
        comments.add(t.text);
      } else {
        words.add(t);
      }
    }
    // method [ "=" ] result, then name "=" value pairs
    if (words.size() < 3
        || words.get(0).kind != Kind.WORD
        || words.get(1).kind != Kind.EQ
        || words.get(2).kind != Kind.WORD) {
      return;
    }
    String method = words.get(0).text.toLowerCase(Locale.ROOT);
    int slash = method.indexOf('/');
    if (slash >= 0) {
      method = method.substring(0, slash); // method-version
    }
    String result = words.get(2).text.toLowerCase(Locale.ROOT);
    List<String[]> props = new ArrayList<>();
    for (int j = 3; j < words.size(); j += 3) {
      if (j + 2 >= words.size()) {
        return; // a dangling property: ignore the clause
      }
      Token name = words.get(j);
      Token eq = words.get(j + 1);
      Token value = words.get(j + 2);
      if (name.kind != Kind.WORD || eq.kind != Kind.EQ || value.kind == Kind.EQ) {
        return; // not a property list: ignore the clause
      }
      props.add(new String[] {name.text.toLowerCase(Locale.ROOT), value.text});
    }
    switch (method) {
      case "spf" -> spf(result, props, b, read);
      case "dkim" -> dkim(result, props, b, read);
      case "dmarc" -> dmarc(result, props, comments, b, read);
      default -> {}
    }
  }

  private static String prop(List<String[]> props, String name) {
    for (String[] p : props) {
      if (p[0].equals(name)) {
        return p[1];
      }
    }
    return null;
  }

  private static void spf(
      String result, List<String[]> props, AuthenticationResults.Builder b, Read read) {
    Optional<SpfResult> r =
        result.equals("hardfail") ? Optional.of(SpfResult.FAIL) : SpfResult.ofKeyword(result);
    if (r.isEmpty()) {
      return;
    }
    boolean helo = prop(props, "smtp.helo") != null && prop(props, "smtp.mailfrom") == null;
    if (helo) {
      if (!read.spfHelo) {
        b.spfHelo(r.get());
        read.spfHelo = true;
        read.any = true;
      }
    } else if (!read.spfMailFrom) {
      b.spfMailFrom(r.get());
      read.spfMailFrom = true;
      read.any = true;
    }
  }

  private static void dkim(
      String result, List<String[]> props, AuthenticationResults.Builder b, Read read) {
    DkimSignature.Result r =
        switch (result) {
          case "pass" -> DkimSignature.Result.PASS;
          case "fail" -> DkimSignature.Result.FAIL;
          case "policy" -> DkimSignature.Result.POLICY;
          case "neutral" -> DkimSignature.Result.NEUTRAL;
          case "temperror" -> DkimSignature.Result.TEMPERROR;
          case "permerror" -> DkimSignature.Result.PERMERROR;
          case "none" -> null;
          default -> null;
        };
    if (r == null && !result.equals("none")) {
      return;
    }
    read.any = true;
    b.messageChecked(true);
    if (r == null) {
      return;
    }
    String d = prop(props, "header.d");
    if (d == null) {
      String id = prop(props, "header.i");
      if (id != null && id.lastIndexOf('@') >= 0) {
        d = id.substring(id.lastIndexOf('@') + 1);
      }
    }
    if (d != null) {
      Domains.tryNormalize(d).ifPresent(domain -> b.dkim(new DkimSignature(domain, r)));
    }
  }

  private static void dmarc(
      String result,
      List<String[]> props,
      List<String> comments,
      AuthenticationResults.Builder b,
      Read read) {
    DmarcResult.Result r =
        switch (result) {
          case "pass" -> DmarcResult.Result.PASS;
          case "fail" -> DmarcResult.Result.FAIL;
          case "none" -> DmarcResult.Result.NONE;
          case "temperror" -> DmarcResult.Result.TEMPERROR;
          case "permerror" -> DmarcResult.Result.PERMERROR;
          default -> null;
        };
    if (r == null) {
      return;
    }
    read.any = true;
    b.messageChecked(true);
    String from = prop(props, "header.from");
    if (from == null || read.dmarc) {
      return;
    }
    if (from.lastIndexOf('@') >= 0) {
      from = from.substring(from.lastIndexOf('@') + 1);
    }
    Optional<String> domain = Domains.tryNormalize(from);
    if (domain.isEmpty()) {
      return;
    }
    DmarcPolicy policy = policy(prop(props, "policy.published-domain-policy"));
    for (int i = 0; policy == null && i < comments.size(); i++) {
      policy = policyInComment(comments.get(i));
    }
    if (policy == null) {
      policy =
          switch (r) {
            case PASS, FAIL -> DmarcPolicy.NONE;
            case TEMPERROR -> DmarcPolicy.TEMPERROR;
            default -> DmarcPolicy.ABSENT;
          };
    }
    b.dmarc(new DmarcResult(domain.get(), r, policy));
    read.dmarc = true;
  }

  private static DmarcPolicy policy(String value) {
    if (value == null) {
      return null;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "none" -> DmarcPolicy.NONE;
      case "quarantine" -> DmarcPolicy.QUARANTINE;
      case "reject" -> DmarcPolicy.REJECT;
      default -> null;
    };
  }

  /** {@code p=reject} (OpenDMARC) or {@code policy=reject} (rspamd) inside a comment. */
  private static DmarcPolicy policyInComment(String comment) {
    for (String word : comment.split("[\\s;,]+", 32)) {
      int eq = word.indexOf('=');
      if (eq > 0) {
        String name = word.substring(0, eq).toLowerCase(Locale.ROOT);
        if (name.equals("p") || name.equals("policy")) {
          DmarcPolicy p = policy(word.substring(eq + 1));
          if (p != null) {
            return p;
          }
        }
      }
    }
    return null;
  }

  private enum Kind {
    WORD,
    QUOTED,
    SEMI,
    EQ,
    COMMENT
  }

  private record Token(Kind kind, String text) {}

  /** Splits a header value into words, quoted strings, ';', '=' and comments. */
  private static final class Lexer {
    static List<Token> tokens(String s) {
      List<Token> out = new ArrayList<>();
      int n = s.length();
      int i = 0;
      while (i < n) {
        char c = s.charAt(i);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
          i++;
        } else if (c == ';') {
          out.add(new Token(Kind.SEMI, ";"));
          i++;
        } else if (c == '=') {
          out.add(new Token(Kind.EQ, "="));
          i++;
        } else if (c == '(') {
          StringBuilder sb = new StringBuilder();
          int depth = 0;
          while (i < n) {
            char d = s.charAt(i);
            if (d == '\\' && i + 1 < n) {
              sb.append(s.charAt(i + 1));
              i += 2;
              continue;
            }
            if (d == '(') {
              depth++;
              if (depth > 1) {
                sb.append(d);
              }
            } else if (d == ')') {
              depth--;
              if (depth == 0) {
                i++;
                break;
              }
              sb.append(d);
            } else {
              sb.append(d);
            }
            i++;
          }
          if (depth != 0) {
            return null; // unclosed comment
          }
          out.add(new Token(Kind.COMMENT, sb.toString()));
        } else if (c == ')') {
          return null;
        } else if (c == '"') {
          StringBuilder sb = new StringBuilder();
          i++;
          boolean closed = false;
          while (i < n) {
            char d = s.charAt(i);
            if (d == '\\' && i + 1 < n) {
              sb.append(s.charAt(i + 1));
              i += 2;
            } else if (d == '"') {
              i++;
              closed = true;
              break;
            } else {
              sb.append(d);
              i++;
            }
          }
          if (!closed) {
            return null;
          }
          out.add(new Token(Kind.QUOTED, sb.toString()));
        } else {
          int start = i;
          while (i < n) {
            char d = s.charAt(i);
            if (d == ' ' || d == '\t' || d == '\r' || d == '\n' || d == ';' || d == '=' || d == '('
                || d == ')' || d == '"') {
              break;
            }
            i++;
          }
          out.add(new Token(Kind.WORD, s.substring(start, i)));
        }
      }
      return out;
    }
  }
}

package org.smtpcr.examples.web;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What surrounds every page's {@code <main>}: the HTML template and the operator's name, contact
 * address and privacy notice (the branding). The template is HTML with placeholders in double
 * braces:
 *
 * <ul>
 *   <li>{@code {{lang}}}, {@code {{dir}}}, {@code {{title}}}, {@code {{org}}}: text, escaped here
 *       (the language tag, {@code ltr} or {@code rtl}, the page title, the organisation's name);
 *   <li>{@code {{head}}}: the stylesheet and script links, {@code {{header}}}: the {@code <header>}
 *       with the organisation's name (empty without one), {@code {{main}}}: the page's content,
 *       {@code {{footer}}}: the {@code <footer>} with the contact, the privacy notice and how long
 *       a confirmation is kept: HTML the page makes and escapes.
 * </ul>
 *
 * <p>{@code {{lang}}}, {@code {{dir}}}, {@code {{title}}}, {@code {{head}}} and {@code {{main}}}
 * are required; an unknown placeholder or an unclosed pair of opening braces is an error naming the
 * line. Immutable and thread-safe.
 */
final class PageShell {
  /** Largest template read. */
  static final int MAX_TEMPLATE_BYTES = 64 * 1024;

  static final Set<String> PLACEHOLDERS =
      Set.of("lang", "dir", "title", "org", "head", "header", "main", "footer");
  static final List<String> REQUIRED = List.of("lang", "dir", "title", "head", "main");

  private static final PageShell STANDARD =
      new PageShell(parse("page.html", builtInTemplate()), Branding.NONE);

  /** Literal text and placeholder names, alternating, starting with text. */
  private final List<String> parts;

  private final Branding branding;

  private PageShell(List<String> parts, Branding branding) {
    this.parts = List.copyOf(parts);
    this.branding = requireNonNull(branding, "branding");
  }

  /** The built-in template, with no branding. */
  static PageShell standard() {
    return STANDARD;
  }

  /**
   * The built-in template or the one in {@code template}, with {@code branding}.
   *
   * @throws IllegalArgumentException naming the file and line when the template is wrong
   */
  static PageShell of(Optional<Path> template, Branding branding) {
    if (template.isEmpty()) {
      return new PageShell(STANDARD.parts, branding);
    }
    Path file = template.get();
    try {
      if (Files.size(file) > MAX_TEMPLATE_BYTES) {
        throw new IllegalArgumentException(file + ": larger than " + MAX_TEMPLATE_BYTES + " bytes");
      }
      return new PageShell(
          parse(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.UTF_8)),
          branding);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  Branding branding() {
    return branding;
  }

  /** Splits {@code text} into literal parts and placeholders, checking them. */
  static List<String> parse(String name, String text) {
    List<String> parts = new ArrayList<>();
    Map<String, Integer> seen = new LinkedHashMap<>();
    int at = 0;
    while (true) {
      int open = text.indexOf("{{", at);
      if (open < 0) {
        parts.add(text.substring(at));
        break;
      }
      int close = text.indexOf("}}", open + 2);
      int line = lineOf(text, open);
      if (close < 0) {
        throw new IllegalArgumentException(name + " line " + line + ": {{ is not closed by }}");
      }
      String placeholder = text.substring(open + 2, close).strip();
      if (!PLACEHOLDERS.contains(placeholder)) {
        throw new IllegalArgumentException(
            name
                + " line "
                + line
                + ": unknown placeholder {{"
                + MessageFile.ascii(
                    placeholder.length() > 30 ? placeholder.substring(0, 30) : placeholder)
                + "}} (known: lang, dir, title, org, head, header, main, footer)");
      }
      seen.merge(placeholder, 1, Integer::sum);
      parts.add(text.substring(at, open));
      parts.add(placeholder);
      at = close + 2;
    }
    for (String r : REQUIRED) {
      if (!seen.containsKey(r)) {
        throw new IllegalArgumentException(name + ": the template needs {{" + r + "}}");
      }
    }
    if (seen.get("main") > 1) {
      throw new IllegalArgumentException(name + ": {{main}} may appear only once");
    }
    return parts;
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** The page: the template filled in. */
  String render(PageText t, String root, String title, String mainHtml, List<String> scripts) {
    StringBuilder sb = new StringBuilder(mainHtml.length() + 2048);
    for (int i = 0; i < parts.size(); i++) {
      String part = parts.get(i);
      if (i % 2 == 0) {
        sb.append(part);
        continue;
      }
      switch (part) {
        case "lang" -> sb.append(Html.escape(t.languageTag()));
        case "dir" -> sb.append(t.direction());
        case "title" -> sb.append(Html.escape(title));
        case "org" -> branding.organization().ifPresent(o -> sb.append(Html.escape(o)));
        case "head" -> head(sb, root, scripts);
        case "header" -> header(sb);
        case "main" -> sb.append(mainHtml);
        case "footer" -> footer(sb, t);
        default -> throw new IllegalStateException("placeholder " + part);
      }
    }
    return sb.toString();
  }

  /**
   * The stylesheet and {@code scripts}: the page's own as {@code static/…}, relative to the root,
   * or a check's provider's as {@code https:} URLs.
   */
  private static void head(StringBuilder sb, String root, List<String> scripts) {
    sb.append("<link rel=\"stylesheet\" href=\"").append(root).append("static/page.css\">");
    for (String script : scripts) {
      sb.append("\n<script src=\"")
          .append(Html.escape(script.startsWith("static/") ? root + script : script))
          .append("\" defer></script>");
    }
  }

  private void header(StringBuilder sb) {
    branding
        .organization()
        .ifPresent(
            o ->
                sb.append("<header>\n<p class=\"org\">")
                    .append(Html.escape(o))
                    .append("</p>\n</header>"));
  }

  private void footer(StringBuilder sb, PageText t) {
    sb.append("<footer>\n");
    if (branding.organization().isPresent() || branding.contact().isPresent()) {
      sb.append("<p>");
      branding
          .organization()
          .ifPresent(o -> sb.append(t.html("footer.run-by", "<bdi>" + Html.escape(o) + "</bdi>")));
      branding
          .contact()
          .ifPresent(
              c -> {
                if (branding.organization().isPresent()) {
                  sb.append(' ');
                }
                String a = Html.escape(c);
                sb.append(
                    t.html(
                        "footer.contact", "<a href=\"mailto:" + a + "\"><bdi>" + a + "</bdi></a>"));
              });
      sb.append("</p>\n");
    }
    sb.append("<p>");
    if (branding.privacyNotice().isPresent()) {
      sb.append("<a href=\"")
          .append(Html.escape(branding.privacyNotice().get().toASCIIString()))
          .append("\">")
          .append(Html.escape(t.get("footer.privacy")))
          .append("</a>. ");
    }
    sb.append(
        Html.escape(
            branding
                .keep()
                .map(d -> t.get("footer.keep", Math.max(1, d.toDays())))
                .orElseGet(() -> t.get("footer.keep-for-good"))));
    sb.append("</p>\n</footer>");
  }

  private static String builtInTemplate() {
    try (InputStream in = PageShell.class.getResourceAsStream("page.html")) {
      if (in == null) {
        throw new IllegalStateException("missing resource page.html");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource page.html", e);
    }
  }

  /**
   * Who runs the page, shown on every page.
   *
   * @param organization the organisation's name, plain text
   * @param contact the contact (postmaster) address
   * @param privacyNotice the privacy notice's https URL
   * @param keep how long a confirmation is kept; empty for good
   */
  record Branding(
      Optional<String> organization,
      Optional<String> contact,
      Optional<URI> privacyNotice,
      Optional<Duration> keep) {
    static final Branding NONE =
        new Branding(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(ChallengePage.DEFAULT_WHITELIST_EXPIRY));

    /** Longest organisation name. */
    static final int MAX_ORGANIZATION = 200;

    Branding {
      requireNonNull(organization, "organization");
      requireNonNull(contact, "contact");
      requireNonNull(privacyNotice, "privacyNotice");
      requireNonNull(keep, "keep");
      organization.ifPresent(Branding::checkOrganization);
      contact.ifPresent(Branding::checkContact);
      privacyNotice.ifPresent(Branding::checkPrivacyNotice);
    }

    /** A name of 1 to 200 characters, no control characters (no line breaks). */
    static String checkOrganization(String name) {
      checkArgument(
          !name.isBlank() && name.length() <= MAX_ORGANIZATION,
          "the organisation's name must have 1 to %s characters",
          MAX_ORGANIZATION);
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        checkArgument(
            !Character.isISOControl(c) && c != '\u2028' && c != '\u2029',
            "the organisation's name must be one line of text, without control characters");
      }
      return name;
    }

    /**
     * An address {@code local@domain} that can stand in a {@code mailto:} link as it is: an ASCII
     * dot-atom local part (without {@code % ? # &}) and an ASCII domain name.
     */
    static String checkContact(String address) {
      int at = address.lastIndexOf('@');
      boolean ok = at > 0 && at < address.length() - 1 && address.length() <= 254;
      for (int i = 0; ok && i < at; i++) {
        char c = address.charAt(i);
        ok =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!$'*+-/=^_`{|}~.".indexOf(c) >= 0;
      }
      for (int i = at + 1; ok && i < address.length(); i++) {
        char c = address.charAt(i);
        ok =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.';
      }
      ok =
          ok && !address.startsWith(".") && !address.contains("..") && address.indexOf('.', at) > 0;
      checkArgument(
          ok,
          "the contact must be a plain address such as postmaster@example.com (ASCII, no %%?#&)");
      return address;
    }

    /** An absolute {@code https} URL with a host, at most 2000 characters. */
    static URI checkPrivacyNotice(URI uri) {
      checkArgument(
          "https".equalsIgnoreCase(uri.getScheme())
              && uri.getHost() != null
              && uri.getRawUserInfo() == null
              && uri.toASCIIString().length() <= 2000,
          "the privacy notice must be an https URL with a host (and no user), at most 2000"
              + " characters");
      return uri;
    }
  }
}

package org.smtpcr.examples.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smtpcr.examples.web.check.CspSources;

/**
 * The HTML shell and the security headers shared by every page. Links to the stylesheet and the
 * script are relative ({@code ../static/…} from {@code /c/<token>}), so the page also works when a
 * reverse proxy mounts it under a path prefix.
 */
final class Pages {
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
          + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  static final String HTML = "text/html; charset=utf-8";

  private Pages() {}

  /** Headers every response carries, whatever its type. */
  static Map<String, String> securityHeaders(String contentType, String cacheControl) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", contentType);
    h.put("Content-Security-Policy", CSP);
    h.put("Referrer-Policy", "no-referrer");
    h.put("X-Content-Type-Options", "nosniff");
    h.put("X-Frame-Options", "DENY");
    h.put("Cross-Origin-Opener-Policy", "same-origin");
    h.put("Cross-Origin-Resource-Policy", "same-origin");
    h.put("Cache-Control", cacheControl);
    return h;
  }

  /**
   * The page's policy with a check's extra sources: each listed directive gets {@code 'self'} and
   * the sources (a directive the base policy lacks, such as {@code frame-src}, is added, since it
   * would otherwise fall back to {@code default-src 'self'}).
   */
  static String csp(CspSources extra) {
    if (extra.isEmpty()) {
      return CSP;
    }
    List<String> parts = new ArrayList<>(List.of(CSP.split("; ")));
    for (Map.Entry<CspSources.Directive, List<String>> e : extra.asMap().entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      String name = e.getKey().directiveName();
      String added = " " + String.join(" ", e.getValue());
      boolean found = false;
      for (int i = 0; i < parts.size(); i++) {
        if (parts.get(i).startsWith(name + " ")) {
          parts.set(i, parts.get(i) + added);
          found = true;
        }
      }
      if (!found) {
        parts.add(parts.size() - 4, name + " 'self'" + added);
      }
    }
    return String.join("; ", parts);
  }

  /**
   * One page being made: where the site root is from it, its language and its shell.
   *
   * @param root the relative way from the page to the site root, such as {@code ../}
   * @param text the texts in the request's language
   * @param shell the template and the branding
   */
  record View(String root, PageText text, PageShell shell) {
    /** The text for {@code key}, plain. */
    String t(String key, Object... args) {
      return text.get(key, args);
    }

    /** The text for {@code key}, escaped, with HTML arguments. */
    String h(String key, String... htmlArgs) {
      return text.html(key, htmlArgs);
    }

    PageResponse page(int status, String title, String mainHtml, boolean withScript) {
      return page(status, title, mainHtml, withScript, Map.of());
    }

    PageResponse page(
        int status,
        String title,
        String mainHtml,
        boolean withScript,
        Map<String, String> extraHeaders) {
      return page(
          status,
          title,
          mainHtml,
          withScript ? List.of("static/pow.js") : List.of(),
          CspSources.none(),
          extraHeaders);
    }

    /** A page that loads {@code scripts} and whose policy adds {@code csp}. */
    PageResponse page(
        int status,
        String title,
        String mainHtml,
        List<String> scripts,
        CspSources csp,
        Map<String, String> extraHeaders) {
      String html = shell.render(text, root, title, mainHtml, scripts);
      Map<String, String> headers = securityHeaders(HTML, "no-store");
      headers.put("Content-Security-Policy", csp(csp));
      headers.put("Content-Language", text.languageTag());
      headers.put("Vary", "Accept-Language");
      headers.putAll(extraHeaders);
      return new PageResponse(status, headers, html.getBytes(StandardCharsets.UTF_8));
    }

    /** A page with a heading and paragraphs of plain text (escaped here). */
    PageResponse simple(
        int status, String title, Map<String, String> extraHeaders, String... paragraphs) {
      StringBuilder sb = new StringBuilder();
      sb.append("<h1>").append(Html.escape(title)).append("</h1>\n");
      for (String p : paragraphs) {
        sb.append("<p>").append(Html.escape(p)).append("</p>\n");
      }
      return page(status, title, sb.toString(), false, extraHeaders);
    }

    /**
     * A page from catalogue keys: {@code KEY.title} as title and heading, then the texts of {@code
     * paragraphKeys}.
     */
    PageResponse keyed(
        int status, String key, Map<String, String> extraHeaders, String... paragraphKeys) {
      String[] paragraphs = new String[paragraphKeys.length];
      for (int i = 0; i < paragraphKeys.length; i++) {
        paragraphs[i] = t(paragraphKeys[i]);
      }
      return simple(status, t(key + ".title"), extraHeaders, paragraphs);
    }

    /** {@link #keyed} with {@code KEY.text} as the one paragraph. */
    PageResponse error(int status, String key) {
      return keyed(status, key, Map.of(), key + ".text");
    }

    /** {@link #error(int, String)} with extra headers. */
    PageResponse error(int status, String key, Map<String, String> extraHeaders) {
      return keyed(status, key, extraHeaders, key + ".text");
    }
  }

  /** The relative path from {@code path} (which starts with {@code /}) to the site root. */
  static String rootOf(String path) {
    int slashes = 0;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        slashes++;
      }
    }
    return "../".repeat(Math.max(0, slashes - 1));
  }
}

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
   * A complete page.
   *
   * @param status the HTTP status
   * @param root the relative way from the page to the site root, such as {@code ../}
   * @param title the title, plain text (escaped here)
   * @param mainHtml the content of {@code <main>}, already escaped
   * @param withScript whether to load the proof-of-work script
   */
  static PageResponse page(
      int status, String root, String title, String mainHtml, boolean withScript) {
    return page(status, root, title, mainHtml, withScript, Map.of());
  }

  static PageResponse page(
      int status,
      String root,
      String title,
      String mainHtml,
      boolean withScript,
      Map<String, String> extraHeaders) {
    return page(
        status,
        root,
        title,
        mainHtml,
        withScript ? List.of("static/pow.js") : List.of(),
        CspSources.none(),
        extraHeaders);
  }

  /**
   * A complete page that loads {@code scripts} (the page's own as {@code static/…}, relative to the
   * root, or a check's provider's as {@code https:} URLs) and whose policy adds {@code csp}.
   */
  static PageResponse page(
      int status,
      String root,
      String title,
      String mainHtml,
      List<String> scripts,
      CspSources csp,
      Map<String, String> extraHeaders) {
    StringBuilder sb = new StringBuilder(2048);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta name=\"referrer\" content=\"no-referrer\">\n")
        .append("<meta name=\"robots\" content=\"noindex, nofollow\">\n")
        .append("<title>")
        .append(Html.escape(title))
        .append("</title>\n")
        .append("<link rel=\"stylesheet\" href=\"")
        .append(root)
        .append("static/page.css\">\n");
    for (String script : scripts) {
      sb.append("<script src=\"")
          .append(Html.escape(script.startsWith("static/") ? root + script : script))
          .append("\" defer></script>\n");
    }
    sb.append("</head>\n<body>\n<main>\n").append(mainHtml).append("</main>\n</body>\n</html>\n");
    Map<String, String> headers = securityHeaders(HTML, "no-store");
    headers.put("Content-Security-Policy", csp(csp));
    headers.putAll(extraHeaders);
    return new PageResponse(status, headers, sb.toString().getBytes(StandardCharsets.UTF_8));
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

  /** A page with a heading and one or more paragraphs of plain text. */
  static PageResponse simple(int status, String root, String title, String... paragraphs) {
    return simple(status, root, title, Map.of(), paragraphs);
  }

  static PageResponse simple(
      int status,
      String root,
      String title,
      Map<String, String> extraHeaders,
      String... paragraphs) {
    StringBuilder sb = new StringBuilder();
    sb.append("<h1>").append(Html.escape(title)).append("</h1>\n");
    for (String p : paragraphs) {
      sb.append("<p>").append(Html.escape(p)).append("</p>\n");
    }
    return page(status, root, title, sb.toString(), false, extraHeaders);
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

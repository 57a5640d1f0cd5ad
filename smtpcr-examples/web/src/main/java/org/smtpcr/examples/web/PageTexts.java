package org.smtpcr.examples.web;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Format;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every language the page speaks: the built-in catalogue ({@code messages.properties}, English, and
 * one {@code messages_xx.properties} per language in {@link #BUILT_IN}), with an operator's
 * directory of files of the same names merged over it, read at start. An operator's file changes
 * single texts of a built-in language, or adds a language ({@code messages_sv.properties}, {@code
 * messages_pt_BR.properties}); {@code messages.properties} there changes English texts.
 *
 * <p>Each operator text is checked when the directory is read: it must be a valid {@link
 * MessageFormat} pattern that uses no argument the English text lacks; a malformed file is an error
 * naming the file and the line. A key the English catalogue does not have is most likely a typo: it
 * is ignored with a warning naming the file and line. A text missing in a language comes from the
 * language its tag shortens to ({@code pt} for {@code pt-BR}), then from English. Immutable and
 * thread-safe.
 */
final class PageTexts {
  /** The languages shipped, in the order they were added. */
  static final List<String> BUILT_IN =
      List.of("en", "de", "fr", "es", "ar", "ja", "pt", "it", "nl", "pl");

  /** Most catalogue files read from an operator's directory. */
  static final int MAX_FILES = 200;

  private static final Logger log = LoggerFactory.getLogger(PageTexts.class);
  private static final String RESOURCE_DIR = "/org/smtpcr/examples/web/";
  private static final Pattern FILE_NAME =
      Pattern.compile("messages(?:_([A-Za-z]{2,3}(?:_[A-Za-z0-9]{2,8})*))?\\.properties");
  private static final Pattern ARGUMENT = Pattern.compile("\\{\\s*(\\d+)\\s*[,}]");
  private static final PageTexts BUILT_IN_TEXTS = build(Map.of(), Map.of(), new ArrayList<>());

  private final Map<String, PageText> languages; // by lower-case tag
  private final PageText english;
  private final List<String> warnings;

  private PageTexts(Map<String, PageText> languages, List<String> warnings) {
    this.languages = Collections.unmodifiableMap(new LinkedHashMap<>(languages));
    this.english = languages.get("en");
    this.warnings = List.copyOf(warnings);
  }

  /** The built-in catalogue alone. */
  static PageTexts builtIn() {
    return BUILT_IN_TEXTS;
  }

  /**
   * The built-in catalogue with the files in {@code dir} merged over it; each warning (unknown key)
   * is logged at WARN and kept in {@link #warnings()}.
   *
   * @throws IllegalArgumentException naming the directory, or the file and line, when something is
   *     wrong
   */
  static PageTexts load(Path dir) {
    requireNonNull(dir, "dir");
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is not a directory");
    }
    Map<String, Map<String, MessageFile.Entry>> files = new LinkedHashMap<>();
    Map<String, Path> names = new LinkedHashMap<>();
    Map<String, String> fileNames = new LinkedHashMap<>();
    int count = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.properties")) {
      for (Path file : entries) {
        if (++count > MAX_FILES) {
          throw new IllegalArgumentException(dir + " has more than " + MAX_FILES + " files");
        }
        Matcher m = FILE_NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
          throw new IllegalArgumentException(
              file
                  + ": not a page text file name (messages.properties for English,"
                  + " messages_xx.properties or messages_xx_YY.properties for a language)");
        }
        String tag = m.group(1) == null ? "en" : m.group(1).replace('_', '-');
        String key = tag.toLowerCase(Locale.ROOT);
        if (names.containsKey(key)) {
          throw new IllegalArgumentException(
              file + ": the same language as " + names.get(key).getFileName());
        }
        byte[] bytes;
        if (Files.size(file) > MessageFile.MAX_BYTES) {
          throw new IllegalArgumentException(
              file + ": larger than " + MessageFile.MAX_BYTES + " bytes");
        }
        bytes = Files.readAllBytes(file);
        String canonical = Locale.forLanguageTag(tag).toLanguageTag();
        if (!canonical.equalsIgnoreCase(tag)) {
          throw new IllegalArgumentException(file + ": " + tag + " is not a language tag");
        }
        names.put(key, file);
        fileNames.put(canonical, file.toString());
        files.put(canonical, MessageFile.parse(file.toString(), bytes));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + dir + ": " + e.getMessage(), e);
    }
    List<String> warnings = new ArrayList<>();
    PageTexts texts = build(files, fileNames, warnings);
    for (String w : warnings) {
      log.warn("page texts: {}", w);
    }
    return texts;
  }

  /** The languages, as lower-case tags. */
  Set<String> languages() {
    return languages.keySet();
  }

  /** The English texts. */
  PageText english() {
    return english;
  }

  /** The texts of one language by its tag, any case. */
  Optional<PageText> language(String tag) {
    return Optional.ofNullable(languages.get(tag.toLowerCase(Locale.ROOT)));
  }

  /**
   * The texts for a request: the language {@code acceptLanguage} prefers among these, else English.
   *
   * @param acceptLanguage the request's {@code Accept-Language}, empty when absent
   */
  PageText select(String acceptLanguage) {
    requireNonNull(acceptLanguage, "acceptLanguage");
    if (acceptLanguage.isEmpty()) {
      return english;
    }
    return AcceptLanguage.choose(acceptLanguage, languages.keySet())
        .map(languages::get)
        .orElse(english);
  }

  /** What reading the operator's files warned about (unknown keys), for tests. */
  List<String> warnings() {
    return warnings;
  }

  /** The argument indexes a pattern uses ({@code {0}}, {@code {1,number}}), outside quotes. */
  static Set<Integer> arguments(String pattern) {
    StringBuilder unquoted = new StringBuilder(pattern.length());
    boolean quoted = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\'') {
        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '\'') {
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (!quoted) {
        unquoted.append(c);
      }
    }
    Set<Integer> out = new TreeSet<>();
    Matcher m = ARGUMENT.matcher(unquoted);
    while (m.find()) {
      out.add(Integer.parseInt(m.group(1)));
    }
    return out;
  }

  private static PageTexts build(
      Map<String, Map<String, MessageFile.Entry>> operator,
      Map<String, String> fileNames,
      List<String> warnings) {
    Map<String, Map<String, MessageFile.Entry>> builtIn = new LinkedHashMap<>();
    for (String tag : BUILT_IN) {
      String resource =
          RESOURCE_DIR + (tag.equals("en") ? "messages" : "messages_" + tag) + ".properties";
      try (InputStream in = PageTexts.class.getResourceAsStream(resource)) {
        if (in != null) {
          builtIn.put(tag, MessageFile.parse(resource, in.readAllBytes()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + resource, e);
      }
    }
    Map<String, MessageFile.Entry> english = builtIn.get("en");
    if (english == null) {
      throw new IllegalStateException("the English page texts are missing");
    }
    operator.forEach((tag, entries) -> check(tag, fileNames.get(tag), entries, english, warnings));

    Set<String> tags = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    tags.addAll(builtIn.keySet());
    tags.addAll(operator.keySet());
    Map<String, PageText> languages = new LinkedHashMap<>();
    for (String tag : tags) {
      List<String> chain = new ArrayList<>();
      for (String t = tag; !t.isEmpty(); t = shorter(t)) {
        chain.add(t);
      }
      chain.add("en");
      Map<String, String> texts = new LinkedHashMap<>();
      for (String key : english.keySet()) {
        for (String t : chain) {
          MessageFile.Entry e = entry(operator, t, key);
          if (e == null) {
            e = entry(builtIn, t, key);
          }
          if (e != null) {
            texts.put(key, e.value());
            break;
          }
        }
      }
      languages.put(tag.toLowerCase(Locale.ROOT), new PageText(tag, texts));
    }
    return new PageTexts(languages, warnings);
  }

  private static MessageFile.Entry entry(
      Map<String, Map<String, MessageFile.Entry>> files, String tag, String key) {
    for (Map.Entry<String, Map<String, MessageFile.Entry>> f : files.entrySet()) {
      if (f.getKey().equalsIgnoreCase(tag)) {
        return f.getValue().get(key);
      }
    }
    return null;
  }

  private static String shorter(String tag) {
    int dash = tag.lastIndexOf('-');
    return dash < 0 ? "" : tag.substring(0, dash);
  }

  /** Checks an operator's file against the English catalogue. */
  private static void check(
      String tag,
      String file,
      Map<String, MessageFile.Entry> entries,
      Map<String, MessageFile.Entry> english,
      List<String> warnings) {
    Locale locale = Locale.forLanguageTag(tag);
    entries.forEach(
        (key, e) -> {
          String where = file + " line " + e.line() + ": " + key;
          MessageFile.Entry en = english.get(key);
          if (en == null) {
            warnings.add(where + " is not a page text (a typo?); ignored");
            return;
          }
          String v = e.value();
          if (v.indexOf(PageText.OPEN) >= 0 || v.indexOf(PageText.CLOSE) >= 0) {
            throw new IllegalArgumentException(where + ": U+E000 and U+E001 are not allowed");
          }
          try {
            new MessageFormat(v, locale);
          } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(
                where + ": not a valid MessageFormat pattern (" + ex.getMessage() + ")", ex);
          }
          Set<Integer> extra = new TreeSet<>(arguments(v));
          extra.removeAll(arguments(en.value()));
          if (!extra.isEmpty()) {
            throw new IllegalArgumentException(
                where
                    + ": uses argument "
                    + extra
                    + ", which the English text ("
                    + arguments(en.value())
                    + ") does not have");
          }
          String wrongType = textArgumentFormatted(en.value(), v, locale);
          if (wrongType != null) {
            throw new IllegalArgumentException(where + ": " + wrongType);
          }
        });
  }

  /**
   * Why {@code text} would fail where the page formats it, or null: an argument the English text
   * takes as text (a plain {@code {0}}: the page passes a string, such as an address or a link)
   * must stay plain, since {@code {0,number}} or {@code {0,choice,…}} would throw on every page
   * that shows it. Arguments the English text formats as numbers or dates may be written either
   * way.
   */
  static String textArgumentFormatted(String english, String text, Locale locale) {
    Format[] en = new MessageFormat(english, locale).getFormatsByArgumentIndex();
    Format[] formats = new MessageFormat(text, locale).getFormatsByArgumentIndex();
    Set<Integer> used = arguments(english);
    for (int i = 0; i < formats.length; i++) {
      if (formats[i] != null && used.contains(i) && (i >= en.length || en[i] == null)) {
        return "formats argument {"
            + i
            + "} as a number, a choice or a date, but the page passes it as text: write {"
            + i
            + "}";
      }
    }
    return null;
  }
}

package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's directory of page texts merged over the built-in catalogue. */
final class PageTextsTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  @Test
  void builtIn_selectsByAcceptLanguage_andFallsBackToEnglish() {
    PageTexts t = PageTexts.builtIn();
    assertEquals("en", t.select("").languageTag());
    assertEquals("en", t.select("sv, *;q=0.1").languageTag());
    assertEquals("ltr", t.select("").direction());
  }

  @Test
  void override_changesOneText_andKeepsTheRest() throws Exception {
    write("messages.properties", "home.title=Confirm your mail at Example\n");
    PageTexts t = PageTexts.load(dir);
    assertEquals("Confirm your mail at Example", t.english().get("home.title"));
    assertEquals(
        PageText.english().get("error.not-found.title"), t.english().get("error.not-found.title"));
    assertEquals(List.of(), t.warnings());
  }

  @Test
  void override_formattingATextArgumentAsANumber_isRefusedAtStart() throws Exception {
    write("messages.properties", "challenge.pair=Confirm {0,number} for {1}.\n");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PageTexts.load(dir));

    assertTrue(e.getMessage().contains("line 1: challenge.pair"), e.getMessage());
    assertTrue(e.getMessage().contains("write {0}"), e.getMessage());
  }

  @Test
  void newLanguage_isAvailable_andFallsBackToEnglishPerKey() throws Exception {
    write(
        "messages_sv.properties",
        "# Svenska\npage.language=Svenska\nhome.title=Bekräftelse av avsändare\n");
    PageTexts t = PageTexts.load(dir);
    PageText sv = t.select("sv-SE, en;q=0.5");
    assertEquals("sv", sv.languageTag());
    assertEquals("Bekräftelse av avsändare", sv.get("home.title"));
    assertEquals(PageText.english().get("home.text"), sv.get("home.text"));
  }

  @Test
  void regionalLanguage_fallsBackToItsBaseLanguage() throws Exception {
    write("messages_xx.properties", "home.title=Base\nhome.text=Base text\n");
    write("messages_xx_YY.properties", "home.title=Regional\n");
    PageTexts t = PageTexts.load(dir);
    PageText regional = t.select("xx-YY");
    assertEquals("xx-YY", regional.languageTag());
    assertEquals("Regional", regional.get("home.title"));
    assertEquals("Base text", regional.get("home.text"));
    assertEquals("Base", t.select("xx-ZZ").get("home.title"));
  }

  @Test
  void rightToLeftLanguage_addedByAnOperator_isRightToLeft() throws Exception {
    write("messages_he.properties", "home.title=אישור שולח\n");
    write("messages_ps.properties", "home.title=د لیږونکي تایید\n");
    write("messages_sv.properties", "home.title=Bekräfta avsändare\n");
    PageTexts t = PageTexts.load(dir);
    assertEquals("rtl", t.select("he").direction());
    assertEquals("rtl", t.select("ps").direction());
    assertEquals("ltr", t.select("sv").direction());
  }

  @Test
  void unknownKey_isAWarningNamingFileAndLine() throws Exception {
    Path f = write("messages_de.properties", "\nhome.titel=Tippfehler\n");
    PageTexts t = PageTexts.load(dir);
    assertEquals(1, t.warnings().size(), t.warnings()::toString);
    String w = t.warnings().get(0);
    assertTrue(w.contains(f.toString()) && w.contains("line 2") && w.contains("home.titel"), w);
  }

  @Test
  void lineWithoutEquals_isAnErrorNamingFileAndLine() throws Exception {
    Path f = write("messages_de.properties", "home.title=Gut\nhome.text Schlecht\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PageTexts.load(dir));
    assertEquals(f + " line 2: no '=' between key and text", e.getMessage());
  }

  @Test
  void badMessageFormat_isAnErrorNamingFileLineAndKey() throws Exception {
    Path f = write("messages_fr.properties", "home.title=ok\n\nhome.text=Bonjour {0\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PageTexts.load(dir));
    assertTrue(
        e.getMessage().startsWith(f + " line 3: home.text: not a valid MessageFormat pattern"),
        e.getMessage());
  }

  @Test
  void argumentTheEnglishTextLacks_isAnError() throws Exception {
    write("messages_fr.properties", "done.pair={0} peut écrire à {1} et {2}.\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PageTexts.load(dir));
    assertTrue(e.getMessage().contains("uses argument [2]"), e.getMessage());
  }

  @Test
  void notUtf8_isAnErrorNamingTheLine() throws Exception {
    Path f = dir.resolve("messages_de.properties");
    Files.write(
        f, "home.title=Gut\nhome.text=Gr\u00fc\u00dfe\n".getBytes(StandardCharsets.ISO_8859_1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PageTexts.load(dir));
    assertEquals(f + " line 2: not UTF-8 (save the file as UTF-8)", e.getMessage());
  }

  @Test
  void duplicateKeyOrBadEscapeOrBadName_areErrors() throws Exception {
    Path f = write("messages_de.properties", "home.title=a\nhome.title=b\n");
    assertEquals(
        f + " line 2: key home.title given twice (first on line 1)",
        assertThrows(IllegalArgumentException.class, () -> PageTexts.load(dir)).getMessage());
    write("messages_de.properties", "home.title=a\\qb\n");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> PageTexts.load(dir))
            .getMessage()
            .endsWith("line 1: unknown escape \\q"));
    Files.delete(f);
    write("texts_de.properties", "home.title=a\n");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> PageTexts.load(dir))
            .getMessage()
            .contains("not a page text file name"));
  }

  @Test
  void missingDirectory_isAnError() {
    assertThrows(IllegalArgumentException.class, () -> PageTexts.load(dir.resolve("none")));
  }

  @Test
  void escapesAndContinuations_areRead() throws Exception {
    write("messages.properties", "home.title=A \\\n  B \\u00e9 \\= C\n");
    assertEquals("A B é = C", PageTexts.load(dir).english().get("home.title"));
  }

  @Test
  void html_escapesTheTextButNotTheArguments() throws Exception {
    write("messages.properties", "done.pair=<i>{0}</i> & {1}\n");
    PageText t = PageTexts.load(dir).english();
    assertEquals(
        "&lt;i&gt;<b>x</b>&lt;/i&gt; &amp; <b>y</b>", t.html("done.pair", "<b>x</b>", "<b>y</b>"));
  }

  @Test
  void dateTime_isWrittenInTheLanguage() throws Exception {
    write("messages_de.properties", "page.date-time={0} um {1} UTC\n");
    Instant t = Instant.parse("2026-12-06T14:30:00Z");
    assertEquals("6. Dezember 2026 um 14:30 UTC", PageTexts.load(dir).select("de").dateTime(t));
    assertEquals("December 6, 2026, 14:30 UTC", PageText.english().dateTime(t));
  }
}

package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The DevTools harness itself: evaluation, waiting, and a clean close. Needs Chromium. */
final class ChromiumBrowserTest {
  @Test
  void browser_evaluateWaitAndClose_leavesNoProcess() throws Exception {
    List<ProcessHandle> family;
    long pid;
    Path profile;
    try (ChromiumBrowser browser = ChromiumBrowser.launchOrSkip()) {
      pid = browser.pid();
      profile = browser.profileDirectory();
      assertTrue(Files.isDirectory(profile));
      assertEquals(Optional.of(2L), browser.evaluate("1 + 1"));
      assertEquals(Optional.of("ok"), browser.evaluate("Promise.resolve('ok')"));
      assertEquals(Optional.empty(), browser.evaluate("undefined"));
      assertEquals(Optional.of(List.of(1L, "a")), browser.evaluate("[1, 'a']"));
      assertThrows(
          IllegalStateException.class,
          () -> browser.evaluate("(() => { throw new Error('boom'); })()"));

      browser.evaluate("setTimeout(() => { window.ready = true; }, 200), 0");
      browser.waitFor("window.ready === true", Duration.ofSeconds(10));
      AssertionError timeout =
          assertThrows(
              AssertionError.class,
              () -> browser.waitFor("window.never === true", Duration.ofMillis(300)));
      assertTrue(timeout.getMessage().contains("window.never"), timeout.getMessage());
      assertTrue(browser.screenshot().length > 100);
      family = ProcessHandle.of(pid).orElseThrow().descendants().toList();
      assertFalse(family.isEmpty(), "Chromium runs helper processes");
    }
    assertFalse(
        ProcessHandle.of(pid).map(ChromiumBrowserTest::isRunning).orElse(false),
        "browser still running");
    assertFalse(Files.exists(profile), "profile not deleted");
    for (ProcessHandle h : family) {
      assertFalse(
          isRunning(h), "helper still running: " + h.pid() + " " + h.info().command().orElse("?"));
    }
  }

  /**
   * Alive and not a zombie: helpers killed after the browser exited are re-parented to init, which
   * reaps them in its own time; a zombie runs nothing and holds nothing but its process id.
   */
  private static boolean isRunning(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    Path stat = Path.of("/proc", Long.toString(h.pid()), "stat");
    if (!Files.exists(stat)) {
      return false;
    }
    String s;
    try {
      s = Files.readString(stat);
    } catch (IOException e) {
      return false; // gone between the two checks
    }
    int close = s.lastIndexOf(')');
    return !(close > 0 && s.length() > close + 2 && s.charAt(close + 2) == 'Z');
  }
}

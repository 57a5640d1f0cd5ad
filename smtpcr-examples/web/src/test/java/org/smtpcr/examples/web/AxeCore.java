package org.smtpcr.examples.web;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * axe-core, the accessibility rules engine, run in the page a {@link ChromiumBrowser} shows.
 *
 * <pre>{@code
 * AxeCore axe = AxeCore.loadOrSkip();
 * browser.navigate(link);
 * axe.assertNoViolations(browser, "the challenge page");
 * }</pre>
 *
 * <p>The script is axe-core's {@code axe.min.js} from its npm package, which {@code
 * scripts/install-axe.sh} installs (pinned) into {@code .cache/axe/} of the repository; the system
 * property {@value #PROPERTY} names it ({@code scripts/test.sh} sets it), else it is looked for in
 * {@code .cache/axe/} of the working directory and its parents. {@link #loadOrSkip()} fails the
 * test when it is missing and {@code -Dsmtpcr.it.required=true}, and skips it visibly otherwise,
 * like {@link ChromiumBrowser#launchOrSkip()}.
 *
 * <p>The source is injected with {@code Runtime.evaluate} in the page's main world. The page's
 * Content-Security-Policy ({@code script-src 'self'}) governs the scripts the page itself loads,
 * not code the DevTools protocol evaluates, so the policy stays in force, unchanged, for the page
 * under test ({@code Page.setBypassCSP} would have turned it off for the whole page). The rules are
 * those tagged {@link #WCAG_22_AA}: WCAG 2.0, 2.1 and 2.2, levels A and AA.
 */
public final class AxeCore {
  /** System property naming {@code axe.min.js}. */
  public static final String PROPERTY = "smtpcr.axe";

  /**
   * axe-core's tags for the rules of WCAG 2.0, 2.1 and 2.2, levels A and AA (no rule is tagged
   * wcag22a).
   */
  public static final List<String> WCAG_22_AA =
      List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa");

  private static final Path IN_REPOSITORY =
      Path.of(".cache", "axe", "node_modules", "axe-core", "axe.min.js");
  private static final Pattern VERSION = Pattern.compile("axe v(\\d+\\.\\d+\\.\\d+)");

  private final Path file;
  private final String source;
  private final String version;

  private AxeCore(Path file, String source) {
    this.file = file;
    this.source = source;
    Matcher m = VERSION.matcher(source.substring(0, Math.min(source.length(), 200)));
    this.version = m.find() ? m.group(1) : "unknown";
  }

  /**
   * {@code axe.min.js}: the system property {@value #PROPERTY}, else {@code
   * .cache/axe/node_modules/axe-core/axe.min.js} under the working directory or one of its parents.
   *
   * @return the file, or empty when there is none
   */
  public static Optional<Path> find() {
    String configured = System.getProperty(PROPERTY, "").trim();
    if (!configured.isEmpty()) {
      Path p = Path.of(configured);
      return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path p = dir.resolve(IN_REPOSITORY);
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Reads axe-core, or ends the calling test: it fails when axe-core is missing and {@link
   * ChromiumBrowser#required()}, and is skipped (JUnit assumption) otherwise. Call it in the test
   * method, not in {@code @BeforeAll}.
   *
   * @return the engine, ready to inject
   * @throws IOException if the file is there but cannot be read
   */
  public static AxeCore loadOrSkip() throws IOException {
    Optional<Path> file = find();
    if (file.isEmpty()) {
      String why =
          "axe-core not found ("
              + (System.getProperty(PROPERTY, "").isBlank()
                  ? "no -D" + PROPERTY + "=<path of axe.min.js>, and none in .cache/axe/"
                  : "-D" + PROPERTY + "=" + System.getProperty(PROPERTY) + " is not a file")
              + "; scripts/install-axe.sh installs it and prints its path)";
      if (ChromiumBrowser.required()) {
        throw new AssertionError(
            why + "; it is required because -D" + ChromiumBrowser.REQUIRED_PROPERTY + "=true");
      }
      Assumptions.abort(why);
    }
    return new AxeCore(file.get(), Files.readString(file.get(), StandardCharsets.UTF_8));
  }

  /** The version of axe-core, from the banner of {@code axe.min.js}, such as {@code 4.14.1}. */
  public String version() {
    return version;
  }

  /** The file the engine was read from. */
  public Path file() {
    return file;
  }

  /**
   * Injects axe-core into the page the browser shows (once per document) and runs the {@link
   * #WCAG_22_AA} rules on the whole document.
   *
   * @param browser a browser showing a loaded page
   * @return the violations, empty when there are none
   */
  public List<Violation> run(ChromiumBrowser browser) {
    requireNonNull(browser, "browser");
    if (!Boolean.TRUE.equals(browser.evaluate("typeof window.axe === 'object'").orElse(false))) {
      browser.evaluate(source + "\n;true");
    }
    Object result =
        browser
            .evaluate(
                "axe.run(document, {runOnly: {type: 'tag', values: "
                    + Json.write(WCAG_22_AA)
                    + "}, resultTypes: ['violations']}).then(r => r.violations.map(v => ({"
                    + "id: v.id, impact: String(v.impact), help: v.help, helpUrl: v.helpUrl,"
                    + " nodes: v.nodes.map(n => ({target: n.target.map(String).join(' '),"
                    + " summary: String(n.failureSummary || '')}))})))")
            .orElse(List.of());
    List<Violation> out = new ArrayList<>();
    for (Object o : (List<?>) result) {
      Map<?, ?> v = (Map<?, ?>) o;
      List<Node> nodes = new ArrayList<>();
      for (Object n : (List<?>) v.get("nodes")) {
        Map<?, ?> m = (Map<?, ?>) n;
        nodes.add(new Node((String) m.get("target"), (String) m.get("summary")));
      }
      out.add(
          new Violation(
              (String) v.get("id"),
              (String) v.get("impact"),
              (String) v.get("help"),
              (String) v.get("helpUrl"),
              List.copyOf(nodes)));
    }
    return List.copyOf(out);
  }

  /**
   * Runs the rules ({@link #run}) and fails when any is violated, naming each rule, its impact, the
   * elements (CSS selectors) and how to fix it.
   *
   * @param browser a browser showing a loaded page
   * @param what what the page is, for the message
   * @throws AssertionError if there is a violation
   */
  public void assertNoViolations(ChromiumBrowser browser, String what) {
    List<Violation> violations = run(browser);
    if (!violations.isEmpty()) {
      throw new AssertionError(
          "axe-core "
              + version
              + " ("
              + String.join(", ", WCAG_22_AA)
              + ") found "
              + violations.size()
              + " violation(s) on "
              + what
              + " ("
              + browser.currentUrl()
              + "):\n"
              + describe(violations));
    }
  }

  /** The violations, one paragraph each. */
  public static String describe(List<Violation> violations) {
    StringBuilder sb = new StringBuilder();
    for (Violation v : violations) {
      sb.append("- ")
          .append(v.id())
          .append(" [")
          .append(v.impact())
          .append("] ")
          .append(v.help())
          .append(" (")
          .append(v.helpUrl())
          .append(")\n");
      for (Node n : v.nodes()) {
        sb.append("    at ").append(n.target()).append('\n');
        for (String line : (Iterable<String>) n.summary().lines()::iterator) {
          if (!line.isBlank()) {
            sb.append("      ").append(line.strip()).append('\n');
          }
        }
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "AxeCore[" + version + ", " + file + "]";
  }

  /**
   * A rule the page breaks.
   *
   * @param id the rule, such as {@code color-contrast}
   * @param impact minor, moderate, serious or critical
   * @param help what the rule asks for
   * @param helpUrl axe-core's page about the rule
   * @param nodes the elements that break it
   */
  public record Violation(
      String id, String impact, String help, String helpUrl, List<Node> nodes) {}

  /**
   * An element that breaks a rule.
   *
   * @param target its CSS selector
   * @param summary axe-core's explanation of what to fix
   */
  public record Node(String target, String summary) {}
}

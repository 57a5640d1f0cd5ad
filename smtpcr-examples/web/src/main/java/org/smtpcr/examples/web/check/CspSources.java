package org.smtpcr.examples.web.check;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Extra Content-Security-Policy sources a {@link HumanCheck} needs, per directive, such as {@code
 * script-src https://challenges.cloudflare.com} and {@code frame-src
 * https://challenges.cloudflare.com} for Turnstile. The page's policy is {@code default-src 'self'}
 * with no inline script or style; the page adds these sources, after {@code 'self'}, to the policy
 * of the responses that render the check, and to no other.
 *
 * <p>A source is a host source such as {@code https://example.com}, {@code https://*.example.com}
 * or {@code https://www.google.com/recaptcha/}: {@code https:} only, no keyword ({@code
 * 'unsafe-inline'}, {@code 'unsafe-eval'}, nonces and hashes are refused), no wildcard for the
 * whole host. Immutable.
 *
 * @since 0.4.0
 */
public final class CspSources {
  /** A directive a check may add sources to. */
  public enum Directive {
    /** {@code script-src}: scripts the check loads. */
    SCRIPT_SRC,
    /** {@code frame-src}: frames the check's widget opens. */
    FRAME_SRC,
    /** {@code connect-src}: addresses the check's scripts fetch from. */
    CONNECT_SRC,
    /** {@code style-src}: style sheets the check loads. */
    STYLE_SRC,
    /** {@code img-src}: images the check shows. */
    IMG_SRC;

    /**
     * The directive's name in a policy, such as {@code script-src}.
     *
     * @return the name
     */
    public String directiveName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private static final Pattern SOURCE =
      Pattern.compile(
          "https://(\\*\\.)?[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?");

  private static final CspSources NONE = new CspSources(new EnumMap<>(Directive.class));

  private final Map<Directive, List<String>> sources;

  private CspSources(Map<Directive, List<String>> sources) {
    this.sources = sources;
  }

  /**
   * No extra sources.
   *
   * @return the empty set
   */
  public static CspSources none() {
    return NONE;
  }

  /**
   * These sources with {@code more} added to {@code directive} (duplicates dropped).
   *
   * @param directive the directive
   * @param more host sources such as {@code https://challenges.cloudflare.com}
   * @return the new sources
   * @throws IllegalArgumentException if a source is not an {@code https:} host source
   */
  public CspSources with(Directive directive, String... more) {
    requireNonNull(directive, "directive");
    Map<Directive, List<String>> copy = new EnumMap<>(Directive.class);
    copy.putAll(sources);
    Set<String> merged = new LinkedHashSet<>(copy.getOrDefault(directive, List.of()));
    for (String s : more) {
      requireNonNull(s, "source");
      checkArgument(
          SOURCE.matcher(s).matches(), "a check's CSP source must be an https: host source");
      merged.add(s);
    }
    copy.put(directive, List.copyOf(merged));
    return new CspSources(copy);
  }

  /**
   * These sources and {@code other}'s together.
   *
   * @param other more sources
   * @return the union
   */
  public CspSources and(CspSources other) {
    CspSources r = this;
    for (Map.Entry<Directive, List<String>> e : other.sources.entrySet()) {
      r = r.with(e.getKey(), e.getValue().toArray(new String[0]));
    }
    return r;
  }

  /**
   * The sources added to {@code directive}, in the order given.
   *
   * @param directive the directive
   * @return the sources, maybe none
   */
  public List<String> sources(Directive directive) {
    return sources.getOrDefault(requireNonNull(directive, "directive"), List.of());
  }

  /**
   * Whether there are no extra sources.
   *
   * @return true if none
   */
  public boolean isEmpty() {
    return sources.values().stream().allMatch(List::isEmpty);
  }

  /**
   * The directives with their sources, for the page's policy.
   *
   * @return an unmodifiable map
   */
  public Map<Directive, List<String>> asMap() {
    return Collections.unmodifiableMap(new EnumMap<>(sources));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CspSources c && c.sources.equals(sources);
  }

  @Override
  public int hashCode() {
    return sources.hashCode();
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    sources.forEach((d, s) -> parts.add(d.directiveName() + " " + String.join(" ", s)));
    return "CspSources[" + String.join("; ", parts) + "]";
  }
}

package org.smtpcr.core.store;

/**
 * Who made a whitelist entry. An entry an administrator made (or changed) is never overwritten by
 * an automatic one: {@link WhitelistStore#confirm} keeps it as it is.
 *
 * @since 0.3.0
 */
public enum EntryOrigin {
  /**
   * Added or changed by an administrator: the CLI, an import, or a library call to {@link
   * WhitelistStore#add}. Entries stored before stores kept the origin read back as this.
   */
  ADMIN("admin"),
  /** Recorded by the challenge page when a sender passed the check. */
  PAGE("page"),
  /** Learned from a local user's outbound mail. */
  LEARNED("learned");

  private final String keyword;

  EntryOrigin(String keyword) {
    this.keyword = keyword;
  }

  /**
   * The lowercase word stores keep and tools show: {@code admin}, {@code page} or {@code learned}.
   *
   * @return the keyword
   */
  public String keyword() {
    return keyword;
  }

  /**
   * The origin with this {@link #keyword()}.
   *
   * @param keyword a keyword, case-sensitive
   * @return the origin
   * @throws IllegalArgumentException if no origin has it
   */
  public static EntryOrigin fromKeyword(String keyword) {
    for (EntryOrigin o : values()) {
      if (o.keyword.equals(keyword)) {
        return o;
      }
    }
    throw new IllegalArgumentException("not an entry origin: " + keyword);
  }
}

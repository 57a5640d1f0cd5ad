package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.KeyRingFile;

/** Key files, H2 databases and the snippets of docs/james.md, for the tests. */
final class Fixtures {
  /** The deployment values in the documented snippets, which tests point at temporary files. */
  static final String DOC_KEY_FILE = "/etc/smtpcr/keyring";

  static final String DOC_STORE_URL = "jdbc:h2:/var/lib/smtpcr/whitelist;AUTO_SERVER=TRUE";

  private Fixtures() {}

  /** Writes {@code ring} to {@code dir/keyring} (owner-only) and returns the path. */
  static Path keyFile(Path dir, KeyRing ring) throws IOException {
    Path file = dir.resolve("keyring");
    KeyRingFile.write(ring, file);
    return file;
  }

  /** An H2 file database in {@code dir}. */
  static String h2Url(Path dir, String name) {
    return "jdbc:h2:" + dir.resolve(name).toAbsolutePath();
  }

  /** A store on the same database, as the challenge page (another process) would open it. */
  static JdbcWhitelistStore pageStore(String url) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url);
    return JdbcWhitelistStore.builder().dataSource(ds).build();
  }

  static CanonicalAddress sender(String address) {
    return AddressCanonicalizer.standard().canonicalize(address);
  }

  static CanonicalAddress recipient(String address) {
    return AddressCanonicalizer.standard().forRecipients().canonicalize(address);
  }

  /**
   * The code block after the line {@code <!-- tested: <name> ...} in docs/james.md, with the
   * documented key file and store URL replaced (each must occur in it).
   */
  static String docSnippet(String name, Path keyFile, String storeUrl) throws IOException {
    String block = docBlock(name);
    assertTrue(
        block.contains(DOC_STORE_URL), "the " + name + " snippet names the documented store URL");
    String out = block.replace(DOC_STORE_URL, storeUrl);
    if (keyFile != null) {
      assertTrue(
          block.contains(DOC_KEY_FILE), "the " + name + " snippet names the documented key file");
      out = out.replace(DOC_KEY_FILE, keyFile.toAbsolutePath().toString());
    }
    return out;
  }

  /** The fenced block that follows the marker {@code <!-- tested: name}. */
  static String docBlock(String name) throws IOException {
    List<String> lines = Files.readAllLines(docPath(), StandardCharsets.UTF_8);
    String marker = "<!-- tested: " + name;
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).startsWith(marker)) {
        continue;
      }
      int start = i + 1;
      if (start >= lines.size() || !lines.get(start).startsWith("```")) {
        throw new IllegalStateException("no code block after " + marker);
      }
      StringBuilder sb = new StringBuilder();
      for (int j = start + 1; j < lines.size(); j++) {
        if (lines.get(j).startsWith("```")) {
          return sb.toString();
        }
        sb.append(lines.get(j)).append('\n');
      }
      throw new IllegalStateException("unterminated code block after " + marker);
    }
    throw new IllegalStateException("docs/james.md has no " + marker);
  }

  private static Path docPath() {
    String configured = System.getProperty("smtpcr.james.doc");
    Path p = configured != null ? Path.of(configured) : Path.of("..", "..", "docs", "james.md");
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("docs/james.md not found at " + p.toAbsolutePath());
    }
    return p;
  }
}

package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.PropertiesDefaultProvider;

/**
 * The packaged configuration file names every option of the servers, under a key that {@link
 * ConfigFile} reads for that option, and the package's other generated files exist.
 */
final class ConfigTemplateTest {
  private static final CommandLine CL = PackageFiles.commandLine();
  private static final String TEXT = ConfigTemplate.render(CL);

  @TempDir Path dir;

  @Test
  void render_everyServerOption_isDescribedAndHasAKeyThatReachesIt() throws Exception {
    Properties uncommented = new Properties();
    uncommented.load(new StringReader(uncommentAssignments(TEXT)));
    PropertiesDefaultProvider provider = new PropertiesDefaultProvider(uncommented);
    List<String> missing = new ArrayList<>();
    int count = 0;
    for (String command : ConfigTemplate.SERVER_COMMANDS) {
      for (OptionSpec o :
          ConfigTemplate.listedOptions(CL.getSubcommands().get(command).getCommandSpec())) {
        count++;
        if (!TEXT.contains("\n# " + o.longestName() + " ")) {
          missing.add(command + " " + o.longestName() + ": not described");
        }
        if (provider.defaultValue(o) == null) {
          missing.add(command + " " + o.longestName() + ": no key for it");
        }
      }
    }
    assertEquals(List.of(), missing);
    assertTrue(count > 100, "options counted: " + count);
  }

  @Test
  void render_everyAssignmentIsCommentedOut() throws Exception {
    Properties p = new Properties();
    p.load(new StringReader(TEXT));
    assertEquals(0, p.size(), p::toString);
  }

  @Test
  void render_sharedOptionWithOneDefault_isOneUnprefixedKey() {
    assertTrue(TEXT.contains("\n#data=smtpcr-data\n"), TEXT);
    // one key, or one per command while their defaults differ
    assertTrue(
        TEXT.matches(
            "(?s).*\n#(smtpcr\\.[a-z-]+\\.)?challenge-base=https://cr\\.example\\.com/\n.*"),
        TEXT);
  }

  @Test
  void render_packagedInstallation_showsThePackagesDataDirectory() {
    CommandLine packaged =
        PackageFiles.commandLine(new Installation(true, dir.resolve("no-such.properties")));
    String text = ConfigTemplate.render(packaged);
    assertTrue(text.contains("\n#data=/var/lib/smtpcr\n"), text);
    assertFalse(text.contains("smtpcr-data"), text);
  }

  @Test
  void render_optionWithDefaultsThatDiffer_isOneKeyPerCommand() {
    assertTrue(TEXT.contains("\n#smtpcr.policy-server.listen=127.0.0.1:10040\n"), TEXT);
    assertTrue(TEXT.contains("\n#smtpcr.web.listen=127.0.0.1:8080\n"), TEXT);
    assertFalse(TEXT.contains("\n#listen="), TEXT);
  }

  @Test
  void render_descriptionsHaveTheirDefaultsRendered() {
    assertFalse(TEXT.contains("${"), TEXT);
    assertTrue(TEXT.contains("Where to listen for Postfix (default 127.0.0.1:10040)."), TEXT);
  }

  @Test
  void render_linesFitAndAreAscii() {
    for (String line : TEXT.split("\n", -1)) {
      assertTrue(line.length() <= 100 || !line.contains(" "), line);
      assertTrue(line.chars().allMatch(c -> c < 128), line);
    }
  }

  @Test
  void write_makesTheConfigurationCompletionAndManPages() throws Exception {
    PackageFiles.write(dir);
    String props = Files.readString(dir.resolve("smtpcr.properties"), StandardCharsets.UTF_8);
    assertTrue(props.contains("#smtpcr.smtp-server.listen="), props);
    String completion =
        Files.readString(dir.resolve("bash-completion/smtpcr"), StandardCharsets.UTF_8);
    assertTrue(completion.contains("policy-server"), completion);
    assertTrue(completion.contains("complete -F"), completion);
    for (String page : List.of("smtpcr", "smtpcr-policy-server", "smtpcr-web", "smtpcr-keygen")) {
      Path adoc = dir.resolve("man/" + page + ".adoc");
      assertTrue(Files.isRegularFile(adoc), adoc::toString);
    }
    String policy =
        Files.readString(dir.resolve("man/smtpcr-policy-server.adoc"), StandardCharsets.UTF_8);
    assertTrue(policy.contains("= smtpcr-policy-server(1)"), policy);
    assertTrue(policy.contains("--challenge-base"), policy);
    assertNotNull(CL.getSubcommands().get("whitelist"));
    assertTrue(Files.isRegularFile(dir.resolve("man/smtpcr-whitelist-add.adoc")));
  }

  /** The text with the "#key=value" lines uncommented. */
  private static String uncommentAssignments(String text) {
    StringBuilder sb = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      sb.append(line.matches("#[a-z][A-Za-z0-9.-]*=.*") ? line.substring(1) : line).append('\n');
    }
    return sb.toString();
  }
}

package org.smtpcr.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.KeyRingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smtpcr keygen --out FILE [--force]}. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Write a new key ring to a file.",
      "One random 256-bit key, id 0, in a file readable by its owner only. Links and pass codes made",
      "with another key ring do not work with this one."
    })
final class KeygenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      required = true,
      description = "The key file to write (mode 600).")
  Path out;

  @Option(names = "--force", description = "Replace the file if it exists.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    if (Files.exists(out) && !force) {
      spec.commandLine()
          .getErr()
          .println(
              spec.root().name()
                  + ": "
                  + out
                  + " exists; use --force to replace it (links signed with it will stop working)");
      return 1;
    }
    KeyRing ring = KeyRing.generate();
    KeyRingFile.write(ring, out);
    spec.commandLine()
        .getOut()
        .println("wrote a new key ring to " + out + " (active key id " + ring.activeKeyId() + ")");
    return 0;
  }
}

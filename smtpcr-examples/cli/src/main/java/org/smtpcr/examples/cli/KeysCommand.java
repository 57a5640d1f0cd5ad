package org.smtpcr.examples.cli;

import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.smtpcr.examples.runtime.KeyRings;
import org.smtpcr.tokens.KeyRing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code smtpcr keys rotate}. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Change the key ring in a key file.",
    subcommands = {KeysCommand.Rotate.class})
final class KeysCommand {
  /** {@code smtpcr keys rotate}. */
  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = {
        "Add a new random key to the key file and make it the one that signs.",
        "The old keys stay to verify, so links and pass codes already sent keep working. The file is",
        "replaced atomically (mode 600). Restart the processes that read it: the challenge pages",
        "first, then the servers that send links."
      })
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin KeyOption keys;

    @Override
    public Integer call() throws Exception {
      KeyRing ring = KeyRings.rotate(keys.file());
      spec.commandLine()
          .getOut()
          .println(
              "rotated "
                  + keys.file()
                  + ": key id "
                  + ring.activeKeyId()
                  + " signs, key ids "
                  + ring.keyIds().stream().map(String::valueOf).collect(Collectors.joining(","))
                  + " verify");
      return 0;
    }
  }
}

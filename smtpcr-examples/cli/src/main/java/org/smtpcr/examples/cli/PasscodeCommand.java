package org.smtpcr.examples.cli;

import java.util.concurrent.Callable;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.tokens.PassCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smtpcr passcode}. */
@Command(
    name = "passcode",
    mixinStandardHelpOptions = true,
    description = {
      "Print the pass code of a (sender, recipient) pair.",
      "Mail from the sender to recipient+CODE@domain (dashes optional) is accepted without a challenge."
    })
final class PasscodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin KeyOption keys;

  @Mixin AddressOptions addresses;

  @Option(
      names = "--sender",
      paramLabel = "S",
      required = true,
      description = "The sender address.")
  String sender;

  @Option(
      names = "--recipient",
      paramLabel = "R",
      required = true,
      description = "The recipient address.")
  String recipient;

  @Override
  public Integer call() throws Exception {
    CanonicalAddress s = addresses.sender(sender);
    CanonicalAddress r = addresses.recipient(recipient);
    String code = PassCodes.of(keys.read()).compute(s.value(), r.value());
    spec.commandLine().getOut().println(PassCodes.grouped(code));
    return 0;
  }
}

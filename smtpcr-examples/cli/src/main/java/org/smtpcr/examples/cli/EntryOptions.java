package org.smtpcr.examples.cli;

import java.util.Optional;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.WhitelistKey;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The entry a command adds or removes, in the whitelist or the deny list: {@code --sender} (an
 * address or {@code @domain}) and {@code --recipient} (default: any), read with the site's
 * canonicalizer.
 */
final class EntryOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Mixin AddressOptions addresses;

  @Option(
      names = "--sender",
      paramLabel = "S",
      required = true,
      description = "Sender address or @domain.")
  String sender;

  @Option(
      names = "--recipient",
      paramLabel = "R",
      description = "Recipient address (default: any recipient, the entry for all).")
  String recipient;

  /** The key these options name; a wrong address or domain is a usage error. */
  WhitelistKey key() {
    Optional<CanonicalAddress> r = Optional.ofNullable(recipient).map(addresses::recipient);
    if (sender.startsWith("@")) {
      String domain = Cli.domain(spec, "--sender", sender.substring(1));
      return r.isPresent()
          ? WhitelistKey.domain(domain, r.get())
          : WhitelistKey.globalDomain(domain);
    }
    CanonicalAddress s = addresses.sender(sender);
    return r.isPresent() ? WhitelistKey.pair(s, r.get()) : WhitelistKey.globalSender(s);
  }
}

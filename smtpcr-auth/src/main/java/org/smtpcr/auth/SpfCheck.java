package org.smtpcr.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.impl.SPF;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.wiring.WiringServiceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.auth.SpfResult;

/** SPF (RFC 7208) with Apache jSPF's synchronous executor on {@link SpfDns}. Thread-safe. */
final class SpfCheck {
  private static final Logger log = LoggerFactory.getLogger(SpfCheck.class);

  private final SpfDns dns;
  private final SPF spf;

  SpfCheck(Dns dns) {
    this.dns = new SpfDns(dns);
    // the asynchronous executor has had hangs and wrong results; the synchronous one runs every
    // query on this thread, through SpfDns and its bounds
    // wired by hand with the constructor jSPF 1.0.3 has too (James 3.8 ships 1.0.3 and loads it
    // first); this is what 1.0.5's SPF(DNSService, SPFExecutor) does
    WiringServiceTable wiring = new WiringServiceTable();
    wiring.put(DNSServiceEnabled.class, this.dns);
    MacroExpand macros = new MacroExpand(this.dns);
    wiring.put(MacroExpandEnabled.class, macros);
    RFC4408SPF1Parser parser = new RFC4408SPF1Parser(new DefaultTermsFactory(wiring));
    this.spf = new SPF(this.dns, parser, macros, new SynchronousSPFExecutor(this.dns));
    wiring.put(SPFCheckEnabled.class, this.spf);
  }

  /**
   * check_host() for {@code sender} ({@code local@domain}, the domain already normalized) from
   * {@code client}. Never throws for DNS trouble or a hostile record.
   */
  SpfResult check(InetAddress client, String sender, String helo, Budget budget) {
    SpfDns.Evaluation e = new SpfDns.Evaluation(budget);
    String result;
    dns.begin(e);
    try {
      result = spf.checkSPF(address(client), sender, helo).getResult();
    } catch (RuntimeException ex) {
      // jSPF throws for states it does not handle (JSPF-110); our trouble, so temporary
      log.warn("SPF evaluation failed unexpectedly: {}", LogSafe.of(String.valueOf(ex)));
      return SpfResult.TEMPERROR;
    } finally {
      dns.end();
    }
    SpfResult r = SpfResult.ofKeyword(result == null ? "" : result).orElse(SpfResult.TEMPERROR);
    // a stop reaches jSPF as a DNS time-out, so it ends in temperror; any other result was reached
    // without the stopped query (jSPF tolerates a failed look-up of an exp= explanation, which
    // comes after the result)
    if (e.stop != null && (r == SpfResult.TEMPERROR || r == SpfResult.PERMERROR)) {
      return e.stop == SpfDns.Stop.DEADLINE ? SpfResult.TEMPERROR : SpfResult.PERMERROR;
    }
    return r;
  }

  private static String address(InetAddress client) {
    if (client instanceof Inet6Address v6) {
      // no scope id: jSPF parses the text
      byte[] b = v6.getAddress();
      try {
        return InetAddress.getByAddress(b).getHostAddress();
      } catch (java.net.UnknownHostException ex) {
        throw new AssertionError(ex);
      }
    }
    return client.getHostAddress();
  }
}

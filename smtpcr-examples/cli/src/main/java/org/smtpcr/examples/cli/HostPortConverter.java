package org.smtpcr.examples.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a listen address {@code HOST:PORT}, {@code [IPv6]:PORT} or {@code :PORT} (loopback); port 0
 * picks a free port. At most {@value #MAX_LENGTH} characters.
 */
final class HostPortConverter implements ITypeConverter<InetSocketAddress> {
  static final int MAX_LENGTH = 300;
  private static final Pattern FORM =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]*):([0-9]{1,5})");

  @Override
  public InetSocketAddress convert(String value) {
    return parse(value);
  }

  static InetSocketAddress parse(String value) {
    if (value.length() > MAX_LENGTH) {
      throw new TypeConversionException("an address has at most " + MAX_LENGTH + " characters");
    }
    Matcher m = FORM.matcher(value.strip());
    if (!m.matches()) {
      throw new TypeConversionException("write the address as HOST:PORT, [IPv6]:PORT or :PORT");
    }
    int port = Integer.parseInt(m.group(2));
    if (port > 65535) {
      throw new TypeConversionException("port must be 0..65535");
    }
    String host = m.group(1);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      InetAddress a =
          host.isEmpty() ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host);
      return new InetSocketAddress(a, port);
    } catch (UnknownHostException e) {
      throw new TypeConversionException("unknown host in listen address");
    }
  }
}

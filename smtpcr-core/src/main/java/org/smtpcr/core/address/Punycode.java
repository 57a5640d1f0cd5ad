package org.smtpcr.core.address;

/**
 * The RFC 3492 Punycode encoder (section 6.3), used for the IDNA 2008 deviation characters that
 * {@link java.net.IDN} (IDNA 2003) maps away; see {@link AddressSyntax#normalizeDomain(String)}.
 */
final class Punycode {
  private static final int BASE = 36;
  private static final int TMIN = 1;
  private static final int TMAX = 26;
  private static final int SKEW = 38;
  private static final int DAMP = 700;
  private static final int INITIAL_BIAS = 72;
  private static final int INITIAL_N = 128;

  private Punycode() {}

  /**
   * Encodes a label; basic code points are copied as they are.
   *
   * @throws InvalidAddressException on arithmetic overflow (not reachable for labels that fit 63
   *     octets)
   */
  static String encode(String input) {
    int[] cps = input.codePoints().toArray();
    StringBuilder out = new StringBuilder();
    for (int cp : cps) {
      if (cp < 0x80) {
        out.append((char) cp);
      }
    }
    int b = out.length();
    int h = b;
    if (b > 0) {
      out.append('-');
    }
    int n = INITIAL_N;
    int delta = 0;
    int bias = INITIAL_BIAS;
    while (h < cps.length) {
      int m = Integer.MAX_VALUE;
      for (int cp : cps) {
        if (cp >= n && cp < m) {
          m = cp;
        }
      }
      long d = delta + (long) (m - n) * (h + 1);
      if (d > Integer.MAX_VALUE) {
        throw new InvalidAddressException("domain label is too long to encode");
      }
      delta = (int) d;
      n = m;
      for (int cp : cps) {
        if (cp < n) {
          delta++;
          if (delta == Integer.MAX_VALUE) {
            throw new InvalidAddressException("domain label is too long to encode");
          }
        }
        if (cp == n) {
          int q = delta;
          for (int k = BASE; ; k += BASE) {
            int t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
            if (q < t) {
              break;
            }
            out.append(digit(t + (q - t) % (BASE - t)));
            q = (q - t) / (BASE - t);
          }
          out.append(digit(q));
          bias = adapt(delta, h + 1, h == b);
          delta = 0;
          h++;
        }
      }
      delta++;
      n++;
    }
    return out.toString();
  }

  private static char digit(int d) {
    return (char) (d < 26 ? 'a' + d : '0' + d - 26);
  }

  private static int adapt(int delta, int numPoints, boolean first) {
    delta = first ? delta / DAMP : delta / 2;
    delta += delta / numPoints;
    int k = 0;
    while (delta > ((BASE - TMIN) * TMAX) / 2) {
      delta /= BASE - TMIN;
      k += BASE;
    }
    return k + (BASE - TMIN + 1) * delta / (delta + SKEW);
  }
}

package org.smtpcr.examples.james;

/**
 * Stand-in for {@code SmtpcrReplyHandler} on a JVM older than Java 17 (or in a class loader that
 * ignores Multi-Release jars): the real class, in {@code META-INF/versions/17/}, needs Java 17.
 * Loading this one fails with an {@link UnsupportedClassVersionError} that says so ({@link
 * Java17Guard}).
 */
public final class SmtpcrReplyHandler {
  static {
    Java17Guard.refuse(SmtpcrReplyHandler.class);
  }

  /** The constructor James looks for; never completes, the class does not initialize. */
  public SmtpcrReplyHandler() {}
}

package org.smtpcr.examples.james;

/**
 * Why a class of this jar cannot run, for the stand-ins in the jar's base (Java 11) part.
 *
 * <p>{@code smtpcr-examples-james} is a Multi-Release jar: the real classes are Java 17 class files
 * in {@code META-INF/versions/17/}; its base holds, under the same names, stand-ins for the classes
 * an operator names in James's configuration (the three SMTP hooks, the mailet, the matcher). A JVM
 * older than 17, or a class loader that ignores Multi-Release jars, loads a stand-in, whose static
 * initializer calls {@link #refuse(Class)}: the class fails to load with an {@link
 * UnsupportedClassVersionError} that says what to do, instead of James's obscure one about class
 * file version 61.
 *
 * <p>Compiled with {@code --release 11}, like the stand-ins: the source stays Java 11.
 */
final class Java17Guard {
  /** The Java feature release SMTPCR's classes need. */
  static final int REQUIRED = 17;

  private Java17Guard() {}

  /**
   * Always throws; called from a stand-in's static initializer.
   *
   * @param standIn the stand-in class being initialized
   * @throws UnsupportedClassVersionError always
   */
  static void refuse(Class<?> standIn) {
    throw failure(
        standIn.getName(),
        Runtime.version().feature(),
        Runtime.version().toString(),
        System.getProperty("java.home"),
        String.valueOf(standIn.getClassLoader()));
  }

  /**
   * The error for a stand-in loaded on a JVM of feature release {@code feature}.
   *
   * @param className the stand-in's name
   * @param feature the running JVM's feature release (11 for 11.0.2)
   * @param version the running JVM's full version
   * @param javaHome the running JVM's {@code java.home}
   * @param loader the class loader that loaded the stand-in
   * @return the error to throw
   */
  static UnsupportedClassVersionError failure(
      String className, int feature, String version, String javaHome, String loader) {
    return new UnsupportedClassVersionError(message(className, feature, version, javaHome, loader));
  }

  /** The message of {@link #failure}. */
  static String message(
      String className, int feature, String version, String javaHome, String loader) {
    String java = javaHome + (javaHome.endsWith("/") ? "" : "/") + "bin/java";
    if (feature < REQUIRED) {
      return "SMTPCR needs Java "
          + REQUIRED
          + " or later; this James runs on Java "
          + version
          + " ("
          + java
          + "). Run James on Java "
          + REQUIRED
          + " or later.";
    }
    return "SMTPCR: "
        + className
        + " was loaded from the Java 11 part of SMTPCR's Multi-Release jar, by a class loader that"
        + " ignores Multi-Release jars ("
        + loader
        + "), on Java "
        + version
        + " ("
        + java
        + "). Load the jar with a class loader that honours Multi-Release jars, such as"
        + " java.net.URLClassLoader (James's extensions-jars/ folder does), or unpack its"
        + " META-INF/versions/"
        + REQUIRED
        + "/ entries.";
  }
}

package org.smtpcr.examples.jamesjakarta;

import java.nio.file.Path;

/**
 * A class loader that reads a jar's base entries only, as a class loader that ignores Multi-Release
 * jars does, and as Java 11 reads a jar whose {@code META-INF/versions/17/} it cannot use. Its
 * parent is the platform class loader, so SMTPCR's classes come from the jar and nowhere else.
 */
final class BaseEntriesClassLoader extends ClassLoader {
  private final Path jar;

  BaseEntriesClassLoader(Path jar) {
    super("base-entries", ClassLoader.getPlatformClassLoader());
    this.jar = jar;
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    byte[] b;
    try {
      b = Jars.entry(jar, name.replace('.', '/') + ".class");
    } catch (IllegalArgumentException e) {
      throw new ClassNotFoundException(name, e);
    }
    return defineClass(name, b, 0, b.length);
  }

  @Override
  public String toString() {
    return "BaseEntriesClassLoader[" + jar.getFileName() + "]";
  }
}

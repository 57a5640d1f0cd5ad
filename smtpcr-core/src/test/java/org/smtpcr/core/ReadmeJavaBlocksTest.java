package org.smtpcr.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code java} block of the repository's README.md compiles against the libraries and runs
 * without throwing: the README cannot drift from the API.
 */
final class ReadmeJavaBlocksTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final String IMPORTS =
      """
      import java.net.*;
      import java.nio.file.*;
      import java.time.*;
      import java.util.*;
      import org.smtpcr.tokens.*;
      import org.smtpcr.core.*;
      import org.smtpcr.core.address.*;
      import org.smtpcr.core.reply.*;
      import org.smtpcr.core.store.*;
      import org.smtpcr.core.engine.*;
      import org.smtpcr.core.rules.*;""";

  @TempDir Path work;

  @Test
  void readmeJavaBlocks_compileAndRun() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(readme);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertFalse(blocks.isEmpty(), "README.md has java blocks");

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    for (int i = 0; i < blocks.size(); i++) {
      String name = "ReadmeBlock" + i;
      Path src = work.resolve(name + ".java");
      Files.writeString(
          src,
          IMPORTS
              + "\npublic class "
              + name
              + " {\n  public static void run() throws Exception {\n"
              + blocks.get(i)
              + "\n  }\n}\n");
      StringWriter diagnostics = new StringWriter();
      int rc =
          javac.run(
              null,
              null,
              new PrintStream(new ByteArrayOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) {
                  diagnostics.write(new String(b, off, len, StandardCharsets.UTF_8));
                }
              },
              "-classpath",
              System.getProperty("java.class.path"),
              "-d",
              work.toString(),
              src.toString());
      assertEquals(0, rc, "README java block " + (i + 1) + " does not compile:\n" + diagnostics);

      try (URLClassLoader loader =
          new URLClassLoader(new URL[] {work.toUri().toURL()}, getClass().getClassLoader())) {
        Method run = loader.loadClass(name).getMethod("run");
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
          run.invoke(null);
        } finally {
          System.setOut(out);
        }
        if (blocks.get(i).contains("System.out")) {
          assertTrue(
              captured.size() > 0,
              "README java block " + (i + 1) + " prints what it says it prints");
        }
      }
    }
  }
}

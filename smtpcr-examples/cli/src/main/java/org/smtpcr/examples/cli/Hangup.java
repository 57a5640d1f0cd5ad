package org.smtpcr.examples.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code SIGHUP} for the long-running commands: re-read the list files, as Postgrey does, while the
 * servers keep their connections ({@code systemctl reload} sends it with {@code
 * ExecReload=/bin/kill -HUP $MAINPID}). Without a handler the JVM treats {@code SIGHUP} as a
 * request to stop. The JDK runs the handler on a new thread for each signal, so two can overlap;
 * the action must be safe for that ({@code ListFiles.reload()} is synchronized).
 *
 * <p>Through {@code sun.misc.Signal} of the {@code jdk.unsupported} module, which every JDK 17 and
 * later has; reached by reflection, as javac warns about any use of it (the build treats warnings
 * as errors) and gives no way to suppress that warning.
 */
final class Hangup {
  private static final Logger log = LoggerFactory.getLogger(Hangup.class);

  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  private Hangup() {}

  /**
   * Whether {@code SIGHUP} is ignored by this process, as {@code nohup} leaves it for the programs
   * it starts: bit 0 of the {@code SigIgn} mask of a Linux {@code /proc/PID/status}. False where
   * the file is not there or says nothing.
   */
  static boolean ignoredAtStart(Path procStatus) {
    try (Stream<String> lines = Files.lines(procStatus, StandardCharsets.US_ASCII)) {
      return lines
          .filter(l -> l.startsWith("SigIgn:"))
          .findFirst()
          .map(l -> l.substring("SigIgn:".length()).trim())
          .filter(hex -> !hex.isEmpty() && hex.length() <= 16 && hex.matches("[0-9a-fA-F]+"))
          .map(hex -> (Long.parseUnsignedLong(hex, 16) & 1L) != 0)
          .orElse(false);
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  /**
   * Runs {@code action} on each {@code SIGHUP} from now on. Where the JVM gives no signal handling
   * (run with {@code -Xrs}, a platform without {@code SIGHUP}, a JDK without {@code
   * jdk.unsupported}), logs a WARN and does nothing.
   */
  static void onHangup(Runnable action) {
    requireNonNull(action, "action");
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object hup = signal.getConstructor(String.class).newInstance("HUP");
      Object h =
          Proxy.newProxyInstance(
              Hangup.class.getClassLoader(),
              new Class<?>[] {handler},
              (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                  run(action);
                  return null;
                }
                return switch (method.getName()) {
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> "Hangup.handler";
                };
              });
      Method handle = signal.getMethod("handle", signal, handler);
      handle.invoke(null, hup, h);
      if (ignoredAtStart(PROC_STATUS)) {
        // the JVM keeps an ignored SIGHUP ignored, and says nothing
        log.warn(
            "SIGHUP is ignored by this process (started under nohup?): list files are read only"
                + " at start");
      }
    } catch (InvocationTargetException e) {
      log.warn(
          "SIGHUP cannot be handled here ({}): list files are read only at start, and a SIGHUP"
              + " (systemctl reload) stops this server",
          e.getCause() != null ? e.getCause().getMessage() : e.toString());
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      log.warn(
          "SIGHUP cannot be handled here ({}): list files are read only at start, and a SIGHUP"
              + " (systemctl reload) stops this server",
          e.toString());
    }
  }

  private static void run(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      // a reload must never take the server down
      // reload() reports a bad file itself; what gets here is a defect, with its stack trace
      log.error("SIGHUP: reloading failed", e);
    }
  }
}

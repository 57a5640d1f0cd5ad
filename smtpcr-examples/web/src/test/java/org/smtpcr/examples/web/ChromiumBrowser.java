package org.smtpcr.examples.web;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A headless Chromium driven over the Chrome DevTools protocol with only the JDK ({@link
 * java.net.http.WebSocket}): no Selenium, no driver binary. For tests of the challenge page and for
 * end-to-end tests of the examples.
 *
 * <pre>{@code
 * try (ChromiumBrowser browser = ChromiumBrowser.launchOrSkip()) {
 *   browser.navigate(URI.create("http://127.0.0.1:8080/c/" + token));
 *   browser.waitFor("document.getElementById('done') !== null", Duration.ofSeconds(30));
 *   browser.screenshot(Path.of("target/done.png"));
 * }
 * }</pre>
 *
 * <p>The binary is {@code /usr/bin/chromium} unless the system property {@code smtpcr.chromium}
 * names another. {@link #launchOrSkip()} fails the test when it is missing and the system property
 * {@code smtpcr.it.required} is {@code true} (as on CI), and skips it visibly otherwise: call it in
 * the test method, not in {@code @BeforeAll} (a class skipped there is reported as 0 tests).
 *
 * <p>Each browser has a fresh profile in a temporary directory, resolves no host name but {@code
 * localhost} and {@code 127.0.0.1}, and talks to no Google service. {@link #close()} closes the
 * browser, kills what is left of its processes and deletes the profile. Not thread-safe: drive one
 * browser from one test thread.
 */
public final class ChromiumBrowser implements AutoCloseable {
  /** System property naming the Chromium binary. */
  public static final String BINARY_PROPERTY = "smtpcr.chromium";

  /** System property that turns a missing Chromium into a failure. */
  public static final String REQUIRED_PROPERTY = "smtpcr.it.required";

  /** The default binary (Debian's {@code chromium} package). */
  public static final Path DEFAULT_BINARY = Path.of("/usr/bin/chromium");

  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
  private static final int MAX_MESSAGE_CHARS = Json.MAX_LENGTH;
  private static final int STDERR_LINES_KEPT = 40;

  private final Process process;
  private final Path profile;
  private final ExecutorService wsExecutor;
  private final WebSocket socket;
  private final Map<Long, CompletableFuture<Map<String, Object>>> pending =
      new ConcurrentHashMap<>();
  private final List<EventWaiter> waiters = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private final String sessionId;
  private boolean closed;

  private ChromiumBrowser(
      Process process,
      Path profile,
      ExecutorService wsExecutor,
      WebSocket.Builder builder,
      URI endpoint)
      throws IOException {
    this.process = process;
    this.profile = profile;
    this.wsExecutor = wsExecutor;
    this.socket =
        await(
            builder.buildAsync(endpoint, new Listener()), START_TIMEOUT, "connecting to DevTools");
    Map<String, Object> target = call(null, "Target.createTarget", Map.of("url", "about:blank"));
    String targetId = (String) target.get("targetId");
    Map<String, Object> attached =
        call(null, "Target.attachToTarget", Map.of("targetId", targetId, "flatten", true));
    this.sessionId = (String) attached.get("sessionId");
    call(sessionId, "Page.enable", Map.of());
  }

  /**
   * The Chromium binary to use: the system property {@value #BINARY_PROPERTY}, else {@code
   * /usr/bin/chromium}, if it is an executable file.
   *
   * @return the binary, or empty when there is none
   */
  public static Optional<Path> findBinary() {
    String configured = System.getProperty(BINARY_PROPERTY, "").trim();
    Path p = configured.isEmpty() ? DEFAULT_BINARY : Path.of(configured);
    return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
  }

  /**
   * Whether tests must fail, not skip, when Chromium is missing.
   *
   * @return the value of the system property {@value #REQUIRED_PROPERTY}
   */
  public static boolean required() {
    return Boolean.getBoolean(REQUIRED_PROPERTY);
  }

  /**
   * Launches Chromium, or ends the calling test: it fails when Chromium is missing and {@link
   * #required()}, and is skipped (JUnit assumption) otherwise.
   *
   * @return a running browser with one blank tab
   * @throws IOException if Chromium is present but does not start
   */
  public static ChromiumBrowser launchOrSkip() throws IOException {
    return launchOrSkip(List.of());
  }

  /**
   * Like {@link #launchOrSkip()}, and also resolves each of {@code loopbackHosts} to {@code
   * 127.0.0.1}: a page reached as {@code http://name.test:port/} is served by a local server but is
   * not a secure context, as on a real host without TLS.
   *
   * @param loopbackHosts host names such as {@code insecure.smtpcr.test}
   * @return a running browser with one blank tab
   * @throws IOException if Chromium is present but does not start
   */
  public static ChromiumBrowser launchOrSkip(List<String> loopbackHosts) throws IOException {
    Optional<Path> binary = findBinary();
    if (binary.isEmpty()) {
      String why =
          "Chromium not found at "
              + System.getProperty(BINARY_PROPERTY, DEFAULT_BINARY.toString())
              + " (set -D"
              + BINARY_PROPERTY
              + "=<path>, or install the Debian package 'chromium')";
      if (required()) {
        throw new AssertionError(why + "; it is required because -D" + REQUIRED_PROPERTY + "=true");
      }
      Assumptions.abort(why);
    }
    return launch(binary.get(), loopbackHosts);
  }

  /**
   * Launches {@code binary} headless with a fresh profile.
   *
   * @param binary the Chromium executable
   * @param loopbackHosts host names to resolve to {@code 127.0.0.1}; every other name but {@code
   *     localhost} resolves to nothing
   * @return a running browser with one blank tab
   * @throws IOException if it does not start or does not offer a DevTools endpoint within 30 s
   */
  public static ChromiumBrowser launch(Path binary, List<String> loopbackHosts) throws IOException {
    requireNonNull(binary, "binary");
    StringBuilder rules = new StringBuilder();
    for (String host : loopbackHosts) {
      if (!host.matches("[A-Za-z0-9.-]{1,253}")) {
        throw new IllegalArgumentException("not a host name: " + host);
      }
      rules.append("MAP ").append(host).append(" 127.0.0.1, ");
    }
    rules.append("MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost");
    Path profile = Files.createTempDirectory("smtpcr-chromium-");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--disable-breakpad",
                "--disable-features=OptimizationHints,Translate,MediaRouter,HttpsUpgrades",
                "--host-resolver-rules=" + rules,
                "--password-store=basic",
                "--mute-audio",
                "--hide-scrollbars",
                "--window-size=1000,800",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile.resolve("user-data"),
                "about:blank"));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    // Debian's crashpad writes to ~/.config/chromium without this
    pb.environment().put("XDG_CONFIG_HOME", profile.resolve("config").toString());
    pb.environment().put("XDG_CACHE_HOME", profile.resolve("cache").toString());
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      deleteTree(profile);
      throw e;
    }
    process.getOutputStream().close();
    Deque<String> tail = new ArrayDeque<>();
    CompletableFuture<URI> endpoint = new CompletableFuture<>();
    Thread reader =
        new Thread(() -> readStderr(process, tail, endpoint), "chromium-stderr-" + process.pid());
    reader.setDaemon(true);
    reader.start();

    ExecutorService ws =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "chromium-cdp-" + process.pid());
              t.setDaemon(true);
              return t;
            });
    try {
      URI uri = await(endpoint, START_TIMEOUT, "waiting for 'DevTools listening on' from Chromium");
      HttpClient client =
          HttpClient.newBuilder().executor(ws).connectTimeout(START_TIMEOUT).build();
      return new ChromiumBrowser(process, profile, ws, client.newWebSocketBuilder(), uri);
    } catch (IOException | RuntimeException | Error e) {
      kill(process);
      ws.shutdownNow();
      deleteTree(profile);
      synchronized (tail) {
        throw new IOException(
            "Chromium did not start: " + e.getMessage() + "; its last output: " + tail, e);
      }
    }
  }

  /**
   * Opens {@code url} in the tab and waits for its load event.
   *
   * @param url the address
   * @throws IllegalStateException if the navigation fails (connection refused, unknown host)
   */
  public void navigate(URI url) {
    requireNonNull(url, "url");
    EventWaiter load = expectEvent("Page.loadEventFired");
    Map<String, Object> r = call(sessionId, "Page.navigate", Map.of("url", url.toString()));
    Object error = r.get("errorText");
    if (error instanceof String s && !s.isEmpty()) {
      waiters.remove(load);
      throw new IllegalStateException("navigation to " + url + " failed: " + s);
    }
    await(load.future, COMMAND_TIMEOUT, "waiting for the load event of " + url);
  }

  /**
   * Evaluates {@code expression} in the page (awaiting a promise) and returns its value as JSON
   * maps to Java: String, Long or Double, Boolean, {@code List}, {@code Map}.
   *
   * @param expression a JavaScript expression
   * @return the value, or empty for {@code undefined} and {@code null}
   * @throws IllegalStateException if the expression throws
   */
  public Optional<Object> evaluate(String expression) {
    requireNonNull(expression, "expression");
    Map<String, Object> r =
        call(
            sessionId,
            "Runtime.evaluate",
            Map.of("expression", expression, "awaitPromise", true, "returnByValue", true));
    Object ex = r.get("exceptionDetails");
    if (ex instanceof Map<?, ?> details) {
      Object exception = details.get("exception");
      String text =
          exception instanceof Map<?, ?> m && m.get("description") instanceof String d
              ? d
              : String.valueOf(details.get("text"));
      throw new IllegalStateException("JavaScript threw: " + text);
    }
    Object result = r.get("result");
    if (!(result instanceof Map<?, ?> m)) {
      return Optional.empty();
    }
    Object value = m.get("value");
    return value == null || value == Json.NULL ? Optional.empty() : Optional.of(value);
  }

  /**
   * Evaluates {@code expression} and converts the value with {@code String(…)}.
   *
   * @param expression a JavaScript expression
   * @return its string value
   */
  public String evaluateString(String expression) {
    return evaluate("String(" + expression + ")").map(String::valueOf).orElse("");
  }

  /**
   * Waits until {@code condition} is truthy in the page, evaluating it every 50 ms. While the page
   * navigates (a form was submitted) an evaluation that fails counts as false.
   *
   * @param condition a JavaScript expression
   * @param timeout how long to wait at most
   * @throws AssertionError if the condition is not true in time; the message shows the page's
   *     address, title and the start of its text
   */
  public void waitFor(String condition, Duration timeout) {
    requireNonNull(condition, "condition");
    requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastError = "";
    while (true) {
      try {
        if (evaluate("!!(" + condition + ")").filter(Boolean.TRUE::equals).isPresent()) {
          return;
        }
      } catch (IllegalStateException e) {
        lastError = e.getMessage();
      }
      if (System.nanoTime() - deadline >= 0) {
        break;
      }
      try {
        Thread.sleep(POLL_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + condition, e);
      }
    }
    throw new AssertionError(
        "not true within "
            + timeout.toMillis()
            + " ms: "
            + condition
            + (lastError.isEmpty() ? "" : " (last error: " + lastError + ")")
            + "; "
            + describePage());
  }

  /**
   * The address of the document in the tab.
   *
   * @return {@code location.href}
   */
  public String currentUrl() {
    return evaluateString("location.href");
  }

  /**
   * The visible text of the page.
   *
   * @return {@code document.body.innerText}, or empty while there is no body
   */
  public String pageText() {
    return evaluateString("document.body ? document.body.innerText : ''");
  }

  /**
   * Takes a PNG screenshot of the viewport.
   *
   * @return the PNG bytes
   */
  public byte[] screenshot() {
    Map<String, Object> r = call(sessionId, "Page.captureScreenshot", Map.of("format", "png"));
    return Base64.getDecoder().decode((String) r.get("data"));
  }

  /**
   * Takes a PNG screenshot of the viewport into {@code file}, creating its directory.
   *
   * @param file where to write
   * @return {@code file}
   * @throws IOException if it cannot be written
   */
  public Path screenshot(Path file) throws IOException {
    byte[] png = screenshot();
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.write(file, png);
    return file;
  }

  /**
   * Sends a DevTools command to the tab.
   *
   * @param method such as {@code Runtime.evaluate}
   * @param params the parameters (JSON-compatible Java values)
   * @return the result object
   * @throws IllegalStateException if Chromium answers with an error or not within 30 s
   */
  public Map<String, Object> send(String method, Map<String, Object> params) {
    return call(sessionId, method, params);
  }

  /** The temporary directory holding the browser's profile; {@link #close()} deletes it. */
  public Path profileDirectory() {
    return profile;
  }

  /** The process id of the browser (for checks that nothing is left running). */
  public long pid() {
    return process.pid();
  }

  /**
   * Closes the browser ({@code Browser.close}), kills any of its processes still alive and deletes
   * the profile directory. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<ProcessHandle> family = new ArrayList<>();
    process.descendants().forEach(family::add);
    try {
      CompletableFuture<Map<String, Object>> f = sendAsync(null, "Browser.close", Map.of());
      f.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // the browser may close the socket before it answers; the kill below covers every case
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.descendants().forEach(family::add);
    kill(process);
    for (ProcessHandle h : family) {
      h.destroyForcibly();
    }
    socket.abort();
    wsExecutor.shutdownNow();
    deleteTree(profile);
  }

  @Override
  public String toString() {
    return "ChromiumBrowser[pid=" + process.pid() + ", closed=" + closed + "]";
  }

  private String describePage() {
    try {
      String text = pageText();
      return "page "
          + currentUrl()
          + " titled '"
          + evaluateString("document.title")
          + "' reads: "
          + (text.length() > 600 ? text.substring(0, 600) + "…" : text);
    } catch (RuntimeException e) {
      return "page not readable: " + e.getMessage();
    }
  }

  private Map<String, Object> call(String session, String method, Map<String, Object> params) {
    return await(sendAsync(session, method, params), COMMAND_TIMEOUT, method);
  }

  private CompletableFuture<Map<String, Object>> sendAsync(
      String session, String method, Map<String, Object> params) {
    long id = ids.incrementAndGet();
    Map<String, Object> msg = new LinkedHashMap<>();
    msg.put("id", id);
    msg.put("method", method);
    msg.put("params", params);
    if (session != null) {
      msg.put("sessionId", session);
    }
    CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
    pending.put(id, f);
    synchronized (this) {
      // the WebSocket allows one outstanding send at a time
      await(socket.sendText(Json.write(msg), true), COMMAND_TIMEOUT, "sending " + method);
    }
    return f;
  }

  private EventWaiter expectEvent(String method) {
    EventWaiter w = new EventWaiter(method, sessionId, new CompletableFuture<>());
    waiters.add(w);
    return w;
  }

  // ModifyCollectionInEnhancedForLoop: waiters is a CopyOnWriteArrayList, the loop runs over a
  // snapshot, so removing from it is safe
  @SuppressWarnings({"unchecked", "ModifyCollectionInEnhancedForLoop"})
  private void dispatch(String text) {
    Map<String, Object> msg;
    try {
      msg = Json.parseObject(text);
    } catch (IllegalArgumentException e) {
      return; // not from a conforming DevTools endpoint; nothing waits for it
    }
    Object id = msg.get("id");
    if (id instanceof Long l) {
      CompletableFuture<Map<String, Object>> f = pending.remove(l);
      if (f == null) {
        return;
      }
      Object error = msg.get("error");
      if (error instanceof Map<?, ?> e) {
        f.completeExceptionally(new IllegalStateException("DevTools error: " + e.get("message")));
      } else {
        Object result = msg.get("result");
        f.complete(result instanceof Map ? (Map<String, Object>) result : Map.of());
      }
      return;
    }
    Object method = msg.get("method");
    if (method instanceof String m) {
      Object session = msg.get("sessionId");
      for (EventWaiter w : waiters) {
        if (w.method.equals(m) && (w.session == null || w.session.equals(session))) {
          waiters.remove(w);
          w.future.complete(msg);
        }
      }
    }
  }

  private void failAll(Throwable t) {
    pending.values().forEach(f -> f.completeExceptionally(t));
    pending.clear();
    waiters.forEach(w -> w.future.completeExceptionally(t));
    waiters.clear();
  }

  private static <T> T await(CompletionStage<T> stage, Duration timeout, String what) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer within " + timeout.toSeconds() + " s: " + what, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw new IllegalStateException(what + ": " + r.getMessage(), r);
      }
      throw new IllegalStateException(what + ": " + c, c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    }
  }

  private static void readStderr(
      Process process, Deque<String> tail, CompletableFuture<URI> endpoint) {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!endpoint.isDone()) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            endpoint.complete(URI.create(m.group(1)));
          }
        }
        synchronized (tail) {
          tail.addLast(line.length() > 500 ? line.substring(0, 500) : line);
          while (tail.size() > STDERR_LINES_KEPT) {
            tail.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      // the process ended; the endpoint future below reports it
    }
    endpoint.completeExceptionally(
        new IllegalStateException("Chromium exited without a DevTools endpoint"));
  }

  private static void kill(Process process) {
    List<ProcessHandle> family = new ArrayList<>();
    process.descendants().forEach(family::add);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    for (ProcessHandle h : family) {
      h.destroyForcibly();
    }
  }

  private static void deleteTree(Path dir) {
    // Chromium's helpers may still be writing for a moment after the kill: retry briefly
    for (int attempt = 0; attempt < 20 && Files.exists(dir); attempt++) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths
            .sorted(Comparator.reverseOrder())
            .forEach(
                p -> {
                  try {
                    Files.deleteIfExists(p);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      } catch (IOException | UncheckedIOException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private record EventWaiter(
      String method, String session, CompletableFuture<Map<String, Object>> future) {}

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();
    private final AtomicInteger dropping = new AtomicInteger();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      if (dropping.get() == 0) {
        if (buffer.length() + data.length() > MAX_MESSAGE_CHARS) {
          buffer.setLength(0);
          dropping.set(1);
        } else {
          buffer.append(data);
        }
      }
      if (last) {
        if (dropping.getAndSet(0) == 0) {
          String text = buffer.toString();
          buffer.setLength(0);
          dispatch(text);
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      failAll(new IllegalStateException("DevTools connection closed (" + statusCode + ")"));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      failAll(
          new IllegalStateException(
              "DevTools connection failed: " + error.getClass().getSimpleName(), error));
    }
  }
}

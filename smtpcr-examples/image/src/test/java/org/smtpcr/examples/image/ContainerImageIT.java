package org.smtpcr.examples.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image Jib wrote to {@code target/smtpcr-image.tar} ({@code docker load} form), read as a
 * container runtime reads it: its config (user, volume, port, labels, entrypoint), its layers'
 * owners and files, and then its content run the way a runtime runs it. There is no container
 * engine here, so the layers are unpacked in order into a directory and the config's entrypoint and
 * command run in it under {@code unshare} (new mount and PID namespaces, {@code /proc} mounted, the
 * device nodes a runtime gives, the host's network as {@code --network host}), changed to the
 * config's root, working directory, user and environment. That needs root; without it the test
 * fails when {@code smtpcr.it.required=true} (CI) and is skipped otherwise.
 */
final class ContainerImageIT {
  private static final long WAIT_SECONDS = 120;
  private static final Pattern LISTENING =
      Pattern.compile("policy server on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir static Path work;

  private static JsonNode config;
  private static List<Path> layers;
  private static String uid;

  @BeforeAll
  static void unpackTheImage() throws Exception {
    Path tar = Path.of(System.getProperty("smtpcr.image.tar", "target/smtpcr-image.tar"));
    assertTrue(Files.isRegularFile(tar), "no image: " + tar + " (mvn -P image verify)");
    uid = System.getProperty("smtpcr.image.uid", "65532");
    Path image = Files.createDirectories(work.resolve("image"));
    run(List.of("tar", "-xf", tar.toString(), "-C", image.toString()));
    ObjectMapper json = new ObjectMapper();
    JsonNode manifest = json.readTree(image.resolve("manifest.json").toFile());
    assertEquals(1, manifest.size(), manifest::toString);
    JsonNode entry = manifest.get(0);
    config = json.readTree(image.resolve(field(entry, "config").asText()).toFile());
    layers = new ArrayList<>();
    for (JsonNode layer : field(entry, "layers")) {
      layers.add(image.resolve(layer.asText()));
    }
    assertEquals(
        layers.size(), config.get("rootfs").get("diff_ids").size(), "a diff id for each layer");
  }

  /** Docker's manifest.json spells its keys Config and Layers. */
  private static JsonNode field(JsonNode entry, String name) {
    JsonNode v =
        entry.get(name.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + name.substring(1));
    return v != null ? v : entry.get(name);
  }

  @Test
  void config_nonRootUser_stateVolume_policyPort_openContainerLabels() {
    JsonNode c = config.get("config");
    assertEquals(uid + ":" + uid, c.get("User").asText());
    assertTrue(!uid.equals("0"), "not root");
    assertEquals("/var/lib/smtpcr", c.get("WorkingDir").asText());
    assertTrue(c.get("Volumes").has("/var/lib/smtpcr"), c::toString);
    assertTrue(c.get("ExposedPorts").has("10040/tcp"), c::toString);
    JsonNode labels = c.get("Labels");
    assertEquals("SMTPCR", labels.get("org.opencontainers.image.title").asText());
    assertEquals(
        System.getProperty("smtpcr.version"),
        labels.get("org.opencontainers.image.version").asText());
    assertEquals("Apache-2.0", labels.get("org.opencontainers.image.licenses").asText());
    assertTrue(labels.has("org.opencontainers.image.source"), labels::toString);
    assertEquals("linux", config.get("os").asText());
    assertEquals("amd64", config.get("architecture").asText());
  }

  @Test
  void entrypoint_jvmOptionsFileAndPackagedSwitch_commandIsThePolicyServerOnAllAddresses() {
    JsonNode c = config.get("config");
    List<String> entrypoint = strings(c.get("Entrypoint"));
    assertEquals("java", entrypoint.get(0), entrypoint::toString);
    assertEquals(
        List.of("@/opt/smtpcr/jvm.options", "-Dsmtpcr.packaged=true"),
        entrypoint.subList(1, 3),
        entrypoint::toString);
    assertEquals(
        "org.smtpcr.examples.cli.Main",
        entrypoint.get(entrypoint.size() - 1),
        entrypoint::toString);
    assertEquals(List.of("policy-server", "--listen", "0.0.0.0:10040"), strings(c.get("Cmd")));
    assertTrue(strings(c.get("Env")).contains("PATH=/opt/java/bin"), c::toString);
  }

  @Test
  void layers_stateDirectoryIsTheUsers_everythingElseRoots_jvmOptionsAsInTheSource()
      throws Exception {
    Map<String, String> owners = new LinkedHashMap<>();
    for (Path layer : layers) {
      for (String line :
          run(
              List.of(
                  "tar",
                  "--numeric-owner",
                  "--warning=no-unknown-keyword",
                  "-tvzf",
                  layer.toString()))) {
        // drwx------ 65532/65532 0 1970-01-01 00:00 ./var/lib/smtpcr/
        String[] f = line.trim().split("\\s+", 6);
        // a symbolic link is listed as "NAME -> TARGET"
        String path = f[0].startsWith("l") ? f[5].replaceFirst(" -> .*$", "") : f[5];
        // the base layer's names start with ./, Jib's with nothing
        String name = "/" + path.replaceFirst("^\\./", "").replaceFirst("(.)/$", "$1");
        assertTrue(!name.contains("/.wh."), "no whiteouts: " + line);
        owners.put(name, f[1] + " " + f[0]);
      }
    }
    assertEquals(uid + "/" + uid + " drwx------", owners.get("/var/lib/smtpcr"));
    assertEquals("0/0 drwxrwxrwt", owners.get("/tmp"));
    owners.forEach(
        (name, owner) ->
            assertTrue(
                name.startsWith("/var/lib/smtpcr") || owner.startsWith("0/0 "),
                () -> name + " is owned by root: " + owner));
    for (String file :
        List.of(
            "/opt/java/bin/java",
            "/opt/java/lib/server/libjvm.so",
            "/opt/java/lib/server/classes.jsa",
            "/opt/java/legal/java.base/LICENSE",
            "/lib/x86_64-linux-gnu/libc.so.6",
            "/lib/x86_64-linux-gnu/libz.so.1",
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/share/doc/libc6/copyright",
            "/usr/share/doc/zlib1g/copyright",
            "/usr/share/doc/gcc-12-base/copyright",
            "/var/lib/dpkg/status.d/libc6",
            "/etc/passwd",
            "/opt/smtpcr/jvm.options")) {
      assertTrue(owners.containsKey(file), file + " is in the image");
    }
    assertTrue(
        owners.get("/opt/java/bin/java").endsWith("-rwxr-xr-x"), owners.get("/opt/java/bin/java"));
    Path rootfs = unpackLayers(work.resolve("content"), false);
    assertEquals(
        Files.readString(Path.of(System.getProperty("smtpcr.jvmOptions"))),
        Files.readString(rootfs.resolve("opt/smtpcr/jvm.options")),
        "the launcher's JVM options file, as it is in the source");
    assertTrue(
        Files.readString(rootfs.resolve("etc/passwd"))
            .contains("smtpcr:x:" + uid + ":" + uid + ":"),
        "the user has a name");
  }

  /**
   * {@code podman load} takes the tar and reads the config as written (into a private store, which
   * the test directory's removal deletes). {@code podman run} cannot be tried on these machines
   * (docs/container.md says why); {@link
   * #content_runAsTheConfigSays_versionKeygenAndOnePolicyRequest} stands in for it.
   */
  @Test
  void podmanLoad_takesTheTar_andReadsTheConfig() throws Exception {
    Path podman = Path.of("/usr/bin/podman");
    if (!Files.isExecutable(podman)) {
      String why = "podman is not installed (Debian: apt-get install podman)";
      if (Boolean.getBoolean("smtpcr.it.required")) {
        fail(why + "; required because smtpcr.it.required=true");
      }
      Assumptions.abort(why);
    }
    Path store = Files.createDirectories(work.resolve("podman"));
    List<String> podmanCmd =
        List.of(
            podman.toString(),
            "--root",
            store.resolve("root").toString(),
            "--runroot",
            store.resolve("run").toString(),
            "--storage-driver",
            "vfs",
            "--cgroup-manager",
            "cgroupfs",
            "--events-backend",
            "none");
    List<String> load = new ArrayList<>(podmanCmd);
    load.addAll(List.of("load", "-q", "-i", System.getProperty("smtpcr.image.tar")));
    String name = "smtpcr:" + System.getProperty("smtpcr.version");
    assertTrue(String.join("\n", run(load)).contains(name), "loaded as " + name);
    List<String> inspect = new ArrayList<>(podmanCmd);
    inspect.addAll(
        List.of(
            "image",
            "inspect",
            "--format",
            "{{.Config.User}}|{{.Config.WorkingDir}}|{{json .Config.Cmd}}|{{json .Config.Volumes}}",
            "localhost/" + name));
    assertEquals(
        List.of(
            uid
                + ":"
                + uid
                + "|/var/lib/smtpcr|[\"policy-server\",\"--listen\",\"0.0.0.0:10040\"]|{\"/var/lib/smtpcr\":{}}"),
        run(inspect));
  }

  @Test
  void content_runAsTheConfigSays_versionKeygenAndOnePolicyRequest() throws Exception {
    requireRoot();
    Path rootfs = unpackLayers(work.resolve("rootfs"), true);
    Path state = rootfs.resolve("var/lib/smtpcr");

    Launched version = launch(rootfs, List.of("--version"));
    assertEquals(0, version.waitFor(), version::toString);
    assertTrue(
        version.out().startsWith("smtpcr " + System.getProperty("smtpcr.version")),
        version::toString);

    Launched keygen = launch(rootfs, List.of("keygen", "--out", "/var/lib/smtpcr/smtpcr.keys"));
    assertEquals(0, keygen.waitFor(), keygen::toString);
    assertEquals(uid, String.valueOf(Files.getAttribute(state.resolve("smtpcr.keys"), "unix:uid")));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("smtpcr.keys"))));

    // the image's command with a listen address for this test (127.0.0.1, a port of its choosing),
    // the rest from /etc/smtpcr/smtpcr.properties (root's, mode 644, where docs/container.md
    // mounts it)
    Files.writeString(
        rootfs.resolve("etc/smtpcr/smtpcr.properties"),
        "challenge-base=https://mx.example.org/\nspf=off\n");
    Launched server =
        launch(
            rootfs,
            List.of(
                "policy-server",
                "--data",
                "/var/lib/smtpcr",
                "--listen",
                "127.0.0.1:0",
                "--config",
                "/etc/smtpcr/smtpcr.properties"));
    try {
      Matcher listening = server.awaitOut(LISTENING);
      String reply = action(Integer.parseInt(listening.group(1)));
      assertTrue(reply.startsWith("550 5.7.1 "), reply);
      assertTrue(reply.contains("https://mx.example.org/"), reply);
    } finally {
      assertEquals(
          143,
          server.stop(),
          () -> "SIGTERM ends the JVM, PID 1, as a runtime's stop does: " + server);
    }
    try (var files = Files.list(state)) {
      List<Path> made = files.toList();
      assertTrue(
          made.stream().anyMatch(p -> p.getFileName().toString().startsWith("whitelist")),
          made::toString);
      for (Path p : made) {
        assertEquals(uid, String.valueOf(Files.getAttribute(p, "unix:uid")), p::toString);
      }
    }
  }

  private static void requireRoot() throws IOException {
    String why = null;
    if (!"0".equals(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")))) {
      why = "running the image's content needs root (unshare, mount, chroot)";
    } else if (!Files.isExecutable(Path.of("/usr/bin/unshare"))) {
      why = "no /usr/bin/unshare (Debian: util-linux)";
    }
    if (why != null) {
      if (Boolean.getBoolean("smtpcr.it.required")) {
        fail(why + "; required because smtpcr.it.required=true");
      }
      Assumptions.abort(why);
    }
  }

  /** The layers unpacked in order into {@code dir}, with their owners when {@code owners}. */
  private static Path unpackLayers(Path dir, boolean owners) throws Exception {
    Files.createDirectories(dir);
    for (Path layer : layers) {
      List<String> tar =
          new ArrayList<>(
              List.of(
                  "tar",
                  "--warning=no-unknown-keyword",
                  "-xzf",
                  layer.toString(),
                  "-C",
                  dir.toString()));
      if (owners) {
        tar.addAll(1, List.of("--numeric-owner", "--same-owner", "--same-permissions"));
      }
      run(tar);
    }
    return dir;
  }

  /**
   * The image's entrypoint with {@code args} as its command, as a runtime starts it: new mount and
   * PID namespaces (the JVM is PID 1), /proc, the usual device nodes, the host's /etc/hosts and
   * /etc/resolv.conf (network host), then root, working directory, user and group from the config,
   * and its environment only.
   */
  private static Launched launch(Path rootfs, List<String> args) throws IOException {
    JsonNode c = config.get("config");
    for (String d : List.of("proc", "dev")) {
      Files.createDirectories(rootfs.resolve(d));
    }
    for (String f :
        List.of(
            "dev/null", "dev/zero", "dev/random", "dev/urandom", "etc/hosts", "etc/resolv.conf")) {
      if (!Files.exists(rootfs.resolve(f))) {
        Files.createFile(rootfs.resolve(f));
      }
    }
    String[] user = c.get("User").asText().split(":");
    String script =
        "set -e; r=$1; wd=$2; u=$3; g=$4; shift 4\n"
            + "/bin/mount -t proc proc \"$r/proc\"\n"
            + "for f in dev/null dev/zero dev/random dev/urandom etc/hosts etc/resolv.conf; do\n"
            + "  /bin/mount --bind \"/$f\" \"$r/$f\"\n"
            + "done\n"
            + "exec /usr/bin/unshare --root=\"$r\" --wd=\"$wd\" --setuid \"$u\" --setgid \"$g\" -- \"$@\"\n";
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "/usr/bin/unshare",
                "--mount",
                "--pid",
                "--fork",
                "--kill-child",
                "--",
                "/bin/sh",
                "-c",
                script,
                "sh",
                rootfs.toString(),
                c.get("WorkingDir").asText(),
                user[0],
                user[1]));
    cmd.addAll(strings(c.get("Entrypoint")));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.clear();
    for (String e : strings(c.get("Env"))) {
      int eq = e.indexOf('=');
      env.put(e.substring(0, eq), e.substring(eq + 1));
    }
    return new Launched(pb.start(), args);
  }

  /** A RCPT request from an unknown sender; the value of the reply's {@code action=}. */
  private static String action(int port) throws IOException {
    String request =
        "request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=192.0.2.7\n"
            + "helo_name=mail.sender.example\nsender=alice@sender.example\n"
            + "recipient=bob@example.org\ninstance=1a2.6b0b0369.b2517.0\n\n";
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      String text = "";
      while (!text.endsWith("\n\n")) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("closed without a whole reply: " + text);
        }
        reply.write(b);
        text = reply.toString(StandardCharsets.UTF_8);
      }
      Matcher m = Pattern.compile("^action=(.*)$", Pattern.MULTILINE).matcher(text);
      assertTrue(m.find(), text);
      return m.group(1);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** Runs a host command to its end; its output lines, or an error with them. */
  private static List<String> run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), () -> cmd + " did not end");
    assertEquals(0, p.exitValue(), () -> cmd + ": " + out);
    return out.lines().toList();
  }

  /** A process started from the image, its standard output read line by line as it comes. */
  private static final class Launched {
    private final Process process;
    private final List<String> args;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final Thread errReader;

    Launched(Process process, List<String> args) throws IOException {
      this.process = process;
      this.args = args;
      process.getOutputStream().close();
      Thread outReader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = r.readLine()) != null; ) {
                    out.append(line).append('\n');
                    lines.add(line);
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      outReader.setDaemon(true);
      outReader.start();
      errReader =
          new Thread(
              () -> {
                try (InputStream in = process.getErrorStream()) {
                  err.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      errReader.setDaemon(true);
      errReader.start();
    }

    int waitFor() throws InterruptedException {
      assertTrue(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), () -> "did not end: " + this);
      errReader.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      return process.exitValue();
    }

    String out() {
      return out.toString();
    }

    /** The first line of standard output that {@code p} finds something in. */
    Matcher awaitOut(Pattern p) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (true) {
        String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line == null) {
          fail("no line matching " + p + " (exited: " + !process.isAlive() + "): " + this);
        }
        Matcher m = p.matcher(line);
        if (m.find()) {
          return m;
        }
      }
    }

    /** SIGTERM to the JVM (PID 1 of its namespace, which ends with it); unshare's exit status. */
    int stop() throws InterruptedException {
      process.toHandle().descendants().forEach(ProcessHandle::destroy);
      if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
      return process.exitValue();
    }

    @Override
    public String toString() {
      return args + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }
}

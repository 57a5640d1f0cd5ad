package org.smtpcr.examples.policy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A private Postfix instance for tests (Debian's Postfix 3.7, run as root): its own configuration,
 * queue, data and log directories under one base directory, smtpd on a loopback port, every {@code
 * RCPT TO} checked by {@code check_policy_service} at the policy server's port, and mail to
 * {@code @cr.test} delivered by virtual(8) into Maildirs under {@code base/mail}. The configuration
 * is the one docs/postfix.md shows, plus what a throw-away instance needs.
 */
public final class PostfixInstance implements AutoCloseable {
  /** The link-on-its-own-line recipe of docs/postfix.md, as written to the footer map. */
  static final String FOOTER_REGEXP = "/ (https?:\\/\\/[^ ]+)$/\t${1}\n";

  /** What {@code check_policy_service} answers when the policy server cannot be asked. */
  static final String DEFAULT_ACTION = "451 4.3.5 Policy service unavailable, try again later";

  static final List<String> USERS =
      List.of("bob", "carol", "dave", "erin", "ivan", "postmaster", "abuse");

  private static final Path POSTFIX = Path.of("/usr/sbin/postfix");
  private static final Path POSTCONF = Path.of("/usr/sbin/postconf");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Path base;
  private final Path conf;
  private final int smtpPort;
  private final Path master;
  private boolean warnIfReject;
  private int relayPort;
  private List<String> sendingUsers = List.of();

  private PostfixInstance(Path base, int smtpPort, Path master) {
    this.base = base;
    this.conf = base.resolve("conf");
    this.smtpPort = smtpPort;
    this.master = master;
  }

  /** Why no instance can run here, or empty when one can. */
  public static Optional<String> unavailable() {
    if (!Files.isExecutable(POSTFIX) || !Files.isExecutable(POSTCONF)) {
      return Optional.of(
          "Postfix is not installed (apt-get install postfix; scripts/test.sh does)");
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of(
          "a private Postfix instance needs root (its daemons change to user postfix)");
    }
    try {
      UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
      users.lookupPrincipalByName("postfix");
      users.lookupPrincipalByName("nobody");
      users.lookupPrincipalByGroupName("postdrop");
      users.lookupPrincipalByGroupName("nogroup");
    } catch (IOException e) {
      return Optional.of("a user or group Postfix needs is missing: " + e.getMessage());
    }
    return Optional.empty();
  }

  /** A port that was free a moment ago on the loopback address. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Writes the configuration under {@code base} and starts the instance; returns once smtpd greets.
   *
   * @param base an absolute, empty or missing directory whose parents all others may traverse
   */
  public static PostfixInstance start(Path base, int smtpPort, int policyPort)
      throws IOException, InterruptedException {
    return start(base, smtpPort, policyPort, 0, 0);
  }

  /**
   * As {@link #start(Path, int, int)}, plus a submission service on {@code submissionPort} (0:
   * none) as docs/postfix.md shows it: SASL through a Dovecot authentication server on {@code
   * saslPort}, {@code reject_sender_login_mismatch} with each user owning {@code user@cr.test}, the
   * policy asked before {@code permit_sasl_authenticated}.
   */
  static PostfixInstance start(
      Path base, int smtpPort, int policyPort, int submissionPort, int saslPort)
      throws IOException, InterruptedException {
    Path daemonDir = Path.of(run(List.of(POSTCONF.toString(), "-h", "daemon_directory")).strip());
    PostfixInstance p =
        new PostfixInstance(base.toAbsolutePath(), smtpPort, daemonDir.resolve("master"));
    p.create(policyPort, submissionPort, saslPort);
    String out = run(List.of(POSTFIX.toString(), "-c", p.conf.toString(), "start"));
    p.awaitGreeting(out);
    return p;
  }

  /**
   * As {@link #start(Path, int, int)}, with step 2 of docs/rollout.md: {@code warn_if_reject} in
   * front of the policy service and {@code default_action = DUNNO}, so that Postfix logs {@code
   * reject_warning} instead of refusing.
   */
  static PostfixInstance startWarnIfReject(Path base, int smtpPort, int policyPort)
      throws IOException, InterruptedException {
    Path daemonDir = Path.of(run(List.of(POSTCONF.toString(), "-h", "daemon_directory")).strip());
    PostfixInstance p =
        new PostfixInstance(base.toAbsolutePath(), smtpPort, daemonDir.resolve("master"));
    p.warnIfReject = true;
    p.create(policyPort, 0, 0);
    String out = run(List.of(POSTFIX.toString(), "-c", p.conf.toString(), "start"));
    p.awaitGreeting(out);
    return p;
  }

  /** The domain of the users of a {@linkplain #startSending sending instance}. */
  public static final String SENDING_DOMAIN = "sender.example";

  /**
   * Starts a sending instance: the Postfix of a sender's own site, which takes mail from 127.0.0.1
   * on {@code smtpPort} (127.0.0.0/8 is its {@code mynetworks}), relays everything not for {@value
   * #SENDING_DOMAIN} through smtp(8) to {@code relayhost = [127.0.0.1]:relayPort}, and delivers
   * mail for {@code user@}{@value #SENDING_DOMAIN} of each of {@code users}, such as the bounces it
   * writes itself, by virtual(8) into {@link #newMail}. No policy service.
   *
   * @param base an absolute, empty or missing directory whose parents all others may traverse
   */
  public static PostfixInstance startSending(
      Path base, int smtpPort, int relayPort, List<String> users)
      throws IOException, InterruptedException {
    Path daemonDir = Path.of(run(List.of(POSTCONF.toString(), "-h", "daemon_directory")).strip());
    PostfixInstance p =
        new PostfixInstance(base.toAbsolutePath(), smtpPort, daemonDir.resolve("master"));
    p.relayPort = relayPort;
    p.sendingUsers = List.copyOf(users);
    p.create(0, 0, 0);
    String out = run(List.of(POSTFIX.toString(), "-c", p.conf.toString(), "start"));
    p.awaitGreeting(out);
    return p;
  }

  public int smtpPort() {
    return smtpPort;
  }

  /** The Maildir {@code new/} directory of a user. */
  public Path newMail(String user) {
    return base.resolve("mail").resolve(user).resolve("new");
  }

  /** The instance's log, for failure messages. */
  public String maillog() {
    try {
      String log = Files.readString(base.resolve("log/maillog"), StandardCharsets.UTF_8);
      return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    } catch (IOException e) {
      return "(no maillog: " + e.getMessage() + ")";
    }
  }

  /**
   * Whether the master process of this instance runs ({@code master -t} exits 0 when it does not).
   */
  public boolean isRunning() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(master.toString(), "-c", conf.toString(), "-t")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("master -t did not answer");
    }
    return p.exitValue() != 0;
  }

  /**
   * Stops the instance as {@code postfix stop} does (SIGTERM to the master, which takes its
   * children down), waits for every one of its processes to end, and kills what is left after 10 s.
   */
  @Override
  public void close() throws IOException {
    Path pidFile = base.resolve("queue/pid/master.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
    Optional<ProcessHandle> masterProcess = ProcessHandle.of(pid);
    if (masterProcess.isEmpty()) {
      return;
    }
    List<ProcessHandle> all = new ArrayList<>(masterProcess.get().descendants().toList());
    all.add(masterProcess.get());
    masterProcess.get().destroy();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (all.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    for (ProcessHandle h : all) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
  }

  private void create(int policyPort, int submissionPort, int saslPort) throws IOException {
    Path queue = base.resolve("queue");
    Path data = base.resolve("data");
    Path log = base.resolve("log");
    Path mail = base.resolve("mail");
    for (Path d : List.of(base, conf, queue, data, log, mail)) {
      Files.createDirectories(d);
    }
    // JUnit's temporary directories are mode 700; the postfix and nobody users must get through
    // (only the base and its parent, and only when they lack the bit: chmod would drop a sticky
    // bit)
    for (Path d : List.of(base, base.getParent())) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(d);
      if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        perms.add(PosixFilePermission.OTHERS_EXECUTE);
        perms.add(PosixFilePermission.GROUP_EXECUTE);
        Files.setPosixFilePermissions(d, perms);
      }
    }
    for (Path d = base.getParent(); d != null; d = d.getParent()) {
      if (!Files.getPosixFilePermissions(d).contains(PosixFilePermission.OTHERS_EXECUTE)) {
        throw new IOException(
            d + " is not traversable by others; Postfix's users cannot reach " + base);
      }
    }
    for (Path d : List.of(base, conf, queue, log)) {
      own(d, "root", "root", "rwxr-xr-x");
    }
    own(data, "postfix", "postfix", "rwx------");
    own(mail, "nobody", "nogroup", "rwxr-xr-x");
    // the queue directories as postfix-files makes them, so 'postfix start' can skip its ~1 s check
    for (String d :
        List.of(
            "active",
            "bounce",
            "corrupt",
            "defer",
            "deferred",
            "flush",
            "hold",
            "incoming",
            "private",
            "saved",
            "trace")) {
      own(Files.createDirectories(queue.resolve(d)), "postfix", "root", "rwx------");
    }
    own(Files.createDirectories(queue.resolve("maildrop")), "postfix", "postdrop", "rwx-wx---");
    own(Files.createDirectories(queue.resolve("public")), "postfix", "postdrop", "rwx--x---");
    own(Files.createDirectories(queue.resolve("pid")), "root", "root", "rwxr-xr-x");
    Files.writeString(queue.resolve("quick-start"), "");

    String outbound =
        submissionPort == 0
            ? "error:outbound mail disabled in the SMTPCR test instance"
            : "discard:outbound mail discarded in the SMTPCR test instance";
    String uid = run(List.of("id", "-u", "nobody")).strip();
    String gid = run(List.of("getent", "group", "nogroup")).split(":", -1)[2].strip();
    if (relayPort != 0) {
      writeSendingConfig(queue, data, log, mail, uid, gid);
      return;
    }
    write(
        "main.cf",
        String.join(
            "\n",
            "# private SMTPCR test instance",
            "compatibility_level = 3.6",
            "queue_directory = " + queue,
            "data_directory = " + data,
            "mail_owner = postfix",
            "syslog_name = postfix-smtpcr-test",
            "maillog_file_prefixes = " + log,
            "maillog_file = " + log.resolve("maillog"),
            "myhostname = mx.cr.test",
            "mydomain = cr.test",
            "myorigin = $myhostname",
            "mydestination =",
            "local_recipient_maps =",
            "alias_maps =",
            "alias_database =",
            "relay_domains =",
            "inet_interfaces = 127.0.0.1",
            "inet_protocols = ipv4",
            // trust nobody: with 127.0.0.1 in mynetworks and permit_mynetworks first, the policy is
            // never asked
            "mynetworks =",
            // never out: refused, or with a submission service (whose users relay) thrown away
            "default_transport = " + outbound,
            "relay_transport = " + outbound,
            "virtual_mailbox_domains = cr.test",
            "virtual_mailbox_base = " + mail,
            "virtual_mailbox_maps = texthash:" + conf.resolve("vmailbox"),
            "virtual_uid_maps = static:" + uid,
            "virtual_gid_maps = static:" + gid,
            "recipient_delimiter = +",
            "smtpd_banner = $myhostname ESMTP SMTPCR-test",
            "smtpd_tls_security_level = none",
            "biff = no",
            "append_dot_mydomain = no",
            "readme_directory = no",
            "smtpd_relay_restrictions = reject_unauth_destination",
            "smtpd_recipient_restrictions =",
            "    reject_unauth_destination,",
            "    reject_unlisted_recipient,",
            "    "
                + (warnIfReject ? "warn_if_reject " : "")
                + "check_policy_service { inet:127.0.0.1:"
                + policyPort
                + ", timeout=10s,",
            "        { default_action = " + (warnIfReject ? "DUNNO" : DEFAULT_ACTION) + " } }",
            // learning from outbound mail happens once the message is accepted
            "smtpd_end_of_data_restrictions =",
            "    check_policy_service { inet:127.0.0.1:" + policyPort + ", timeout=10s,",
            "        { default_action = DUNNO } }",
            "smtpd_reject_footer_maps = regexp:" + conf.resolve("footer.regexp"),
            submissionPort == 0 ? "" : "smtpd_sasl_type = dovecot",
            submissionPort == 0 ? "" : "smtpd_sasl_path = inet:127.0.0.1:" + saslPort,
            submissionPort == 0
                ? ""
                : "smtpd_sender_login_maps = texthash:" + conf.resolve("sender_logins"),
            ""));
    write("master.cf", masterCf(submissionPort, policyPort));
    StringBuilder vmailbox = new StringBuilder();
    for (String u : USERS) {
      vmailbox.append(u).append("@cr.test\t").append(u).append("/\n");
    }
    write("vmailbox", vmailbox.toString());
    StringBuilder logins = new StringBuilder();
    for (String u : USERS) {
      logins.append(u).append("@cr.test\t").append(u).append("@cr.test\n");
    }
    write("sender_logins", logins.toString());
    write("footer.regexp", FOOTER_REGEXP);
  }

  /**
   * main.cf and the tables of a {@linkplain #startSending sending instance}: Postfix's defaults for
   * what a sender's site does with a refusal (a bounce to the sender, written at once for a 5yz),
   * the relay host instead of DNS, and only loopback.
   */
  private void writeSendingConfig(
      Path queue, Path data, Path log, Path mail, String uid, String gid) throws IOException {
    write(
        "main.cf",
        String.join(
            "\n",
            "# private SMTPCR test instance: a sender's Postfix",
            "compatibility_level = 3.6",
            "queue_directory = " + queue,
            "data_directory = " + data,
            "mail_owner = postfix",
            "syslog_name = postfix-smtpcr-sender",
            "maillog_file_prefixes = " + log,
            "maillog_file = " + log.resolve("maillog"),
            "myhostname = mx." + SENDING_DOMAIN,
            "mydomain = " + SENDING_DOMAIN,
            "myorigin = $myhostname",
            "mydestination =",
            "local_recipient_maps =",
            "alias_maps =",
            "alias_database =",
            "relay_domains =",
            "inet_interfaces = 127.0.0.1",
            "inet_protocols = ipv4",
            "mynetworks = 127.0.0.0/8",
            "relayhost = [127.0.0.1]:" + relayPort,
            "default_transport = smtp",
            "relay_transport = smtp",
            "smtp_tls_security_level = none",
            "smtp_dns_support_level = disabled",
            "virtual_mailbox_domains = " + SENDING_DOMAIN,
            "virtual_mailbox_base = " + mail,
            "virtual_mailbox_maps = texthash:" + conf.resolve("vmailbox"),
            "virtual_uid_maps = static:" + uid,
            "virtual_gid_maps = static:" + gid,
            "smtpd_banner = $myhostname ESMTP SMTPCR-test-sender",
            "smtpd_tls_security_level = none",
            "biff = no",
            "append_dot_mydomain = no",
            "readme_directory = no",
            "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination",
            "smtpd_recipient_restrictions = permit_mynetworks, reject",
            ""));
    write("master.cf", masterCf(0, 0));
    StringBuilder vmailbox = new StringBuilder();
    for (String u : sendingUsers) {
      vmailbox.append(u).append('@').append(SENDING_DOMAIN).append('\t').append(u).append("/\n");
    }
    write("vmailbox", vmailbox.toString());
  }

  private String masterCf(int submissionPort, int policyPort) {
    return String.join(
        "\n",
        "127.0.0.1:" + smtpPort + " inet n - n - - smtpd",
        "pickup    unix  n - n 60   1 pickup",
        "cleanup   unix  n - n -    0 cleanup",
        "qmgr      unix  n - n 300  1 qmgr",
        "rewrite   unix  - - n -    - trivial-rewrite",
        "bounce    unix  - - n -    0 bounce",
        "defer     unix  - - n -    0 bounce",
        "trace     unix  - - n -    0 bounce",
        "verify    unix  - - n -    1 verify",
        "flush     unix  n - n 1000? 0 flush",
        "proxymap  unix  - - n -    - proxymap",
        "showq     unix  n - n -    - showq",
        "error     unix  - - n -    - error",
        "retry     unix  - - n -    - error",
        "discard   unix  - - n -    - discard",
        "virtual   unix  - n n -    - virtual",
        "anvil     unix  - - n -    1 anvil",
        "scache    unix  - - n -    1 scache",
        "postlog   unix-dgram n - n - 1 postlogd",
        "smtp      unix  - - n -    - smtp",
        submissionPort == 0
            ? ""
            : String.join(
                "\n",
                "127.0.0.1:" + submissionPort + " inet n - n - - smtpd",
                "  -o smtpd_sasl_auth_enable=yes",
                "  -o smtpd_sender_restrictions=reject_sender_login_mismatch",
                "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject",
                "  -o { smtpd_recipient_restrictions = check_policy_service { inet:127.0.0.1:"
                    + policyPort
                    + ", timeout=10s, { default_action = DUNNO } }, permit_sasl_authenticated,"
                    + " reject }"),
        "");
  }

  /**
   * Writes a configuration file dated a minute back: Postfix waits (about 2 s, in every one of its
   * programs) for configuration and table files changed in the last 2 seconds to settle.
   */
  private void write(String name, String text) throws IOException {
    Path f = conf.resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(60)));
  }

  private static Path own(Path p, String user, String group, String mode) throws IOException {
    UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal u = lookup.lookupPrincipalByName(user);
    GroupPrincipal g = lookup.lookupPrincipalByGroupName(group);
    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
    view.setOwner(u);
    view.setGroup(g);
    view.setPermissions(PosixFilePermissions.fromString(mode));
    return p;
  }

  private void awaitGreeting(String startOutput) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    IOException last = null;
    while (System.nanoTime() - deadline < 0) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), smtpPort), 2000);
        s.setSoTimeout(5000);
        BufferedReader r =
            new BufferedReader(
                new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        String line = r.readLine();
        if (line != null && line.startsWith("220 ")) {
          s.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    throw new IOException(
        "Postfix did not greet on 127.0.0.1:"
            + smtpPort
            + " within "
            + START_TIMEOUT
            + "; postfix start said: "
            + startOutput
            + "; maillog: "
            + maillog(),
        last);
  }

  /** Runs a command to completion (bounded) and returns its output; fails on a non-zero exit. */
  private static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(command + " did not finish within 60 s");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(command + " exited with " + p.exitValue() + ": " + text);
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException(command + " was interrupted", e);
    }
  }
}

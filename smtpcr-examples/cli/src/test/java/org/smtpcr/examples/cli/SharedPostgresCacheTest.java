package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.store.PostgresServer;
import org.smtpcr.examples.policy.PolicyServer;
import org.smtpcr.examples.runtime.metrics.MetricsServer;
import org.smtpcr.examples.web.ChallengeWebServer;

/**
 * Issue 15's proof of the near cache: two policy servers and one challenge page, each started as
 * {@code smtpcr policy-server} and {@code smtpcr web} are, on one real PostgreSQL. Every change,
 * whichever process makes it (the page, {@code smtpcr deny}, {@code smtpcr whitelist
 * remove|import}), is seen by both servers within a second, though each has cached the answer
 * before; and with PostgreSQL stopped both answer 451, never a stale accept.
 */
final class SharedPostgresCacheTest {
  /** The bound: every MX host sees a change within a second. */
  private static final Duration BOUND = Duration.ofSeconds(1);

  /** A store that is down is noticed by the pool after its connection timeout (3 s here). */
  private static final Duration DOWN_BOUND = Duration.ofSeconds(15);

  private static final String SENDER = "alice@sender.example";
  private static final String RECIPIENT = "bob@example.com";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tmp;

  @Test
  void twoPolicyServersAndThePage_seeEveryChangeWithinASecond_andA451WhenTheStoreIsDown()
      throws Exception {
    try (PostgresServer pg = PostgresServer.startOrSkip()) {
      String url = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?user=smtpcr";
      Path data = tmp.resolve("data");
      CommandRun.keygen(data);
      try (TestLifecycle web =
          new TestLifecycle()
              .start(
                  "web",
                  "--data",
                  data.toString(),
                  "--store",
                  url,
                  "--listen",
                  "127.0.0.1:0",
                  "--pow-bits",
                  "0")) {
        ChallengeWebServer page = web.service(ChallengeWebServer.class);
        String base = page.baseUri().toString();
        try (TestLifecycle one = policyServer(data, url, base, "--metrics-listen", "127.0.0.1:0");
            // without SPF and DKIM the second decides from memory on its event loop first
            // (memoryFirst):
            // every step below must hold for it too
            TestLifecycle two = policyServer(data, url, base, "--spf", "off", "--dkim", "off")) {
          MetricsServer metrics = one.service(MetricsServer.class);
          String first = one.service(PolicyServer.class).toString();
          String second = two.service(PolicyServer.class).toString();
          assertTrue(first.contains("memoryFirst=false"), first);
          assertTrue(second.contains("memoryFirst=true"), second);
          List<Integer> ports =
              List.of(
                  one.service(PolicyServer.class).port(), two.service(PolicyServer.class).port());
          // every cache serves: page and both servers listen (PostgresChanges names its connection)
          awaitListeners(pg, 3);
          assertEquals(2, triggers(pg), "the change triggers on the whitelist and deny tables");

          // 1. unknown: both challenge, twice each (the second answer may come from the cache)
          URI link = null;
          for (int port : ports) {
            for (int i = 0; i < 2; i++) {
              String action = PolicyRequests.action(port, SENDER, RECIPIENT);
              link = linkIn(action, base);
            }
          }
          String scraped = scrape(metrics);
          assertTrue(
              sample(scraped, "smtpcr_store_cache_lookups_total{result=\"hit\"}") >= 1.0, scraped);
          assertEquals(1.0, sample(scraped, "smtpcr_store_cache_serving"), scraped);

          // 2. confirmed on the page: both accept within a second
          confirm(link);
          awaitAll(ports, "DUNNO"::equals, "accept after the page's confirmation", BOUND);

          // 3. a deny entry from the command line: both refuse, with no link
          run("deny", "add", "--data", data.toString(), "--store", url, "--sender", SENDER);
          awaitAll(ports, SharedPostgresCacheTest::refusal, "refuse after deny add", BOUND);
          run("deny", "remove", "--data", data.toString(), "--store", url, "--sender", SENDER);
          awaitAll(ports, "DUNNO"::equals, "accept after deny remove", BOUND);

          // 4. a removal: both challenge again
          whitelist(data, url, "remove", "--sender", SENDER, "--recipient", RECIPIENT);
          awaitAll(ports, a -> a.contains(base + "c/"), "challenge after the removal", BOUND);

          // 4b. the listeners' connections are killed, and the pair is imported while they are
          // down: the caches stop serving, so the change is seen at once, and they listen again
          List<Integer> before = listenerPids(pg);
          assertEquals(3, before.size(), before::toString);
          count(
              pg,
              "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE"
                  + " application_name = 'smtpcr-near-cache'");
          Path file = tmp.resolve("import.txt");
          Files.writeString(file, SENDER + " " + RECIPIENT + " never\n");
          whitelist(data, url, "import", file.toString());
          awaitAll(ports, "DUNNO"::equals, "accept after the import", BOUND);
          awaitNewListeners(pg, before, 3);

          // 5. removed again and seen; imported again and served from the cache
          whitelist(data, url, "remove", "--sender", SENDER, "--recipient", RECIPIENT);
          awaitAll(ports, a -> a.contains(base + "c/"), "challenge after the removal", BOUND);
          whitelist(data, url, "import", file.toString());
          awaitAll(ports, "DUNNO"::equals, "accept after the second import", BOUND);
          double hits = sample(scrape(metrics), "smtpcr_store_cache_lookups_total{result=\"hit\"}");
          assertEquals("DUNNO", PolicyRequests.action(ports.get(0), SENDER, RECIPIENT));
          assertTrue(
              sample(scrape(metrics), "smtpcr_store_cache_lookups_total{result=\"hit\"}") > hits,
              "the accept is in the cache now");

          // 6. PostgreSQL stops: the cached accept stops being served, and every answer is 451
          pg.stop();
          long deadline = System.nanoTime() + DOWN_BOUND.toNanos();
          for (int port : ports) {
            while (true) {
              String action = PolicyRequests.action(port, SENDER, RECIPIENT);
              if (action.startsWith("451 4.3.0")) {
                break;
              }
              assertEquals("DUNNO", action, "only the cached accept, until the cache stops");
              if (System.nanoTime() > deadline) {
                fail("no 451 within " + DOWN_BOUND + " with the store down: " + action);
              }
            }
          }
          // and it stays so (the cache does not serve while its listener is down)
          for (int port : ports) {
            String action = PolicyRequests.action(port, SENDER, RECIPIENT);
            assertTrue(action.startsWith("451 4.3.0"), action);
          }
          assertEquals(0.0, sample(scrape(metrics), "smtpcr_store_cache_serving"));
        }
      }
    }
  }

  private static TestLifecycle policyServer(Path data, String url, String base, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "policy-server",
                "--data",
                data.toString(),
                "--store",
                url,
                "--listen",
                "127.0.0.1:0",
                "--challenge-base",
                base));
    args.addAll(List.of(more));
    return new TestLifecycle().start(args.toArray(String[]::new));
  }

  private static String scrape(MetricsServer m) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://" + Services.hostPort(m.address()) + "/metrics"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /** The value of the one sample whose line starts with {@code series} (name and labels). */
  private static double sample(String metrics, String series) {
    List<String> lines = metrics.lines().filter(l -> l.startsWith(series + " ")).toList();
    assertEquals(1, lines.size(), () -> series + " in\n" + metrics);
    String line = lines.get(0);
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  /** A refusal of a denied sender: a 5xx without a link. */
  private static boolean refusal(String action) {
    return action.startsWith("5") && !action.contains("/c/");
  }

  /**
   * Asks every server until each answers as {@code expected}, or fails after {@code bound}
   * (measured from now, on the monotonic clock; a poll, not a sleep).
   */
  private static void awaitAll(
      List<Integer> ports, Predicate<String> expected, String what, Duration bound)
      throws Exception {
    long deadline = System.nanoTime() + bound.toNanos();
    for (int port : ports) {
      List<String> seen = new ArrayList<>();
      while (true) {
        String action = PolicyRequests.action(port, SENDER, RECIPIENT);
        if (expected.test(action)) {
          break;
        }
        if (seen.size() < 3) {
          seen.add(action);
        }
        if (System.nanoTime() > deadline) {
          fail("port " + port + ": no " + what + " within " + bound + "; answered " + seen);
        }
      }
    }
  }

  private static URI linkIn(String action, String base) {
    Matcher m =
        Pattern.compile("^550 5\\.7\\.1 .* (" + Pattern.quote(base) + "c/\\S+)$").matcher(action);
    assertTrue(m.matches(), action);
    return URI.create(m.group(1));
  }

  /** Confirms as a person would: the page's form, answered without a browser (0 bits). */
  private static void confirm(URI link) throws Exception {
    HttpResponse<String> page =
        HTTP.send(
            HttpRequest.newBuilder(link).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode(), page.body());
    Matcher issued = Pattern.compile("name=\"issued\" value=\"([0-9]+)\"").matcher(page.body());
    Matcher stamp = Pattern.compile("name=\"stamp\" value=\"([0-9a-f]+)\"").matcher(page.body());
    assertTrue(issued.find() && stamp.find(), page.body());
    HttpResponse<String> confirmed =
        HTTP.send(
            HttpRequest.newBuilder(link)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "issued="
                            + issued.group(1)
                            + "&bits=0&stamp="
                            + stamp.group(1)
                            + "&nonce=0"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, confirmed.statusCode(), confirmed.body());
  }

  private static void run(String... args) {
    CommandRun.Result r = CommandRun.run(args);
    assertEquals(0, r.exitCode(), r::toString);
  }

  private static void whitelist(Path data, String url, String... args) {
    List<String> all = new ArrayList<>(List.of("whitelist", args[0]));
    all.addAll(List.of("--data", data.toString(), "--store", url));
    all.addAll(List.of(args).subList(1, args.length));
    run(all.toArray(String[]::new));
  }

  /** Waits (polling, 60 s at most) until {@code n} near caches listen on the database. */
  private static void awaitListeners(PostgresServer pg, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int seen;
    while ((seen =
            count(
                pg,
                "SELECT count(*) FROM pg_stat_activity WHERE application_name ="
                    + " 'smtpcr-near-cache'"))
        < n) {
      if (System.nanoTime() > deadline) {
        fail(seen + " of " + n + " near caches listen after 60 s");
      }
    }
  }

  private static List<Integer> listenerPids(PostgresServer pg) throws Exception {
    List<Integer> pids = new ArrayList<>();
    try (Connection c = pg.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'smtpcr-near-cache'")) {
      while (r.next()) {
        pids.add(r.getInt(1));
      }
    }
    return pids;
  }

  /** Waits (polling, 60 s at most) until {@code n} listeners other than {@code old} listen. */
  private static void awaitNewListeners(PostgresServer pg, List<Integer> old, int n)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      List<Integer> now = listenerPids(pg);
      now.removeAll(old);
      if (now.size() >= n) {
        return;
      }
      if (System.nanoTime() > deadline) {
        fail(now.size() + " of " + n + " near caches listen again after 60 s");
      }
    }
  }

  private static int triggers(PostgresServer pg) throws Exception {
    return count(
        pg,
        "SELECT count(*) FROM pg_trigger WHERE tgname IN ('smtpcr_whitelist_notify',"
            + " 'smtpcr_deny_notify')");
  }

  private static int count(PostgresServer pg, String sql) throws Exception {
    try (Connection c = pg.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getInt(1);
    }
  }
}

package org.smtpcr.examples.james;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few calls of James's webadmin API the tests make (users, aliases, mappings, repositories).
 */
final class Webadmin {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Pattern REPOSITORY = Pattern.compile("\"repository\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern SIZE = Pattern.compile("\"size\"\\s*:\\s*(\\d+)");

  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  Webadmin(int port) {
    this.base = URI.create("http://127.0.0.1:" + port + "/");
  }

  /** {@code PUT /users/<address>}: a user with a password. */
  void addUser(String address, String password) throws IOException {
    call("PUT", "users/" + segment(address), "{\"password\":\"" + password + "\"}", 204);
  }

  /** {@code PUT /address/aliases/<target>/sources/<alias>}. */
  void addAlias(String alias, String target) throws IOException {
    call("PUT", "address/aliases/" + segment(target) + "/sources/" + segment(alias), null, 204);
  }

  /**
   * {@code POST /mappings/regex/<source>/targets/<regex>}: a regex rewrite for a user or domain.
   */
  void addRegexMapping(String source, String regex) throws IOException {
    // James 3.8 decodes the regex segment twice (the HTTP layer, then the route), so it is
    // encoded twice: encoded once, a '+' would become a space
    call(
        "POST",
        "mappings/regex/" + segment(source) + "/targets/" + segment(segment(regex)),
        null,
        204);
  }

  /** Every recipient rewrite, {@code GET /mappings}, as JSON. */
  String mappings() throws IOException {
    return call("GET", "mappings", null, 200);
  }

  /** The paths of every mail repository, {@code GET /mailRepositories}. */
  List<String> repositories() throws IOException {
    String body = call("GET", "mailRepositories", null, 200);
    List<String> paths = new ArrayList<>();
    Matcher m = REPOSITORY.matcher(body);
    while (m.find()) {
      paths.add(m.group(1));
    }
    return paths;
  }

  /** How many mails the repository holds, {@code GET /mailRepositories/<path>}. */
  int repositorySize(String path) throws IOException {
    String body = call("GET", "mailRepositories/" + segment(path), null, 200);
    Matcher m = SIZE.matcher(body);
    if (!m.find()) {
      throw new IOException("no size in " + body);
    }
    return Integer.parseInt(m.group(1));
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, UTF_8).replace("+", "%20");
  }

  private String call(String method, String path, String body, int expected) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, UTF_8));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
      if (r.statusCode() != expected) {
        throw new IOException(
            method + " /" + path + " answered " + r.statusCode() + ": " + r.body());
      }
      return r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}

package org.smtpcr.examples.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.smtpcr.examples.web.ChallengePage;
import org.smtpcr.examples.web.ChallengePageHostContract;
import org.smtpcr.examples.web.ChromiumBrowser;
import org.smtpcr.examples.web.PageGate;

/**
 * The Servlet adapter on an embedded Jetty 12 (ee10) on 127.0.0.1, mounted at {@code
 * /app/confirm/*}: the page tests every host passes ({@link ChallengePageHostContract}), the
 * web.xml way of configuring it, the mount point, and the page confirmed in a real Chromium.
 */
final class ChallengePageServletTest extends ChallengePageHostContract {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Override
  protected Host start(ChallengePage page, Clock clock, Options o) throws Exception {
    PageGate.Builder b = PageGate.builder().page(page).clock(clock);
    if (o.maxBodyBytes() != null) {
      b.maxBodyBytes(o.maxBodyBytes());
    }
    if (o.requestsPerMinutePerClient() != null) {
      b.requestsPerMinutePerClient(o.requestsPerMinutePerClient());
    }
    if (o.trustedProxies() != null) {
      b.trustedProxies(o.trustedProxies());
    }
    if (o.postsPerTokenPerHour() != null) {
      b.postsPerTokenPerHour(o.postsPerTokenPerHour());
    }
    if (o.settings() != null) {
      b.settings(o.settings());
    }
    return jetty("/app", "/confirm/*", new ServletHolder(ChallengePageServlet.of(b.build())), null);
  }

  /** Jetty with one servlet context, started on 127.0.0.1 and a free port. */
  private static Host jetty(String contextPath, String mapping, ServletHolder holder, Object page)
      throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("servlet-test");
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(contextPath);
    if (page != null) {
      // what the docs tell a web.xml application to do: a listener puts the page into the context
      context.addEventListener(
          new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
              event.getServletContext().setAttribute(ChallengePageServlet.PAGE_ATTRIBUTE, page);
            }
          });
    }
    context.addServlet(holder, mapping);
    server.setHandler(context);
    server.start();
    String mount = mapping.endsWith("/*") ? mapping.substring(0, mapping.length() - 1) : "/";
    URI base =
        URI.create(
            "http://127.0.0.1:"
                + connector.getLocalPort()
                + (contextPath.equals("/") ? "" : contextPath)
                + mount);
    return new Host() {
      @Override
      public URI baseUri() {
        return base;
      }

      @Override
      public void close() {
        try {
          server.stop();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        } catch (Exception e) {
          throw new IllegalStateException("Jetty did not stop", e);
        }
      }
    };
  }

  @Test
  void webXml_pageFromTheContextAndSettingsFromInitParameters() throws Exception {
    ServletHolder holder = new ServletHolder(ChallengePageServlet.class);
    holder.setInitParameter("webTrustedProxies", "127.0.0.1");
    holder.setInitParameter(ChallengePageServlet.REQUESTS_PER_MINUTE_PARAMETER, "1");
    try (Host web = jetty("/", "/*", holder, page())) {
      assertEquals(
          200, http.send(forwarded(web, "198.51.100.1"), BodyHandlers.discarding()).statusCode());
      // the proxy is trusted: another client behind it has a bucket of its own
      assertEquals(
          200, http.send(forwarded(web, "198.51.100.2"), BodyHandlers.discarding()).statusCode());
      assertEquals(
          429, http.send(forwarded(web, "198.51.100.1"), BodyHandlers.discarding()).statusCode());
      // mounted at the root: the link is /c/<token>
      HttpResponse<String> r = http.send(get(web, "c/" + mint()), BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("pow-form"), r.body());
    }
  }

  @Test
  void webXml_withoutAPageInTheContext_isUnavailable() throws Exception {
    ServletHolder holder = new ServletHolder(ChallengePageServlet.class);
    holder.setInitOrder(-1); // initialised at the first request, so that Jetty starts
    try (Host web = jetty("/app", "/confirm/*", holder, null)) {
      HttpResponse<String> r = http.send(get(web, ""), BodyHandlers.ofString());
      // permanently unavailable: the container answers 404 (Servlet spec), never the page
      assertEquals(404, r.statusCode());
      assertTrue(!r.body().contains("Sender confirmation"), r.body());
      assertEquals(List.of(), whitelisted());
    }
  }

  @Test
  void mountPointWithoutSlash_redirectsToIt() throws Exception {
    try (Host web = start(page(), clock(), new Options(null, null, null, null, null))) {
      String base = web.baseUri().toString();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base.substring(0, base.length() - 1))).build(),
              BodyHandlers.ofString());
      assertEquals(308, r.statusCode());
      assertEquals(Optional.of("confirm/"), r.headers().firstValue("location"));
      assertEquals(
          URI.create(base),
          URI.create(base.substring(0, base.length() - 1)).resolve("confirm/"),
          "resolves to the mount point");
      assertTrue(r.headers().firstValue("content-security-policy").isPresent());
      assertEquals(200, http.send(get(web, ""), BodyHandlers.discarding()).statusCode());
      assertEquals(
          200, http.send(get(web, "static/page.css"), BodyHandlers.discarding()).statusCode());
    }
  }

  @Test
  void challengeLink_inChromium_checkRunsAndTheButtonConfirms() throws Exception {
    try (Host web = start(page(), clock(), new Options(null, null, null, null, null));
        ChromiumBrowser browser = ChromiumBrowser.launchOrSkip()) {
      URI link = web.baseUri().resolve("c/" + mint());
      browser.navigate(link);
      browser.waitFor(
          "document.getElementById('pow-form').getAttribute('data-state') === 'found'", WAIT);
      assertEquals(List.of(), whitelisted(), "the check alone wrote to the store");

      browser.evaluate("document.getElementById('pow-button').click()");
      browser.waitFor("document.getElementById('done') !== null", WAIT);

      assertEquals(List.of(pair()), whitelisted());
      assertEquals(link.toString(), browser.currentUrl());
      assertTrue(
          Files.size(browser.screenshot(Path.of("target", "screenshots", "servlet-done.png")))
              > 1000);
    }
  }

  private static HttpRequest forwarded(Host web, String xff) {
    return HttpRequest.newBuilder(web.baseUri()).header("X-Forwarded-For", xff).build();
  }
}

package org.smtpcr.examples.servlet;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.examples.runtime.SettingSource;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.web.ChallengePage;
import org.smtpcr.examples.web.PageGate;
import org.smtpcr.examples.web.PageResponse;

/**
 * The challenge page as a Jakarta Servlet (6.0 or later), for a Java web application: Spring Boot,
 * Jetty, Tomcat. A thin layer over a {@link PageGate}, as the bundled {@code ChallengeWebServer}
 * is: the same security headers on every answer, the same rate limits per client, client network
 * and challenge link (429), the same client address behind trusted proxies, only GET, HEAD and POST
 * (405), the same bounds on the target (414) and the body (413), and the page's answers unchanged.
 * No session and no cookie.
 *
 * <p>Map it to a path prefix, {@code /confirm/*}, or to {@code /}: the page's links are {@code
 * <mount>/c/<token>}, so the engine's {@code challengeBase} is the public address of the mount
 * point, context path included, ending in {@code /} (for example {@code
 * https://example.com/app/confirm/}). The page's stylesheet and script are linked relatively and
 * served by this servlet under the same prefix. A request to the mount point without its final
 * {@code /} is redirected (308) to it.
 *
 * <p>Built in code ({@link #of(PageGate)}, {@link #of(ChallengePage, Settings)}) for a container
 * that takes servlet instances (Spring Boot's {@code ServletRegistrationBean}, {@code
 * ServletContext.addServlet}); or named by class in {@code web.xml}, with the page in the servlet
 * context attribute {@value #PAGE_ATTRIBUTE} and the {@link Settings} in init parameters named by
 * their keys ({@code webTrustedProxies}, {@code webForwardedHeader}, {@code
 * webRequestsPerMinutePerNetwork}, {@code webPostsPerTokenPerHour}) plus {@value
 * #REQUESTS_PER_MINUTE_PARAMETER} and {@value #MAX_BODY_BYTES_PARAMETER}.
 *
 * <p>What the container does in place of the bundled server: its own threads (no separate pool, so
 * no 503), its idle timeout (a body that does not arrive in time is answered 408 when the container
 * still lets us answer), its connection limits, and its own error pages for requests it refuses
 * before the servlet runs. Thread-safe.
 *
 * @since 0.4.0
 */
public final class ChallengePageServlet extends HttpServlet {
  /** The servlet context attribute a web.xml deployment puts the {@link ChallengePage} in. */
  public static final String PAGE_ATTRIBUTE = "org.smtpcr.examples.web.ChallengePage";

  /** Init parameter: requests per client and minute (default 60). */
  public static final String REQUESTS_PER_MINUTE_PARAMETER = "requestsPerMinutePerClient";

  /** Init parameter: the largest body read (default 8 KiB). */
  public static final String MAX_BODY_BYTES_PARAMETER = "maxBodyBytes";

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(ChallengePageServlet.class);
  // a path the page does not serve (404), for a mount point written with escapes
  private static final String NO_PAGE = "/-";

  // a servlet is not serialized with its page: a container that does builds it again in init()
  private transient volatile PageGate gate;

  /**
   * For a container that instantiates the class ({@code web.xml}): {@link #init()} takes the page
   * from the context attribute {@value #PAGE_ATTRIBUTE} and the settings from the init parameters.
   */
  public ChallengePageServlet() {}

  private ChallengePageServlet(PageGate gate) {
    this.gate = gate;
  }

  /**
   * A servlet in front of {@code gate}.
   *
   * @param gate the page and its limits
   * @return the servlet
   */
  public static ChallengePageServlet of(PageGate gate) {
    return new ChallengePageServlet(requireNonNull(gate, "gate"));
  }

  /**
   * A servlet for {@code page}, its limits and trusted proxies from {@code settings}.
   *
   * @param page the page
   * @param settings the runtime settings ({@code webTrustedProxies} and the others {@link
   *     PageGate.Builder#settings} names)
   * @return the servlet
   */
  public static ChallengePageServlet of(ChallengePage page, Settings settings) {
    return of(PageGate.builder().page(page).settings(settings).build());
  }

  /**
   * Builds the gate from the servlet context and the init parameters, unless the servlet was made
   * with one.
   *
   * @throws UnavailableException if the context holds no page or a parameter is wrong
   */
  @Override
  public void init() throws ServletException {
    if (gate != null) {
      return;
    }
    Object page = getServletContext().getAttribute(PAGE_ATTRIBUTE);
    if (!(page instanceof ChallengePage p)) {
      throw new UnavailableException(
          "no ChallengePage in the servlet context attribute " + PAGE_ATTRIBUTE);
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (String name : Collections.list(getInitParameterNames())) {
      params.put(name, getInitParameter(name));
    }
    try {
      PageGate.Builder b =
          PageGate.builder().page(p).settings(Settings.read(SettingSource.of(params)));
      String perMinute = params.get(REQUESTS_PER_MINUTE_PARAMETER);
      if (perMinute != null) {
        b.requestsPerMinutePerClient(Integer.parseInt(perMinute.strip()));
      }
      String maxBody = params.get(MAX_BODY_BYTES_PARAMETER);
      if (maxBody != null) {
        b.maxBodyBytes(Integer.parseInt(maxBody.strip()));
      }
      gate = b.build();
    } catch (IllegalArgumentException e) {
      UnavailableException u =
          new UnavailableException("challenge page servlet: " + e.getMessage());
      u.initCause(e);
      throw u;
    }
  }

  /** Answers every method itself: GET, HEAD and POST go to the page, any other gets 405. */
  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    PageGate g = gate;
    if (g == null) {
      throw new IllegalStateException("servlet not initialized");
    }
    String method = req.getMethod();
    String language = String.join(", ", headers(req, "Accept-Language"));
    InetAddress client =
        g.client(
            peer(req.getRemoteAddr()), headers(req, "Forwarded"), headers(req, "X-Forwarded-For"));
    String path = pathOf(req);
    boolean mountPoint = path.isEmpty(); // /confirm, without the final slash
    String query = req.getQueryString() == null ? "" : req.getQueryString();
    Optional<PageResponse> early =
        g.admit(
            method, mountPoint ? "/" : path, query, req.getContentLengthLong(), client, language);
    if (early.isPresent()) {
      send(req, resp, early.get());
    } else if (method.equals("POST")) {
      post(g, req, resp, mountPoint ? "/" : path, client, language);
    } else if (mountPoint) {
      // relative links to the stylesheet need the final slash
      PageResponse notice = g.get("/", language);
      Map<String, String> headers = new LinkedHashMap<>(notice.headers());
      // relative: the last segment and a slash (the raw URI may start with "//", which a browser
      // would take for another host)
      String uri = req.getRequestURI();
      headers.put("Location", uri.substring(uri.lastIndexOf('/') + 1) + "/");
      send(req, resp, new PageResponse(308, headers, new byte[0]));
    } else {
      send(req, resp, g.get(path, language));
    }
  }

  private static void post(
      PageGate g,
      HttpServletRequest req,
      HttpServletResponse resp,
      String path,
      InetAddress client,
      String language)
      throws IOException {
    byte[] body;
    try (InputStream in = req.getInputStream()) {
      body = in.readNBytes(g.maxBodyBytes() + 1);
    } catch (IOException e) {
      // the container's idle timeout, or a client gone: the former can still read the answer
      log.debug("challenge page body not read: {}", e.getClass().getSimpleName());
      send(req, resp, g.requestTimeout(language));
      return;
    }
    if (body.length > g.maxBodyBytes()) {
      send(req, resp, g.bodyTooLarge(language));
      return;
    }
    String type = req.getContentType() == null ? "" : req.getContentType();
    send(req, resp, g.post(path, type, body, client, language));
  }

  /**
   * The raw (not decoded) path below the servlet's mount point: {@code /c/<token>}; empty for the
   * mount point itself without its final slash.
   */
  private static String pathOf(HttpServletRequest req) {
    String uri = req.getRequestURI();
    String context = req.getContextPath();
    String inContext = uri.startsWith(context) ? uri.substring(context.length()) : uri;
    MappingMatch match = req.getHttpServletMapping().getMappingMatch();
    if (match == MappingMatch.PATH || match == MappingMatch.EXACT) {
      String servletPath = req.getServletPath(); // decoded: matches the raw path unless escaped
      if (!inContext.startsWith(servletPath)) {
        return NO_PAGE;
      }
      return inContext.substring(servletPath.length());
    }
    return inContext;
  }

  private static List<String> headers(HttpServletRequest req, String name) {
    Enumeration<String> values = req.getHeaders(name);
    return values == null ? List.of() : Collections.list(values);
  }

  /** The connection's peer, or loopback when the container gives no IP address. */
  private static InetAddress peer(String remoteAddr) {
    if (remoteAddr != null) {
      String a = remoteAddr;
      if (a.startsWith("[") && a.endsWith("]")) {
        a = a.substring(1, a.length() - 1);
      }
      int scope = a.indexOf('%');
      if (scope >= 0) {
        a = a.substring(0, scope);
      }
      if (InetAddresses.isInetAddress(a)) {
        return InetAddresses.forString(a);
      }
    }
    return InetAddress.getLoopbackAddress(); // not over IP (a Unix socket)
  }

  private static void send(HttpServletRequest req, HttpServletResponse resp, PageResponse r)
      throws IOException {
    if (resp.isCommitted()) {
      return;
    }
    try {
      resp.reset();
      resp.setStatus(r.status());
      r.headers().forEach(resp::setHeader);
      byte[] body = r.body();
      if (req.getMethod().equals("HEAD")) {
        resp.flushBuffer();
      } else if (body.length == 0) {
        resp.setContentLength(0);
        resp.flushBuffer();
      } else {
        resp.setContentLength(body.length);
        OutputStream out = resp.getOutputStream();
        out.write(body);
        out.flush();
      }
    } catch (IOException e) {
      log.debug("challenge page response failed: {}", e.getClass().getSimpleName());
    }
  }

  @Override
  public String getServletInfo() {
    return "SMTPCR challenge page";
  }

  @Override
  public String toString() {
    return "ChallengePageServlet[" + gate + "]";
  }
}

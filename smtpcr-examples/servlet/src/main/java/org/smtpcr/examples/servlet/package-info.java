/**
 * The challenge page as a Jakarta Servlet: {@link org.smtpcr.examples.servlet.ChallengePageServlet}
 * mounts a {@link org.smtpcr.examples.web.ChallengePage} in a Java web application (Spring Boot,
 * Jetty, Tomcat), behind the same {@link org.smtpcr.examples.web.PageGate} as the bundled server.
 *
 * @since 0.4.0
 */
package org.smtpcr.examples.servlet;

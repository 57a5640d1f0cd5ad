package org.smtpcr.examples.james;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.protocols.api.handler.ProtocolHandler;

/**
 * Loads a {@code <handlerchain>} element as James server 3.8.1 does ({@code
 * ProtocolHandlerChainImpl#init} with {@code GuiceProtocolHandlerLoader}): each {@code <handler
 * class="...">} is instantiated through its no-argument constructor and given its own element to
 * {@code init(Configuration)}. James's own handlers ({@code org.apache.james.*}, such as {@code
 * ValidRcptHandler} and {@code CoreCmdHandlerLoader}) are not on the test class path; the test
 * server puts its stand-ins for them after the configured handlers, where James puts its core
 * handlers.
 */
final class HandlerChainXml {
  private HandlerChainXml() {}

  static List<ProtocolHandler> load(String handlerchain) throws Exception {
    XMLConfiguration xml = new XMLConfiguration();
    new FileHandler(xml).load(new StringReader(handlerchain));
    List<ProtocolHandler> handlers = new ArrayList<>();
    for (HierarchicalConfiguration<ImmutableNode> element : xml.configurationsAt("handler")) {
      String className = element.getString("[@class]", null);
      if (className == null) {
        throw new IllegalArgumentException("a <handler> without class");
      }
      if (className.startsWith("org.apache.james.")) {
        continue;
      }
      ProtocolHandler handler =
          (ProtocolHandler) Class.forName(className).getDeclaredConstructor().newInstance();
      handler.init(element);
      handlers.add(handler);
    }
    return handlers;
  }
}

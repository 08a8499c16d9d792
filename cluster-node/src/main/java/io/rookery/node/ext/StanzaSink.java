package io.rookery.node.ext;

import io.rookery.protocol.xml.Element;

/** Where a service sends its stanzas: the node's router, which routes each by its own 'to'. */
@FunctionalInterface
public interface StanzaSink {
    void route(Element stanza);
}

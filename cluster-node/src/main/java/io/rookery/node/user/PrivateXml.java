package io.rookery.node.user;

import io.rookery.persistence.privatexml.PrivateXmlStored;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * XEP-0049 private XML storage (1.2, {@code jabber:iq:private}): the user stores elements under their qualified
 * name and reads them back; nobody else may do either (§2.3, forbidden). One stored element per key
 * {@code "<local name> <namespace>"}; a set replaces the element stored under the same key.
 *
 * <p>Refused with not-acceptable (§2.3): a query without a child, children in the reserved namespaces
 * {@code jabber:client}, {@code jabber:server} and {@code jabber:iq:private} (which is also what a child written
 * without its own xmlns inherits), and a set larger than {@link #MAX_BYTES}. Not supported: deleting a stored
 * element (storing an empty one is what clients do), and a bound on the number of distinct elements stored.
 */
final class PrivateXml {
    static final String NS = io.rookery.protocol.xep.privatexml.PrivateStorage.NS;

    /**
     * The largest set accepted, all its children serialized. Everything stored stays in the entity's memory and
     * journal; bookmarks and client preferences, the common uses, are a few KiB.
     */
    static final int MAX_BYTES = 64 * 1024;

    private static final Set<String> RESERVED = Set.of(Namespaces.CLIENT, "jabber:server", NS);

    private PrivateXml() {}

    /** An iq get or set whose one payload is {@code <query xmlns='jabber:iq:private'/>}. */
    static boolean isRequest(Element iq) {
        String type = iq.attr("type");
        return ("get".equals(type) || "set".equals(type)) && iq.elements().size() == 1
                && iq.elements().get(0).is("query", NS);
    }

    static String key(Element e) {
        return e.name() + " " + e.namespace();
    }

    /** A request from one of the user's own sessions. */
    static Outcome own(UserState state, OnlineResources online, String resource, Element iq) {
        Outcome out = new Outcome();
        List<Element> children = iq.elements().get(0).elements();
        StanzaErrorCondition refused = check(iq, children);
        if (refused != null) {
            Element reply = Stanzas.errorReply(iq, StanzaError.of(refused));
            return out.then(() -> online.sendTo(resource, reply));
        }
        if ("get".equals(iq.attr("type"))) {
            Element.Builder query = Element.builder("query", NS);
            for (Element asked : children) {
                String xml = state.privateXml(key(asked));
                // Nothing stored: the element as asked for, empty (§2.3 example of a get).
                query.child(xml == null ? Element.of(asked.name(), asked.namespace()) : StoredXml.parse(xml));
            }
            Element reply = Stanzas.iqResult(iq, query.build());
            return out.then(() -> online.sendTo(resource, reply));
        }
        for (Element e : children) out.persist(new PrivateXmlStored(key(e), StoredXml.write(e)));
        Element reply = Stanzas.iqResult(iq, null);
        return out.then(() -> online.sendTo(resource, reply));
    }

    /** Private data belongs to its owner alone: anyone else asking at the user's bare JID is refused. */
    static Element answerOther(Element iq) {
        return Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.FORBIDDEN));
    }

    private static StanzaErrorCondition check(Element iq, List<Element> children) {
        if (children.isEmpty()) return StanzaErrorCondition.NOT_ACCEPTABLE;
        for (Element e : children) if (RESERVED.contains(e.namespace())) return StanzaErrorCondition.NOT_ACCEPTABLE;
        if (!"set".equals(iq.attr("type"))) return null;
        int bytes = 0;
        for (Element e : children) bytes += StoredXml.write(e).getBytes(StandardCharsets.UTF_8).length;
        return bytes > MAX_BYTES ? StanzaErrorCondition.NOT_ACCEPTABLE : null;
    }
}

package io.rookery.protocol.xep.blocking;

import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.StanzaErrorType;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** XEP-0191 namespaces and its pure rules: which JIDs a blocklist matches, and the refusal of §3.3. */
public final class BlockingCommand {
    public static final String NS = "urn:xmpp:blocking";
    public static final String ERRORS = "urn:xmpp:blocking:errors";

    private BlockingCommand() {}

    /** XEP-0016 §2.1 order: the full JID, the bare JID, the domain with the resource, the domain. */
    public static boolean matches(Predicate<String> blocked, Jid jid) {
        if (blocked.test(jid.toString())) return true;
        if (jid.resource() != null && jid.local() != null && (blocked.test(jid.bare().toString())
                || blocked.test(jid.domain() + "/" + jid.resource()))) {
            return true;
        }
        return (jid.local() != null || jid.resource() != null) && blocked.test(jid.domain());
    }

    /**
     * §3.3: the error answering the user's own stanza to a blocked JID: not-acceptable with the blocking
     * condition. The caller checks the stanza is not itself an error (those are dropped without an answer).
     */
    public static Element refusal(Element stanza) {
        Element reply = Stanzas.errorReply(stanza,
                new StanzaError(StanzaErrorType.CANCEL, StanzaErrorCondition.NOT_ACCEPTABLE, null));
        List<Node> children = new ArrayList<>(reply.children());
        Element error = (Element) children.remove(children.size() - 1);
        List<Node> conditions = new ArrayList<>(error.children());
        conditions.add(Element.of("blocked", ERRORS));
        children.add(error.withChildren(conditions));
        return reply.withChildren(children);
    }
}

package io.rookery.node.ext.blocking;

import io.rookery.node.ext.AccountView;
import io.rookery.node.ext.StanzaFilter;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.blocking.BlockingCommand;
import io.rookery.protocol.xml.Element;
import java.util.LinkedHashSet;

/**
 * XEP-0191 §3.3, JIDs matched as in XEP-0016 §2.1 (§6). Stanzas from a blocked JID are not delivered: presence
 * (probes and subscriptions too) is dropped, message and iq get/set answered service-unavailable as if the user
 * were offline. The user's own stanzas to a blocked JID are refused with not-acceptable and
 * {@code <blocked xmlns='urn:xmpp:blocking:errors'/>}; the server's presence broadcasts and probes skip them.
 *
 * <p>Not supported: polite blocking's alternative (cancelling subscriptions, §4); directed presence sent before the
 * block is not followed by unavailable.
 */
final class BlocklistFilter implements StanzaFilter<LinkedHashSet<String>> {
    @Override
    public Verdict inbound(LinkedHashSet<String> blocklist, AccountView account, Element stanza, Jid from) {
        // The user's own resources are never blocked.
        if (from.bare().equals(account.jid().bare()) || !BlockingCommand.matches(blocklist::contains, from)) return null;
        String type = stanza.attr("type");
        boolean answer = switch (stanza.name()) {
            case "message" -> !"error".equals(type);
            case "iq" -> "get".equals(type) || "set".equals(type);
            default -> false; // presence, including probes and subscriptions: no answer at all
        };
        return answer ? Verdict.answer(Stanzas.errorReply(stanza, StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE)))
                : Verdict.DROP;
    }

    @Override
    public Verdict outbound(LinkedHashSet<String> blocklist, Element stanza, Jid to) {
        if (!BlockingCommand.matches(blocklist::contains, to)) return null;
        return "error".equals(stanza.attr("type")) ? Verdict.DROP : Verdict.answer(BlockingCommand.refusal(stanza));
    }
}

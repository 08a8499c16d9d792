package io.rookery.node.user;

import io.rookery.node.ext.blocking.BlockingModule;

import io.rookery.protocol.xep.blocking.BlockingCommand;
import io.rookery.persistence.blocking.JidsBlocked;
import io.rookery.persistence.blocking.JidsUnblocked;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * XEP-0191 blocking command (1.3, {@code urn:xmpp:blocking}): the blocklist get (§3.2), block (§3.3), unblock and
 * unblock-all (§3.4, §3.5), with pushes to the user's resources that have asked for the blocklist in their session
 * (tracked in memory by {@link OnlineResources}, like roster interest), and the enforcement of §3.3 in the
 * blocker's entity: stanzas from a blocked JID are not delivered (presence dropped; message and iq get/set answered
 * service-unavailable, as if the user were offline); stanzas from the user to a blocked JID are refused with
 * not-acceptable and {@code <blocked xmlns='urn:xmpp:blocking:errors'/>}; blocked contacts that may see the user's
 * presence are sent unavailable when blocked and the current presence when unblocked.
 *
 * <p>JIDs match as in XEP-0016 §2.1 (XEP-0191 §6): an item blocks that full JID, a bare JID every resource of it,
 * a domain every JID at that domain. Outbound refusal applies to what passes through the user's own entity
 * (subscription presence here; messages, iq and directed presence in the session, from the copy of the blocklist
 * the entity sends it).
 *
 * <p>Not supported: polite blocking's alternative (cancelling subscriptions, §4) is not done; directed presence
 * sent before the block is not followed by unavailable (directed presence is not tracked).
 */
public final class Blocking {
    static final String NS = BlockingCommand.NS;
    static final String ERRORS = BlockingCommand.ERRORS;

    /** A blocklist is held in memory and checked for every inbound stanza: spam lists of thousands are refused. */
    static final int MAX_ITEMS = 1000;

    private final Jid user;
    private final StanzaRouter router;
    private final OnlineResources online;
    private final Contacts contacts;

    Blocking(Jid user, StanzaRouter router, OnlineResources online, Contacts contacts) {
        this.user = user;
        this.router = router;
        this.online = online;
        this.contacts = contacts;
    }

    /** An iq get or set whose one payload is in {@code urn:xmpp:blocking}. */
    static boolean isRequest(Element iq) {
        String type = iq.attr("type");
        return ("get".equals(type) || "set".equals(type)) && iq.elements().size() == 1
                && NS.equals(iq.elements().get(0).namespace());
    }

    // ---- the commands (§3.2 - §3.5) --------------------------------------------------------------------------

    Outcome command(UserState state, String resource, Element iq) {
        Element payload = iq.elements().get(0);
        boolean get = "get".equals(iq.attr("type"));
        if (get && payload.name().equals("blocklist")) return blocklist(state, resource, iq);
        if (!get && payload.name().equals("block")) return block(state, resource, iq, payload);
        if (!get && payload.name().equals("unblock")) return unblock(state, resource, iq, payload);
        return error(resource, iq, StanzaError.of(StanzaErrorCondition.BAD_REQUEST));
    }

    private Outcome blocklist(UserState state, String resource, Element iq) {
        online.markBlocklistInterested(resource);
        Element.Builder list = Element.builder("blocklist", NS);
        for (String jid : state.blocklist()) list.child(item(jid));
        Element reply = Stanzas.iqResult(iq, list.build());
        return new Outcome().then(() -> online.sendTo(resource, reply));
    }

    private Outcome block(UserState state, String resource, Element iq, Element block) {
        List<String> items = new ArrayList<>();
        StanzaErrorCondition refused = readItems(block, items);
        // §3.3: a block needs at least one item.
        if (refused == null && items.isEmpty()) refused = StanzaErrorCondition.BAD_REQUEST;
        if (refused != null) return error(resource, iq, StanzaError.of(refused));
        Set<String> before = state.blocklist();
        Set<String> after = new LinkedHashSet<>(before);
        after.addAll(items);
        if (after.size() > MAX_ITEMS) {
            return error(resource, iq, StanzaError.of(StanzaErrorCondition.NOT_ACCEPTABLE,
                    "a blocklist may hold at most " + MAX_ITEMS + " JIDs"));
        }
        List<String> added = items.stream().filter(j -> !before.contains(j)).toList();
        Outcome out = new Outcome();
        if (!added.isEmpty()) out.persist(new JidsBlocked(added));
        out.then(() -> online.sendTo(resource, Stanzas.iqResult(iq, null)));
        out.then(() -> push(itemsElement("block", items)));
        out.then(() -> online.updateBlocklist(state.blocklist()));
        // §3.3: contacts allowed to see the user's presence now see the user go offline.
        for (Jid contact : contacts.subscribers(state)) {
            if (!BlockingCommand.matches(before::contains, contact) && BlockingCommand.matches(after::contains, contact)) {
                out.then(() -> online.sendUnavailableFromEachResource(contact));
            }
        }
        return out;
    }

    private Outcome unblock(UserState state, String resource, Element iq, Element unblock) {
        List<String> items = new ArrayList<>();
        StanzaErrorCondition refused = readItems(unblock, items);
        if (refused != null) return error(resource, iq, StanzaError.of(refused));
        Set<String> before = state.blocklist();
        Set<String> after = new LinkedHashSet<>(before);
        // §3.5: an unblock without items empties the blocklist.
        if (items.isEmpty()) after.clear();
        else items.forEach(after::remove);
        Outcome out = new Outcome();
        if (after.size() != before.size()) {
            out.persist(new JidsUnblocked(items.isEmpty() ? List.of() : items.stream().filter(before::contains).toList()));
        }
        out.then(() -> online.sendTo(resource, Stanzas.iqResult(iq, null)));
        out.then(() -> push(itemsElement("unblock", items)));
        out.then(() -> online.updateBlocklist(state.blocklist()));
        // §3.4: contacts allowed to see the user's presence get the current presence again.
        for (Jid contact : contacts.subscribers(state)) {
            if (BlockingCommand.matches(before::contains, contact) && !BlockingCommand.matches(after::contains, contact)) {
                out.then(() -> online.forEachAvailablePresence(p ->
                        router.route(p.withAttr("to", contact.toString()), contact)));
            }
        }
        return out;
    }

    /** The items' JIDs, normalised (RFC 7622), in order and without repeats; null, or the error to answer. */
    private static StanzaErrorCondition readItems(Element command, List<String> into) {
        Set<String> seen = new LinkedHashSet<>();
        for (Element item : command.elements()) {
            if (!item.is("item", NS)) return StanzaErrorCondition.BAD_REQUEST;
            String jid = item.attr("jid");
            if (jid == null) return StanzaErrorCondition.BAD_REQUEST;
            try {
                seen.add(Jid.parse(jid).toString());
            } catch (InvalidJidException e) {
                return StanzaErrorCondition.JID_MALFORMED;
            }
        }
        into.addAll(seen);
        return null;
    }

    /** §3.3, §3.4: every resource that asked for the blocklist learns of the change. */
    private void push(Element payload) {
        online.forEachBlocklistInterested((full, session) -> session.tell(new SessionProtocol.Deliver(
                Element.builder("iq", Namespaces.CLIENT).attr("type", "set").attr("to", full)
                        .attr("id", "block" + Long.toHexString(System.nanoTime())).child(payload).build())));
    }

    private static Element itemsElement(String name, List<String> jids) {
        Element.Builder b = Element.builder(name, NS);
        for (String jid : jids) b.child(item(jid));
        return b.build();
    }

    private static Element item(String jid) {
        return Element.builder("item", NS).attr("jid", jid).build();
    }

    private Outcome error(String resource, Element iq, StanzaError error) {
        Element reply = Stanzas.errorReply(iq, error);
        return new Outcome().then(() -> online.sendTo(resource, reply));
    }

    // ---- enforcement (§3.3) ----------------------------------------------------------------------------------

    /** Checked for every inbound stanza: the blocklist is looked up once, then matched in up to four forms. */
    static boolean blocks(UserState state, Jid jid) {
        Set<String> blocklist = state.part(BlockingModule.BLOCKLIST);
        return blocklist != null && BlockingCommand.matches(blocklist::contains, jid);
    }

    /**
     * A stanza addressed to the user from a JID the user blocked: true when it was taken care of here (dropped, or
     * answered as if the user were offline), false when it is to be delivered as usual.
     */
    boolean refuseInbound(UserState state, Element stanza) {
        String from = stanza.attr("from");
        if (from == null) return false;
        Jid sender;
        try {
            sender = Jid.parse(from);
        } catch (InvalidJidException e) {
            return false;
        }
        if (sender.bare().equals(user.bare()) || !blocks(state, sender)) return false;
        String type = stanza.attr("type");
        boolean answer = switch (stanza.name()) {
            case "message" -> !"error".equals(type);
            case "iq" -> "get".equals(type) || "set".equals(type);
            default -> false; // presence, including probes and subscriptions: no answer at all
        };
        if (answer) router.route(Stanzas.errorReply(stanza, StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE)));
        return true;
    }

    /** The user's own stanza to a blocked JID: answered with {@link BlockingCommand#refusal} and not sent; true when so. */
    boolean refuseOutbound(UserState state, String resource, Element stanza, Jid to) {
        if (!blocks(state, to)) return false;
        if (!"error".equals(stanza.attr("type"))) online.sendTo(resource, BlockingCommand.refusal(stanza));
        return true;
    }
}

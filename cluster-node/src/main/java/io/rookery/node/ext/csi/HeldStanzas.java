package io.rookery.node.ext.csi;

import io.rookery.node.ext.ClientStatePolicy;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * What one inactive client's session holds back. Stanzas are kept in the order they came; a coalesced one (presence,
 * a chat state) replaces the one held from the same sender and takes its own place, at the end. So what is finally
 * written is a subsequence of what an active client would have got, in the same order: no stanza is written before
 * one it came after, and of each sender's presence only the latest (an unavailable replacing a held available) is
 * left. Putting coalesced presence first instead would show, say, a contact offline before the last message it sent
 * while online.
 *
 * <p>Memory: nothing until the first stanza is held, then a map of at most {@code max-held-stanzas} entries.
 */
final class HeldStanzas implements ClientStatePolicy.Holding {
    private final CsiPolicy policy;
    /** Held stanzas in arrival order, by "p"/"c" + sender for coalesced ones, by a sequence number for the rest. */
    private LinkedHashMap<Object, Element> held;
    private long sequence;

    HeldStanzas(CsiPolicy policy) {
        this.policy = policy;
    }

    @Override
    public List<Element> offer(Element stanza) {
        Urgency.Kind kind = Urgency.of(stanza);
        if (kind == Urgency.Kind.URGENT) {
            List<Element> out = drain(1);
            out.add(stanza);
            if (out.size() > 1) policy.flushed(CsiPolicy.URGENT, out.size() - 1);
            return out;
        }
        if (held == null) held = new LinkedHashMap<>();
        Object key = kind == Urgency.Kind.COALESCED ? coalescingKey(stanza) : null;
        if (key == null) {
            key = sequence++;
        } else if (held.remove(key) != null) {
            policy.coalesced();
        }
        held.put(key, stanza);
        policy.held();
        if (held.size() >= policy.maxHeld()) {
            // Full: everything goes now, rather than dropping anything or growing without bound.
            List<Element> out = drain(0);
            policy.flushed(CsiPolicy.LIMIT, out.size());
            return out;
        }
        return null;
    }

    /** Presence and chat states each coalesce per sender's full JID; null when there is no sender to tell by. */
    private static Object coalescingKey(Element stanza) {
        String from = stanza.attr("from");
        if (from == null) return null;
        return ("presence".equals(stanza.name()) ? "p" : "c") + from;
    }

    @Override
    public List<Element> release(ClientStatePolicy.Release reason) {
        if (reason == ClientStatePolicy.Release.ENDED && held != null) {
            // Going back to the account: presence and chat states only said how things were, and are dropped (the
            // next login's probes bring presence again); what was held in order (receipts, markers) goes back.
            held.keySet().removeIf(key -> key instanceof String);
        }
        List<Element> out = drain(0);
        if (!out.isEmpty()) {
            policy.flushed(switch (reason) {
                case ACTIVE -> CsiPolicy.ACTIVE;
                case DETACHED -> CsiPolicy.DETACHED;
                case ENDED -> CsiPolicy.ENDED;
            }, out.size());
        }
        return out;
    }

    /** Everything held, in order, with room for this many more; the holding is empty afterwards. */
    private List<Element> drain(int extra) {
        if (held == null) return new ArrayList<>(extra);
        List<Element> out = new ArrayList<>(held.size() + extra);
        out.addAll(held.values());
        held = null; // an emptied map keeps its table: let it go
        return out;
    }

    /** How many stanzas are held (for tests). */
    int size() {
        return held == null ? 0 : held.size();
    }
}

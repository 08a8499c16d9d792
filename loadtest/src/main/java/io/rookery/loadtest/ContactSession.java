package io.rookery.loadtest;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.XmlWriter;
import java.util.List;

/**
 * A {@link Session} whose user has a roster of other users of the run (its {@link ContactRing} contacts), for the
 * presence-churn and roster scenarios. After bind:
 *
 * <ul>
 *   <li>in the setup round: roster get, initial presence; then, driven by its loop, a {@code subscribe} to every
 *       contact whose subscription lacks {@code to} (RFC 6121 §3.1.1), while it accepts every {@code subscribe} from
 *       a contact with {@code subscribed} (§3.1.4) and follows its roster through the result and the pushes
 *       (§2.1.6), until every item is {@code both};
 *   <li>in the measured round: roster get, timed to its result (phase ROSTER, items checked against K), then initial
 *       presence, timed until the presence of every contact that was available has arrived (phase PRESENCES);
 *       then, in presence-churn, presence changes on the loop's command, and the broadcasts of its contacts'.
 * </ul>
 *
 * <p>Per session it keeps a few fields, and bit sets of K bits only while they are needed: the roster state during
 * setup, the contacts still awaited during the presences step.
 */
final class ContactSession extends Session {
    private static final String STATUS_PREFIX = "lt1 ";
    private static final String CSI = "urn:xmpp:csi:0";
    private static final byte STEP_NONE = 0;
    private static final byte STEP_ROSTER = 1;
    private static final byte STEP_PRESENCES = 2;
    private static final byte STEP_DONE = 3;

    private final ContactRing ring;
    private final OnlineSet available;
    private final int position;
    private final boolean setup;
    /** XEP-0352: says it is inactive once its steps are done (--csi-inactive-every); woken: active again. */
    private final boolean inactive;
    private boolean woken;
    private boolean away;
    /** The server reflected our initial presence: we count as available for our contacts. */
    private boolean reflected;
    private byte step = STEP_NONE;
    private long stepNanos;
    /** Presences step: contacts available when we sent initial presence whose presence has not arrived yet. */
    private long[] awaited;
    private int awaitedCount;
    private int awaitedTotal;
    /** Setup: slots whose item has subscription to or both, and both; null until the roster result. */
    private long[] to;
    private long[] both;
    /** Setup: the next slot to consider for a subscribe. */
    private int cursor;

    ContactSession(IoLoop loop, int userIndex) {
        super(loop, userIndex);
        this.ring = loop.engine.ring;
        this.available = loop.engine.available;
        this.position = ring.position(userIndex);
        this.setup = loop.engine.round == Engine.Round.SETUP;
        int every = loop.options.csiInactiveEvery;
        this.inactive = !setup && every > 0 && position % every == 0;
    }

    @Override
    void afterBind() {
        if (setup) {
            // Interested (roster requested) and available, so that the server delivers subscription requests (§3.1.3).
            send(text().append("<iq type='get' id='setup'><query xmlns='").append(Namespaces.ROSTER)
                    .append("'/></iq>"));
            send(text().append("<presence/>"));
            available.set(position); // in setup, logged in is enough: requests wait for us at the server anyway
        } else {
            step = STEP_ROSTER;
            stepNanos = System.nanoTime();
            send(text().append("<iq type='get' id='roster'><query xmlns='").append(Namespaces.ROSTER)
                    .append("'/></iq>"));
        }
    }

    // ---- iq: roster result and pushes ----------------------------------------------------------------------

    // ---- XEP-0352: what inactive and active users receive ----------------------------------------------------

    @Override
    void received(byte[] bytes, int length) {
        if (loop.engine.csiPhase != 0 && loop.options.csiInactiveEvery > 0) {
            (!inactive ? loop.metrics.csiActiveBytes : woken ? loop.metrics.csiWakeBytes
                    : loop.metrics.csiInactiveBytes).add(length);
        }
        super.received(bytes, length);
    }

    private void countStanza() {
        if (loop.engine.csiPhase != 0 && loop.options.csiInactiveEvery > 0) {
            (!inactive ? loop.metrics.csiActiveStanzas : woken ? loop.metrics.csiWakeStanzas
                    : loop.metrics.csiInactiveStanzas).increment();
        }
    }

    /** Says it is active again, if it said it was inactive; true when it did. */
    boolean wake() {
        if (!inactive || woken || !isOnline()) return false;
        woken = true;
        send(text().append("<active xmlns='").append(CSI).append("'/>"));
        return true;
    }

    @Override
    void onMessage(Element m) {
        countStanza();
        super.onMessage(m);
    }

    @Override
    void onIq(Element iq) {
        countStanza();
        String type = iq.attr("type");
        Element query = iq.child("query", Namespaces.ROSTER);
        if ("set".equals(type) && query != null && fromOwnAccount(iq)) {
            // §2.1.6: a push; every client acknowledges it.
            if (setup) for (Element item : query.children("item", Namespaces.ROSTER)) track(item);
            StringBuilder sb = text().append("<iq type='result' id='");
            XmlWriter.escapeAttr(iq.attr("id") == null ? "" : iq.attr("id"), sb);
            send(sb.append("'/>"));
        } else if (setup && "setup".equals(iq.attr("id"))) {
            if (to == null && "result".equals(type)) {
                to = new long[(ring.size() + 63) / 64];
                both = new long[to.length];
                if (query != null) for (Element item : query.children("item", Namespaces.ROSTER)) track(item);
                loop.metrics.rostersLoaded.increment();
            } else if (!"result".equals(type)) {
                loop.metrics.stepFailed("setup-roster:" + Replies.stanzaErrorCondition(iq), Replies.errorText(iq));
            }
        } else if (step == STEP_ROSTER && "roster".equals(iq.attr("id"))) {
            rosterAnswered(iq, query);
        } else {
            answerIq(iq);
        }
    }

    /** The roster result: phase ROSTER, the item check, then initial presence. */
    private void rosterAnswered(Element iq, Element query) {
        long now = System.nanoTime();
        if (!"result".equals(iq.attr("type"))) {
            loop.metrics.stepFailed("roster:" + Replies.stanzaErrorCondition(iq), Replies.errorText(iq));
        } else {
            loop.metrics.phaseDone(Metrics.Phase.ROSTER, now - stepNanos);
            List<Element> items = query == null ? List.of() : query.children("item", Namespaces.ROSTER);
            int mutual = 0;
            for (Element item : items) {
                int q = ring.positionOf(item.attr("jid"));
                if (q >= 0 && ring.slotOf(position, q) >= 0 && "both".equals(item.attr("subscription"))) mutual++;
            }
            if (items.size() != ring.size() || mutual != ring.size()) {
                loop.metrics.stepFailed("roster:item-count-mismatch", "expected " + ring.size()
                        + " items, all contacts with subscription both; got " + items.size() + " items, " + mutual
                        + " of them contacts with both");
            }
        }
        if (!loop.options.presence) {
            endSteps();
            return;
        }
        awaitPresences();
    }

    /** Initial presence; from now on the presences of the contacts available now are awaited. */
    private void awaitPresences() {
        awaited = new long[(ring.size() + 63) / 64];
        for (int s = 0; s < ring.size(); s++) {
            if (available.contains(ring.contact(position, s))) {
                awaited[s >>> 6] |= 1L << (s & 63);
                awaitedCount++;
            }
        }
        awaitedTotal = awaitedCount;
        step = STEP_PRESENCES;
        stepNanos = System.nanoTime();
        send(text().append("<presence/>"));
    }

    /**
     * The presences step ends once every awaited contact's presence and our own reflected one have arrived: only
     * then does this user count as available for others (and a churn may start). The phase is timed to the last
     * contact; with none awaited there is nothing to time.
     */
    private void presencesProgressed() {
        if (step != STEP_PRESENCES || awaitedCount > 0) return;
        if (awaited != null && awaitedTotal > 0) {
            loop.metrics.phaseDone(Metrics.Phase.PRESENCES, System.nanoTime() - stepNanos);
            awaited = null;
        }
        if (reflected) endSteps();
    }

    private void endSteps() {
        step = STEP_DONE;
        awaited = null;
        if (inactive && isOnline()) {
            send(text().append("<inactive xmlns='").append(CSI).append("'/>"));
            loop.metrics.csiInactiveSessions.increment();
        }
        loop.metrics.stepsEnded.increment();
    }

    /** Setup: follows one roster item of a contact (result or push) and counts changes to and from 'both'. */
    private void track(Element item) {
        if (to == null) return; // a push before the result: the result will show it
        int q = ring.positionOf(item.attr("jid"));
        int slot = q < 0 ? -1 : ring.slotOf(position, q);
        if (slot < 0) return;
        String sub = item.attr("subscription");
        int w = slot >>> 6;
        long bit = 1L << (slot & 63);
        boolean nowTo = "to".equals(sub) || "both".equals(sub);
        if (nowTo && (to[w] & bit) == 0) {
            to[w] |= bit;
            if (slot < cursor) loop.subscriptionAnswered(); // ours, sent from subscribeNext
        } else if (!nowTo) {
            to[w] &= ~bit;
        }
        boolean nowBoth = "both".equals(sub);
        if (nowBoth != ((both[w] & bit) != 0)) {
            both[w] ^= bit;
            loop.metrics.itemsBoth.addAndGet(nowBoth ? 1 : -1);
        }
    }

    /**
     * Setup: sends the next subscribe this user still needs (a contact available in setup whose item lacks 'to');
     * false when there is none left or the roster has not arrived.
     */
    boolean subscribeNext() {
        if (to == null || !isOnline()) return false;
        while (cursor < ring.size()) {
            int slot = cursor++;
            int q = ring.contact(position, slot);
            if ((to[slot >>> 6] & (1L << (slot & 63))) != 0 || !available.contains(q)) continue;
            sendPresence(ring.bareJid(q), "subscribe");
            loop.metrics.subscriptionsSent.increment();
            return true;
        }
        return false;
    }

    /** Setup: roster items of contacts (available in setup) that should end up 'both'. */
    int expectedBoth() {
        return to == null ? 0 : available.contactsOnline(ring, position);
    }

    // ---- presence ----------------------------------------------------------------------------------------------

    @Override
    void onPresence(Element p) {
        countStanza();
        String type = p.attr("type");
        String from = p.attr("from");
        // A session of the setup round, closed but not yet gone at the server: not the contact we wait for.
        if (!setup && from != null && from.endsWith(loop.engine.setupJidSuffix)) return;
        int q = ring.positionOf(from);
        if (type == null) {
            if (q == position) {
                if (!reflected && !setup && jid.equalsIgnoreCase(from)) {
                    reflected = true;
                    available.set(position);
                    presencesProgressed();
                }
                return; // our own presence, reflected
            }
            int slot = q < 0 ? -1 : ring.slotOf(position, q);
            if (step == STEP_PRESENCES && slot >= 0) presenceArrived(slot);
            String status = p.childText("status", null);
            // An inactive client gets changes late and coalesced: not counted as broadcasts (nor expected).
            if (status != null && status.startsWith(STATUS_PREFIX) && !inactive) broadcastArrived(q, slot, status);
        } else if ("subscribe".equals(type) && q >= 0 && ring.slotOf(position, q) >= 0) {
            sendPresence(ring.bareJid(q), "subscribed"); // §3.1.4: the contact approves
        }
    }

    private void presenceArrived(int slot) {
        long bit = 1L << (slot & 63);
        if (awaited == null || (awaited[slot >>> 6] & bit) == 0) return;
        awaited[slot >>> 6] &= ~bit;
        awaitedCount--;
        presencesProgressed();
    }

    /** A presence change of the churn: latency from its status, deduplicated by (change, recipient). */
    private void broadcastArrived(int sender, int slotOfSender, String status) {
        long now = System.nanoTime();
        if (slotOfSender < 0) {
            loop.metrics.presenceUnexpected.increment();
            return;
        }
        int sp = status.indexOf(' ', STATUS_PREFIX.length());
        if (sp < 0) return;
        try {
            long seq = Long.parseLong(status, STATUS_PREFIX.length(), sp, 10);
            long sentNanos = Long.parseLong(status, sp + 1, status.length(), 10);
            // Our slot in the sender's contacts tells the recipients of one change apart.
            loop.metrics.messageReceived(seq * ring.size() + ring.slotOf(sender, position), sentNanos, now);
        } catch (NumberFormatException ignored) {
            // not one of ours after all
        }
    }

    /**
     * presence-churn: alternates away and available, with the change's number and send time in the status; the
     * broadcasts expected are the contacts available now.
     */
    void changePresence(long seq) {
        if (!isOnline()) return;
        int expected = activeContactsOnline();
        away = !away;
        StringBuilder sb = text().append("<presence>");
        if (away) sb.append("<show>away</show>");
        sb.append("<status>").append(STATUS_PREFIX).append(seq).append(' ').append(System.nanoTime());
        send(sb.append("</status></presence>"));
        if (isOnline()) loop.metrics.presenceChanged(expected);
    }

    /** The contacts available now that expect each change at once: all, or with CSI only the active ones. */
    private int activeContactsOnline() {
        int every = loop.options.csiInactiveEvery;
        if (every == 0) return available.contactsOnline(ring, position);
        int n = 0;
        for (int s = 0; s < ring.size(); s++) {
            int q = ring.contact(position, s);
            if (available.contains(q) && q % every != 0) n++;
        }
        return n;
    }

    private void sendPresence(String to, String type) {
        StringBuilder sb = text().append("<presence to='");
        XmlWriter.escapeAttr(to, sb);
        send(sb.append("' type='").append(type).append("'/>"));
    }

    private boolean fromOwnAccount(Element iq) {
        String from = iq.attr("from");
        return from == null || ring.positionOf(from) == position && from.indexOf('/') < 0;
    }

    // ---- time limits and the end -------------------------------------------------------------------------------

    @Override
    void sweepOnline(long now) {
        if ((step == STEP_ROSTER || step == STEP_PRESENCES) && now - stepNanos > loop.loginTimeoutNanos) {
            if (step == STEP_ROSTER) {
                loop.metrics.stepFailed("roster:timeout", "no roster result after "
                        + Options.seconds(loop.options.loginTimeout));
                if (loop.options.presence) {
                    awaitPresences();
                } else {
                    endSteps();
                }
            } else {
                loop.metrics.stepFailed("presences:timeout", awaitedCount + " of " + awaitedTotal
                        + " contacts' presence missing" + (reflected ? "" : ", and our own never came back")
                        + " after " + Options.seconds(loop.options.loginTimeout));
                endSteps();
            }
        }
    }

    @Override
    void onRelease() {
        available.clear(position);
        if (step == STEP_ROSTER || step == STEP_PRESENCES) endSteps();
        to = null;
        both = null;
    }
}

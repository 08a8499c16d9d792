package io.rookery.node.ext.csi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rookery.node.ext.ClientStatePolicy;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CSI policy as data in, data out: what an inactive client's session holds, coalesces and lets go, and when. */
class HeldStanzasTest {
    private final CsiPolicy policy = new CsiPolicy(100, new PrometheusRegistry());
    private final HeldStanzas holding = (HeldStanzas) policy.holding();

    private static Element xml(String s) {
        return StoredXml.parse(s);
    }

    private static Element presence(String from, String show) {
        return xml("<presence from='" + from + "' to='me@x/phone'>" + (show == null ? "" : "<show>" + show + "</show>")
                + "</presence>");
    }

    private static Element unavailable(String from) {
        return xml("<presence from='" + from + "' to='me@x/phone' type='unavailable'/>");
    }

    private static Element chatState(String from, String state) {
        return xml("<message from='" + from + "' to='me@x/phone' type='chat'><" + state
                + " xmlns='http://jabber.org/protocol/chatstates'/></message>");
    }

    private static Element body(String from, String text) {
        return xml("<message from='" + from + "' to='me@x/phone' type='chat'><body>" + text + "</body>"
                + "<active xmlns='http://jabber.org/protocol/chatstates'/></message>");
    }

    private List<Element> offerAll(Element... stanzas) {
        List<Element> written = new ArrayList<>();
        for (Element s : stanzas) {
            List<Element> now = holding.offer(s);
            if (now != null) written.addAll(now);
        }
        return written;
    }

    @Test
    void presenceIsHeldAndOnlyTheLatestPerSenderIsKept() {
        List<Element> written = offerAll(presence("a@x/1", "away"), presence("b@x/1", null),
                presence("a@x/1", "dnd"), presence("a@x/1", null));
        assertEquals(List.of(), written);
        assertEquals(2, holding.size());
        assertEquals(List.of(presence("b@x/1", null), presence("a@x/1", null)),
                holding.release(ClientStatePolicy.Release.ACTIVE));
        assertEquals(0, holding.size());
    }

    @Test
    void anUnavailableReplacesAHeldAvailable() {
        offerAll(presence("a@x/1", null), unavailable("a@x/1"));
        assertEquals(List.of(unavailable("a@x/1")), holding.release(ClientStatePolicy.Release.ACTIVE));
    }

    @Test
    void resourcesOfOneContactAreKeptApart() {
        offerAll(presence("a@x/1", null), presence("a@x/2", null), presence("a@x", null));
        assertEquals(3, holding.size());
    }

    @Test
    void aMessageWithABodyLetsEverythingGoInTheOrderItCameWithTheCoalescedInTheirLatestPlace() {
        Element message = body("c@x/1", "hello");
        List<Element> written = offerAll(presence("a@x/1", "away"), chatState("c@x/1", "composing"),
                presence("b@x/1", null), presence("a@x/1", null), chatState("c@x/1", "paused"), message);
        assertEquals(List.of(presence("b@x/1", null), presence("a@x/1", null), chatState("c@x/1", "paused"), message),
                written);
        assertEquals(0, holding.size());
        // Nothing held: the next urgent one goes alone.
        assertEquals(List.of(message), holding.offer(message));
    }

    @Test
    void chatStatesAreHeldLatestPerSender() {
        offerAll(chatState("c@x/1", "composing"), chatState("d@x/1", "composing"), chatState("c@x/1", "paused"));
        assertEquals(List.of(chatState("d@x/1", "composing"), chatState("c@x/1", "paused")),
                holding.release(ClientStatePolicy.Release.ACTIVE));
    }

    @Test
    void receiptsAndMarkersAreHeldInOrderNotCoalesced() {
        Element r1 = xml("<message from='c@x/1' id='r1'><received xmlns='urn:xmpp:receipts' id='m1'/></message>");
        Element r2 = xml("<message from='c@x/1' id='r2'><received xmlns='urn:xmpp:receipts' id='m2'/></message>");
        Element state = xml("<message from='c@x/1'><received xmlns='urn:xmpp:receipts' id='m3'/>"
                + "<active xmlns='http://jabber.org/protocol/chatstates'/></message>");
        assertEquals(List.of(), offerAll(r1, r2, state));
        assertEquals(List.of(r1, r2, state), holding.release(ClientStatePolicy.Release.ACTIVE));
    }

    @Test
    void urgentStanzasAreWrittenAtOnce() {
        List<String> urgent = List.of(
                "<iq from='x' to='me@x/phone' type='set' id='p'><query xmlns='jabber:iq:roster'/></iq>",
                "<iq from='x' to='me@x/phone' type='result' id='q'/>",
                "<message from='c@x/1' type='error'><error type='cancel'/></message>",
                "<message from='room@muc.x'><subject>s</subject></message>",
                "<message from='c@x/1'><propose xmlns='urn:xmpp:jingle-message:0' id='j'/></message>",
                "<message from='room@muc.x'><x xmlns='http://jabber.org/protocol/muc#user'><invite from='c@x'/></x>"
                        + "</message>",
                "<message from='c@x/1'><x xmlns='jabber:x:conference' jid='room@muc.x'/></message>",
                "<message from='c@x/1'><encrypted xmlns='eu.siacs.conversations.axolotl'/></message>",
                "<message to='me@x/phone'><result xmlns='urn:xmpp:mam:2' queryid='q' id='1'/></message>",
                "<message xmlns='jabber:server' from='c@remote/1' type='chat'><body>from afar</body></message>",
                "<message from='room@muc.x/c' type='groupchat'><body>to the room</body></message>",
                "<presence from='c@x' type='subscribe'/>",
                "<presence from='room@muc.x/me'><x xmlns='http://jabber.org/protocol/muc#user'>"
                        + "<status code='110'/></x></presence>",
                "<message from='me@x' to='me@x/phone' type='chat'><received xmlns='urn:xmpp:carbons:2'>"
                        + "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='c@x/1'"
                        + " type='chat'><body>hi</body></message></forwarded></received></message>");
        for (String s : urgent) {
            Element e = xml(s);
            assertEquals(List.of(e), holding.offer(e), s);
        }
    }

    @Test
    void aCarbonOfAChatStateWaits() {
        Element carbon = xml("<message from='me@x' to='me@x/phone' type='chat'><sent xmlns='urn:xmpp:carbons:2'>"
                + "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' to='c@x/1' type='chat'>"
                + "<composing xmlns='http://jabber.org/protocol/chatstates'/></message></forwarded></sent></message>");
        assertNull(holding.offer(carbon));
        Element headline = xml("<message from='c@x' type='headline'><event xmlns='http://jabber.org/protocol/pubsub#event'/>"
                + "</message>");
        assertNull(holding.offer(headline));
        Element subscribed = xml("<presence from='c@x' type='subscribed'/>");
        assertNull(holding.offer(subscribed));
        assertEquals(List.of(carbon, headline, subscribed), holding.release(ClientStatePolicy.Release.DETACHED));
    }

    @Test
    void aSessionThatEndsGivesBackWhatWasHeldInOrderButNotPresenceOrChatStates() {
        Element receipt = xml("<message from='c@x/1' id='r1'><received xmlns='urn:xmpp:receipts' id='m1'/></message>");
        offerAll(presence("a@x/1", null), chatState("c@x/1", "composing"), receipt);
        assertEquals(List.of(receipt), holding.release(ClientStatePolicy.Release.ENDED));
        assertEquals(0, holding.size());
    }

    @Test
    void reachingTheLimitLetsEverythingGo() {
        CsiPolicy small = new CsiPolicy(3, new PrometheusRegistry());
        ClientStatePolicy.Holding h = small.holding();
        assertNull(h.offer(presence("a@x/1", null)));
        assertNull(h.offer(presence("a@x/1", "away"))); // replaced: still one held
        assertNull(h.offer(presence("b@x/1", null)));
        List<Element> out = h.offer(presence("c@x/1", null));
        assertEquals(List.of(presence("a@x/1", "away"), presence("b@x/1", null), presence("c@x/1", null)), out);
        assertEquals(List.of(), h.release(ClientStatePolicy.Release.ACTIVE));
    }

    @Test
    void theStateElementsAreReadFromTheirNamespace() {
        assertEquals(Boolean.TRUE, policy.inactive(xml("<inactive xmlns='urn:xmpp:csi:0'/>")));
        assertEquals(Boolean.FALSE, policy.inactive(xml("<active xmlns='urn:xmpp:csi:0'/>")));
        assertNull(policy.inactive(xml("<asleep xmlns='urn:xmpp:csi:0'/>")));
    }
}

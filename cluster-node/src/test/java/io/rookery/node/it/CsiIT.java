package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.csi.ClientStateIndicationManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * XEP-0352 over real sockets, as a phone sees it: while inactive it gets none of its contacts' presence changes
 * until a message with a body arrives or it says it is active, and then only each contact's latest; chat states wait
 * too, messages with a body come at once.
 */
class CsiIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CSI = "urn:xmpp:csi:0";
    private static final String HELD = "xmpp_csi_stanzas_held_total";
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        node = ItEnvironment.startNode(Map.of("rookery.c2s.require-tls", false,
                "rookery.c2s.allow-plain-without-tls", true));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    /** Logged in, bound, roster requested and available: interested in subscription requests (RFC 6121 §3.1.3). */
    private static String login(RawClient c, String user, String resource) throws Exception {
        String features = StreamManagementIT.authenticate(c, user);
        StreamManagementIT.bind(c, resource);
        c.send("<iq type='get' id='roster'><query xmlns='jabber:iq:roster'/></iq>").await("id='roster'", WAIT);
        c.send("<presence/>").await("<presence", WAIT);
        return features;
    }

    /** RFC 6121 §3.1: both ways, each approved; waits until each sees the other available. */
    private static void befriend(RawClient a, String aUser, RawClient b, String bUser) throws Exception {
        for (int i = 0; i < 2; i++) {
            RawClient from = i == 0 ? a : b;
            RawClient to = i == 0 ? b : a;
            String fromUser = i == 0 ? aUser : bUser;
            String toUser = i == 0 ? bUser : aUser;
            from.send("<presence to='" + toUser + "@localhost' type='subscribe'/>");
            java.util.regex.Pattern request = java.util.regex.Pattern.compile("<presence (?=[^>]*type='subscribe')"
                    + "(?=[^>]*from='" + fromUser + "@localhost')");
            to.awaitUntil(t -> request.matcher(t).find(), WAIT);
            to.send("<presence to='" + fromUser + "@localhost' type='subscribed'/>");
        }
        a.awaitUntil(t -> availableFrom(t, bUser), WAIT);
        b.awaitUntil(t -> availableFrom(t, aUser), WAIT);
    }

    private static boolean availableFrom(String text, String user) {
        return java.util.regex.Pattern.compile("<presence (?![^>]*type=)(?=[^>]*from='" + user + "@localhost/)")
                .matcher(text).find();
    }

    /** The session took everything before this: its answer comes after what the session did with those. */
    private static void sync(RawClient c, String id) throws Exception {
        c.send("<iq type='get' id='" + id + "'><ping xmlns='urn:xmpp:ping'/></iq>").await("id='" + id + "'", WAIT);
    }

    private static void awaitHeld(double atLeast) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (NodeScrape.sample(node, HELD) < atLeast) {
            if (System.nanoTime() > deadline) throw new AssertionError(HELD + " below " + atLeast);
            Thread.sleep(50);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
        return n;
    }

    @Test
    void anInactiveClientGetsOnlyEachContactsLatestPresenceAndOnlyWithTheNextMessageWithABody() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        String carol = ItEnvironment.newUser(node, "carol");
        try (RawClient a = new RawClient(node.starttlsPort()); RawClient b = new RawClient(node.starttlsPort());
                RawClient c = new RawClient(node.starttlsPort())) {
            String features = login(a, alice, "phone");
            assertTrue(features.contains("<csi xmlns='" + CSI + "'/>"), "offered after authentication: " + features);
            login(b, bob, "desk");
            login(c, carol, "desk");
            befriend(a, alice, b, bob);
            befriend(a, alice, c, carol);

            a.send("<inactive xmlns='" + CSI + "'/>");
            sync(a, "inactive"); // nothing held yet: the answer comes alone
            int mark = a.text().length();
            double held = NodeScrape.sample(node, HELD);

            b.send("<presence><show>away</show><status>first</status></presence>");
            c.send("<presence><show>away</show><status>carol away</status></presence>");
            b.send("<presence><show>dnd</show><status>second</status></presence>");
            c.send("<presence type='unavailable'/>");
            b.send("<presence><status>third</status></presence>");
            b.send("<message to='" + alice + "@localhost' type='chat'><composing"
                    + " xmlns='http://jabber.org/protocol/chatstates'/></message>");
            awaitHeld(held + 6);
            Thread.sleep(300);
            String quiet = a.readAvailable().substring(mark);
            assertFalse(quiet.contains("<presence"), "no presence while inactive: " + quiet);
            assertFalse(quiet.contains("composing"), "no chat state while inactive: " + quiet);

            // A message with a body comes at once, with everything held before it.
            b.send("<message to='" + alice + "@localhost' type='chat' id='wake'><body>are you there?</body></message>");
            String got = a.await("id='wake'", WAIT).substring(mark);
            assertEquals(1, count(got, "from='" + bob + "@localhost/desk'") - 2, "one presence of bob's: " + got);
            assertEquals(1, count(got, "from='" + carol + "@localhost/desk'"), "one presence of carol's: " + got);
            assertFalse(got.contains("first") || got.contains("second") || got.contains("carol away"),
                    "only the latest presence of each: " + got);
            assertTrue(got.contains("type='unavailable'"), "carol's unavailable replaced her away: " + got);
            int third = got.indexOf("third");
            int composing = got.indexOf("composing");
            int body = got.indexOf("id='wake'");
            // Presence goes through bob's account and the chat state straight to alice's: between the two kinds
            // there is no order to keep, only that what was held comes before the message that let it go.
            assertTrue(third >= 0 && composing >= 0 && third < body && composing < body, "held first: " + got);

            // Still inactive: the next change waits again, until the client says it is active.
            mark = a.text().length();
            held = NodeScrape.sample(node, HELD);
            b.send("<presence><show>xa</show><status>fourth</status></presence>");
            awaitHeld(held + 1);
            Thread.sleep(300);
            assertFalse(a.readAvailable().substring(mark).contains("fourth"), a.text().substring(mark));
            a.send("<active xmlns='" + CSI + "'/>");
            a.await("fourth", WAIT);

            // Active: presence comes as it is sent.
            b.send("<presence><status>fifth</status></presence>");
            a.await("fifth", WAIT);
        }
    }

    @Test
    void whatWasHeldWhenTheConnectionBrokeComesWithTheResumptionAndTheResumedStreamIsActive() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        String sm = "urn:xmpp:sm:3";
        try (RawClient b = new RawClient(node.starttlsPort())) {
            login(b, bob, "desk");
            String id;
            RawClient a = new RawClient(node.starttlsPort());
            try {
                StreamManagementIT.authenticate(a, alice);
                StreamManagementIT.bind(a, "phone");
                a.send("<iq type='get' id='roster'><query xmlns='jabber:iq:roster'/></iq>").await("id='roster'", WAIT);
                a.send("<enable xmlns='" + sm + "' resume='true'/>").await("<enabled", WAIT);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("<enabled [^>]*id='([^']+)'")
                        .matcher(a.awaitUntil(t -> t.contains("<enabled ") && t.contains("id='"), WAIT));
                assertTrue(m.find(), a.text());
                id = m.group(1);
                a.send("<presence/>").await("<presence", WAIT);
                befriend(a, alice, b, bob);
                a.send("<inactive xmlns='" + CSI + "'/>");
                sync(a, "inactive");
                double held = NodeScrape.sample(node, HELD);
                b.send("<presence><show>away</show><status>held-1</status></presence>");
                b.send("<presence><show>dnd</show><status>held-2</status></presence>");
                b.send("<message to='" + alice + "@localhost' type='chat'><gone"
                        + " xmlns='http://jabber.org/protocol/chatstates'/></message>");
                awaitHeld(held + 3);
            } finally {
                a.close(); // no closing tag: the session is detached, and keeps what it held for the resumption
            }
            try (RawClient again = new RawClient(node.starttlsPort())) {
                StreamManagementIT.authenticate(again, alice);
                again.send("<resume xmlns='" + sm + "' previd='" + id + "' h='0'/>");
                String got = again.awaitUntil(t -> t.contains("<gone") && t.contains("held-2"), WAIT);
                assertTrue(got.contains("<resumed"), got);
                assertTrue(got.contains("held-2") && !got.contains("held-1"), "only the latest presence: " + got);
                // XEP-0352 §4.2: the resumed stream is active.
                b.send("<presence><status>after</status></presence>");
                again.await("after", WAIT);
            }
        }
    }

    @Test
    void aClientThatSaysItIsInactiveInlineInABind2RequestIsHeldFromItsFirstStanza() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        try (RawClient raw = RawClient.directTls(node); RawClient b = new RawClient(node.starttlsPort())) {
            login(b, bob, "desk");
            Sasl2Client c = new Sasl2Client(raw);
            String features = c.open(alice);
            String bind = Sasl2Client.between(features, "<bind xmlns='" + Sasl2Client.BIND2 + "'>", "</bind>");
            assertTrue(bind != null && bind.contains("<feature var='" + CSI + "'/>"), "offered inline: " + features);
            String outcome = c.scram(alice, ItEnvironment.PASSWORD, Sasl2Client.userAgent(
                    java.util.UUID.randomUUID().toString()) + "<bind xmlns='" + Sasl2Client.BIND2 + "'><tag>Phone</tag>"
                    + "<inactive xmlns='" + CSI + "'/></bind>");
            String full = c.authorizationIdentifier();
            assertNotNull(full, outcome);
            int mark = raw.text().length();
            double held = NodeScrape.sample(node, HELD);
            b.send("<message to='" + full + "' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/>"
                    + "</message>");
            awaitHeld(held + 1);
            Thread.sleep(300);
            assertFalse(raw.readAvailable().substring(mark).contains("composing"), raw.text().substring(mark));
            b.send("<message to='" + full + "' type='chat' id='wake'><body>up?</body></message>");
            String got = raw.await("id='wake'", WAIT).substring(mark);
            assertTrue(got.contains("composing") && got.indexOf("composing") < got.indexOf("id='wake'"), got);
        }
    }

    @Test
    void withSmackTheInactiveClientGetsMessagesAtOnceAndPresenceLater() throws Exception {
        String phone = ItEnvironment.newUser(node, "phone");
        String friend = ItEnvironment.newUser(node, "friend");
        BlockingQueue<Stanza> got = new LinkedBlockingQueue<>();
        // A synchronous listener: Smack's asynchronous ones may run out of the order the stanzas arrived in.
        XMPPTCPConnection p = ItEnvironment.connectStartTls(node, phone, ItEnvironment.PASSWORD, "phone",
                conn -> conn.addSyncStanzaListener(got::add, s -> s instanceof Presence || s instanceof Message));
        XMPPTCPConnection f = ItEnvironment.connectStartTls(node, friend, ItEnvironment.PASSWORD, "desk");
        try {
            var friendJid = JidCreate.entityBareFrom(friend + "@localhost");
            var phoneJid = JidCreate.entityBareFrom(phone + "@localhost");
            org.jivesoftware.smack.roster.Roster.getInstanceFor(f).setSubscriptionMode(
                    org.jivesoftware.smack.roster.Roster.SubscriptionMode.accept_all);
            org.jivesoftware.smack.roster.Roster.getInstanceFor(p).setSubscriptionMode(
                    org.jivesoftware.smack.roster.Roster.SubscriptionMode.accept_all);
            org.jivesoftware.smack.roster.Roster.getInstanceFor(p).createItemAndRequestSubscription(friendJid, "f",
                    null);
            org.jivesoftware.smack.roster.Roster.getInstanceFor(f).createItemAndRequestSubscription(phoneJid, "p",
                    null);
            assertNotNull(awaitFrom(got, friend, Presence.class, null), "the friend's presence while active");

            assertTrue(ClientStateIndicationManager.isSupported(p), "the stream feature is offered");
            Thread.sleep(500); // the subscription's other presences settle
            ClientStateIndicationManager.inactive(p);
            org.jivesoftware.smackx.ping.PingManager.getInstanceFor(p).pingMyServer(); // inactive taken
            got.clear();
            double held = NodeScrape.sample(node, HELD);
            f.sendStanza(f.getStanzaFactory().buildPresenceStanza().setMode(Presence.Mode.away)
                    .setStatus("away from desk").build());
            awaitHeld(held + 1);
            Thread.sleep(300);
            assertEquals(null, awaitFrom(got, friend, Presence.class, Duration.ofMillis(200)),
                    "no presence while inactive");

            f.sendStanza(f.getStanzaFactory().buildMessageStanza().to(phoneJid).ofType(Message.Type.chat)
                    .setBody("ring").build());
            // The held presence comes with the message, before it.
            Presence last = null;
            Message m = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (m == null && System.nanoTime() < deadline) {
                Stanza s = got.poll(100, TimeUnit.MILLISECONDS);
                if (s == null || s.getFrom() == null || !s.getFrom().toString().startsWith(friend + "@")) continue;
                if (s instanceof Presence pr) last = pr;
                if (s instanceof Message msg) m = msg;
            }
            assertNotNull(m, "the message with a body");
            assertEquals("ring", m.getBody());
            assertNotNull(last, "held presence written with the message");
            assertEquals("away from desk", last.getStatus());
            ClientStateIndicationManager.active(p);
        } finally {
            p.disconnect();
            f.disconnect();
        }
    }

    private static Stanza awaitFrom(BlockingQueue<Stanza> q, String user, Class<?> kind, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + (wait == null ? WAIT : wait).toNanos();
        while (System.nanoTime() < deadline) {
            Stanza s = q.poll(100, TimeUnit.MILLISECONDS);
            if (s != null && kind.isInstance(s) && s.getFrom() != null
                    && s.getFrom().toString().startsWith(user + "@localhost")) {
                return s;
            }
        }
        return null;
    }
}

package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rookery.node.RookeryNode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.PresenceTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.AbstractRosterListener;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.RosterGroup;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 6121 rosters and presence subscriptions, driven by Smack's roster manager in manual subscription mode (so every
 * answer to a subscription request is one the test sends itself).
 */
class ImRosterIT {
    private static final long WAIT_SECONDS = 20;
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        node = ItEnvironment.startNode(Map.of());
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @Test
    void rosterSetIsPushedToEveryResourceThatAskedForTheRoster() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        BareJid bobJid = bare(bob);
        try (Im one = login(alice, "one"); Im two = login(alice, "two")) {
            BlockingQueue<Jid> addedOnTwo = new LinkedBlockingQueue<>();
            two.roster.addRosterListener(new AbstractRosterListener() {
                @Override
                public void entriesAdded(Collection<Jid> addresses) {
                    addedOnTwo.addAll(addresses);
                }
            });

            one.roster.createItem(bobJid, "Bob Builder", new String[] {"Friends"});

            assertNotNull(ItEnvironment.awaitJid(addedOnTwo, bobJid, WAIT_SECONDS),
                    "the roster push for bob did not reach alice's second interested resource (RFC 6121 §2.3.2)");
            RosterEntry pushed = two.roster.getEntry(bobJid);
            assertNotNull(pushed);
            assertEquals("Bob Builder", pushed.getName());
            assertEquals(List.of("Friends"), groupNames(pushed));
            assertEquals(RosterPacket.ItemType.none, pushed.getType());
            assertFalse(pushed.isSubscriptionPending());
        }
        try (Im three = login(alice, "three")) {
            RosterEntry stored = three.roster.getEntry(bobJid);
            assertNotNull(stored, "a fresh roster get must return the item added earlier");
            assertEquals("Bob Builder", stored.getName());
            assertEquals(List.of("Friends"), groupNames(stored));
        }
    }

    @Test
    void aSubscriptionAcceptedByAnOnlineContactGivesBothSidesTheRightStates() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        BareJid aliceJid = bare(alice);
        BareJid bobJid = bare(bob);
        try (Im a = login(alice, "desk"); Im b = login(bob, "desk")) {
            a.roster.createItemAndRequestSubscription(bobJid, "Bob", null);

            Presence request = ItEnvironment.awaitPresenceFrom(b.subscribes, aliceJid, WAIT_SECONDS);
            assertNotNull(request, "bob did not receive alice's subscription request");
            // The user's server stamps the request with the user's bare JID (RFC 6121 §3.1.2).
            assertEquals(aliceJid.toString(), request.getFrom().toString());

            b.conn.sendStanza(presence(b.conn, Presence.Type.subscribed, aliceJid));

            awaitTrue("alice's item for bob must become subscription='to' without ask (RFC 6121 §3.1.6)", () -> {
                RosterEntry e = a.roster.getEntry(bobJid);
                return e != null && e.getType() == RosterPacket.ItemType.to && !e.isSubscriptionPending();
            });
            awaitTrue("bob's roster must hold alice with subscription='from' (RFC 6121 §3.1.5)", () -> {
                RosterEntry e = b.roster.getEntry(aliceJid);
                return e != null && e.getType() == RosterPacket.ItemType.from;
            });
            awaitTrue("alice must receive bob's available presence once subscribed (RFC 6121 §3.1.5)",
                    () -> a.roster.getPresence(bobJid).isAvailable());
        }
    }

    @Test
    void aSubscriptionRequestToAnOfflineUserIsDeliveredWhenTheyComeOnline() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String carol = ItEnvironment.newUser(node, "carol");
        BareJid aliceJid = bare(alice);
        BareJid carolJid = bare(carol);
        try (Im a = login(alice, "desk")) {
            a.roster.createItemAndRequestSubscription(carolJid, "Carol", null);
            awaitTrue("alice's item for carol must be pushed with ask='subscribe' (RFC 6121 §3.1.2)", () -> {
                RosterEntry e = a.roster.getEntry(carolJid);
                return e != null && e.isSubscriptionPending();
            });
            try (Im c = login(carol, "phone")) {
                Presence request = ItEnvironment.awaitPresenceFrom(c.subscribes, aliceJid, WAIT_SECONDS);
                assertNotNull(request,
                        "the stored subscription request must be delivered when carol comes online (RFC 6121 §3.1.3)");
                assertEquals(Presence.Type.subscribe, request.getType());
            }
        }
    }

    @Test
    void mutualSubscriptionSharesPresenceAndUnavailableOnLogout() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        BareJid aliceJid = bare(alice);
        BareJid bobJid = bare(bob);
        try (Im a = login(alice, "desk"); Im b = login(bob, "desk")) {
            subscribe(a, b);
            subscribe(b, a);
            awaitTrue("alice's item for bob must be subscription='both'", () -> {
                RosterEntry e = a.roster.getEntry(bobJid);
                return e != null && e.getType() == RosterPacket.ItemType.both;
            });
            awaitTrue("bob's item for alice must be subscription='both'", () -> {
                RosterEntry e = b.roster.getEntry(aliceJid);
                return e != null && e.getType() == RosterPacket.ItemType.both;
            });
            awaitTrue("alice must see bob available", () -> a.roster.getPresence(bobJid).isAvailable());
            awaitTrue("bob must see alice available", () -> b.roster.getPresence(aliceJid).isAvailable());

            b.conn.disconnect();

            awaitTrue("alice must see bob unavailable after his session ends (RFC 6121 §4.5.2)",
                    () -> !a.roster.getPresence(bobJid).isAvailable());
        }
    }

    @Test
    void removingARosterItemCancelsTheSubscription() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        BareJid aliceJid = bare(alice);
        BareJid bobJid = bare(bob);
        try (Im a = login(alice, "desk"); Im b = login(bob, "desk")) {
            subscribe(a, b);
            awaitTrue("bob's item for alice must be subscription='from'", () -> {
                RosterEntry e = b.roster.getEntry(aliceJid);
                return e != null && e.getType() == RosterPacket.ItemType.from;
            });

            a.roster.removeEntry(a.roster.getEntry(bobJid));

            awaitTrue("alice's roster must no longer hold bob", () -> a.roster.getEntry(bobJid) == null);
            awaitTrue("bob's item for alice must lose 'from' (RFC 6121 §2.5.2, §3.3.3)", () -> {
                RosterEntry e = b.roster.getEntry(aliceJid);
                return e == null || e.getType() == RosterPacket.ItemType.none;
            });
        }
        try (Im again = login(alice, "again")) {
            assertNull(again.roster.getEntry(bobJid), "the removal must be stored");
        }
    }

    @Test
    void aRosterSetWithTwoItemsIsABadRequest() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        BareJid bobJid = bare(ItEnvironment.freshUserName("bob"));
        BareJid carolJid = bare(ItEnvironment.freshUserName("carol"));
        try (Im a = login(alice, "desk")) {
            RosterPacket set = new RosterPacket();
            set.setType(IQ.Type.set);
            set.addRosterItem(new RosterPacket.Item(bobJid, "Bob"));
            set.addRosterItem(new RosterPacket.Item(carolJid, "Carol"));

            XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> a.conn.createStanzaCollectorAndSend(set).nextResultOrThrow());
            // "The <query/> element in a roster set MUST contain one and only one <item/> element" (RFC 6121 §2.3.3).
            assertEquals(StanzaError.Condition.bad_request, e.getStanzaError().getCondition());
        }
        try (Im again = login(alice, "again")) {
            assertNull(again.roster.getEntry(bobJid), "a refused roster set must change nothing");
            assertNull(again.roster.getEntry(carolJid), "a refused roster set must change nothing");
        }
    }

    /** One logged-in resource: its roster (loaded, manual subscription mode) and the subscribe requests it got. */
    @Test
    void directedPresenceReachesANonContactAndEndsWithUnavailableWhenTheSessionEnds() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String carol = ItEnvironment.newUser(node, "carol");
        BlockingQueue<Presence> seen = new LinkedBlockingQueue<>();
        XMPPTCPConnection c = ItEnvironment.connectStartTls(node, carol, ItEnvironment.PASSWORD, "desk",
                conn -> conn.addSyncStanzaListener(st -> seen.add((Presence) st), st -> st instanceof Presence));
        XMPPTCPConnection a = ItEnvironment.connectStartTls(node, alice, ItEnvironment.PASSWORD, "desk");
        try {
            String aliceFull = alice + "@localhost/desk";
            // RFC 6121 §4.6: presence sent straight to someone with no subscription.
            a.sendStanza(a.getStanzaFactory().buildPresenceStanza().to(JidCreate.from(carol + "@localhost"))
                    .build());
            assertNotNull(awaitPresence(seen, aliceFull, true), "carol must get the directed presence");
            a.disconnect();
            // §4.6.3: the end of the session is told to those who got directed presence.
            assertNotNull(awaitPresence(seen, aliceFull, false), "carol must learn alice became unavailable");
        } finally {
            a.disconnect();
            c.disconnect();
        }
    }

    @Test
    void aPreApprovedSubscriptionRequestIsAcceptedWithoutAskingTheUser() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        try (Im a = login(alice, "desk"); Im b = login(bob, "desk")) {
            assertTrue(a.roster.isSubscriptionPreApprovalSupported(), "RFC 6121 §3.4 stream feature");
            a.roster.preApprove(b.jid());
            // §3.4: the pre-approval is pushed as an item with approved='true'. Waiting for it orders the two
            // connections: without it Bob's request can reach Alice's account before her pre-approval does.
            awaitTrue("alice's roster must show the pre-approval", () -> {
                RosterEntry e = a.roster.getEntry(b.jid());
                return e != null && e.isApproved();
            });
            b.roster.createItemAndRequestSubscription(a.jid(), "Alice", null);
            // Alice's server answers for her: Bob's item becomes 'to' without Alice seeing a request.
            awaitTrue("bob's subscription to alice must be accepted by pre-approval", () -> {
                RosterEntry e = b.roster.getEntry(a.jid());
                return e != null && e.getType() == RosterPacket.ItemType.to && !e.isSubscriptionPending();
            });
            assertNull(a.subscribes.poll(1, TimeUnit.SECONDS), "a pre-approved request is not shown to the user");
        }
    }

    private static Presence awaitPresence(BlockingQueue<Presence> q, String from, boolean available)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            Presence p = q.poll(200, TimeUnit.MILLISECONDS);
            if (p != null && from.equals(String.valueOf(p.getFrom())) && p.isAvailable() == available) return p;
        }
        return null;
    }

    private static final class Im implements AutoCloseable {
        final XMPPTCPConnection conn;
        final Roster roster;
        final BlockingQueue<Presence> subscribes;

        Im(XMPPTCPConnection conn, BlockingQueue<Presence> subscribes) {
            this.conn = conn;
            this.roster = Roster.getInstanceFor(conn);
            this.subscribes = subscribes;
        }

        BareJid jid() {
            return conn.getUser().asBareJid();
        }

        @Override
        public void close() {
            conn.disconnect();
        }
    }

    /** Logs in with the listeners in place before the initial presence, and waits for the roster to be loaded. */
    private static Im login(String user, String resource) throws Exception {
        BlockingQueue<Presence> subscribes = new LinkedBlockingQueue<>();
        XMPPTCPConnection c = ItEnvironment.connectStartTls(node, user, ItEnvironment.PASSWORD, resource, conn -> {
            Roster.getInstanceFor(conn).setSubscriptionMode(Roster.SubscriptionMode.manual);
            conn.addAsyncStanzaListener(s -> subscribes.add((Presence) s), PresenceTypeFilter.SUBSCRIBE);
        });
        Im im = new Im(c, subscribes);
        try {
            awaitTrue(user + "'s roster was not loaded", im.roster::isLoaded);
        } catch (AssertionError e) {
            c.disconnect();
            throw e;
        }
        return im;
    }

    /** The user asks for the contact's presence; the contact (online) approves. */
    private static void subscribe(Im user, Im contact) throws Exception {
        user.roster.createItemAndRequestSubscription(contact.jid(), contact.jid().getLocalpartOrNull().toString(),
                null);
        Presence request = ItEnvironment.awaitPresenceFrom(contact.subscribes, user.jid(), WAIT_SECONDS);
        assertNotNull(request, contact.jid() + " did not receive the subscription request of " + user.jid());
        contact.conn.sendStanza(presence(contact.conn, Presence.Type.subscribed, user.jid()));
    }

    private static Presence presence(XMPPTCPConnection from, Presence.Type type, BareJid to) {
        return from.getStanzaFactory().buildPresenceStanza().ofType(type).to(to).build();
    }

    private static BareJid bare(String user) throws Exception {
        return JidCreate.bareFrom(user + "@localhost");
    }

    private static List<String> groupNames(RosterEntry e) {
        return e.getGroups().stream().map(RosterGroup::getName).sorted().collect(Collectors.toList());
    }

    /** Waits (with a deadline) for a state the server's pushes and presences should bring about. */
    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail(what);
            Thread.sleep(50);
        }
    }
}

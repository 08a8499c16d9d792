package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.MessageTypeFilter;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.blocking.BlockingCommandManager;
import org.jivesoftware.smackx.iqprivate.PrivateDataManager;
import org.jivesoftware.smackx.iqprivate.packet.DefaultPrivateData;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XEP-0054 vCards, XEP-0049 private storage and XEP-0191 blocking, driven by Smack's managers against a node on
 * real Cassandra.
 */
class ImExtrasIT {
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
    void aUserStoresTheirVCardReadsItBackAndAnotherUserReadsItToo() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        try (Im a = login(alice, "desk"); Im b = login(bob, "desk")) {
            VCard empty = VCardManager.getInstanceFor(a.conn).loadVCard();
            assertNull(empty.getFirstName(), "a user without a vCard gets an empty one");

            VCard mine = new VCard();
            mine.setFirstName("Alice");
            mine.setLastName("Liddell");
            mine.setNickName("ally");
            mine.setEmailHome("alice@example.org");
            VCardManager.getInstanceFor(a.conn).saveVCard(mine);

            VCard own = VCardManager.getInstanceFor(a.conn).loadVCard();
            assertEquals("Alice", own.getFirstName());
            assertEquals("Liddell", own.getLastName());
            assertEquals("ally", own.getNickName());
            assertEquals("alice@example.org", own.getEmailHome());

            VCard seenByBob = VCardManager.getInstanceFor(b.conn).loadVCard(a.jid());
            assertEquals("Alice", seenByBob.getFirstName());
            assertEquals("ally", seenByBob.getNickName());
        }
        try (Im again = login(alice, "phone")) {
            assertEquals("ally", VCardManager.getInstanceFor(again.conn).loadVCard().getNickName(),
                    "the vCard is stored with the account, not the session");
        }
    }

    @Test
    void privateDataRoundTripsAndIsReplaced() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        try (Im a = login(alice, "desk")) {
            PrivateDataManager pdm = PrivateDataManager.getInstanceFor(a.conn);
            DefaultPrivateData prefs = new DefaultPrivateData("prefs", "urn:example:rookery:prefs");
            prefs.setValue("theme", "dark");
            prefs.setValue("sound", "off");
            pdm.setPrivateData(prefs);

            DefaultPrivateData read = (DefaultPrivateData) pdm.getPrivateData("prefs", "urn:example:rookery:prefs");
            assertEquals("dark", read.getValue("theme"));
            assertEquals("off", read.getValue("sound"));

            DefaultPrivateData changed = new DefaultPrivateData("prefs", "urn:example:rookery:prefs");
            changed.setValue("theme", "light");
            pdm.setPrivateData(changed);
        }
        try (Im again = login(alice, "phone")) {
            DefaultPrivateData read = (DefaultPrivateData) PrivateDataManager.getInstanceFor(again.conn)
                    .getPrivateData("prefs", "urn:example:rookery:prefs");
            assertEquals("light", read.getValue("theme"));
            assertNull(read.getValue("sound"), "a set replaces the whole element");
        }
    }

    @Test
    void aBlockedContactsMessagesStopArrivingWhileOthersStillDoUntilUnblocked() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        String carol = ItEnvironment.newUser(node, "carol");
        try (Im a = login(alice, "desk"); Im b = login(bob, "desk"); Im c = login(carol, "desk")) {
            BlockingCommandManager blocking = BlockingCommandManager.getInstanceFor(a.conn);
            assertTrue(blocking.isSupportedByServer(), "the server advertises urn:xmpp:blocking");
            assertEquals(List.of(), blocking.getBlockList());
            send(b, a, "hello before");
            assertEquals("hello before", a.nextBody());

            blocking.blockContacts(List.of(b.jid()));
            awaitBlockList(blocking, List.of(b.jid()));

            // Bob's message is answered as if Alice were offline; once his error is back, hers would have arrived.
            Message error = sendAndAwaitError(b, a, "while blocked");
            assertEquals(StanzaError.Condition.service_unavailable, error.getError().getCondition());
            send(c, a, "carol still gets through");
            assertEquals("carol still gets through", a.nextBody(), "Bob's message must not reach Alice");

            // XEP-0191 §3.3: Alice cannot write to Bob either; her message is refused with not-acceptable.
            Message refused = sendAndAwaitError(a, b, "alice to blocked bob");
            assertEquals(StanzaError.Condition.not_acceptable, refused.getError().getCondition());
            assertNotNull(refused.getError().getExtension("blocked", "urn:xmpp:blocking:errors"),
                    "the refusal names the blocking condition");
            send(c, b, "bob hears carol first");
            assertEquals("bob hears carol first", b.nextBody(), "Alice's refused message must not reach Bob");

            blocking.unblockContacts(List.of(b.jid()));
            awaitBlockList(blocking, List.of());
            send(b, a, "hello again");
            assertEquals("hello again", a.nextBody());
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** One logged-in resource and the bodies of the chat messages it received, in order. */
    private static final class Im implements AutoCloseable {
        final XMPPTCPConnection conn;
        final BlockingQueue<String> bodies;

        Im(XMPPTCPConnection conn, BlockingQueue<String> bodies) {
            this.conn = conn;
            this.bodies = bodies;
        }

        EntityBareJid jid() {
            return conn.getUser().asEntityBareJid();
        }

        String nextBody() throws InterruptedException {
            String body = bodies.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(body, conn.getUser() + " received no message");
            return body;
        }

        @Override
        public void close() {
            conn.disconnect();
        }
    }

    private static Im login(String user, String resource) throws Exception {
        BlockingQueue<String> bodies = new LinkedBlockingQueue<>();
        XMPPTCPConnection conn = ItEnvironment.connectStartTls(node, user, ItEnvironment.PASSWORD, resource,
                c -> c.addAsyncStanzaListener(s -> bodies.add(((Message) s).getBody()), MessageTypeFilter.CHAT));
        return new Im(conn, bodies);
    }

    private static Message message(Im from, Im to, String body) {
        return from.conn.getStanzaFactory().buildMessageStanza().to((Jid) to.jid()).ofType(Message.Type.chat)
                .setBody(body).build();
    }

    private static void send(Im from, Im to, String body) throws Exception {
        from.conn.sendStanza(message(from, to, body));
    }

    private static Message sendAndAwaitError(Im from, Im to, String body) throws Exception {
        Message m = message(from, to, body);
        StanzaCollector errors = from.conn.createStanzaCollector(new StanzaIdFilter(m.getStanzaId()));
        try {
            from.conn.sendStanza(m);
            Message reply = errors.nextResult(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertNotNull(reply, "no error came back for " + body);
            assertEquals(Message.Type.error, reply.getType());
            return reply;
        } finally {
            errors.cancel();
        }
    }

    /** Smack applies blocklist pushes on its own thread: wait (with a deadline) for its cached list to follow. */
    private static void awaitBlockList(BlockingCommandManager blocking, List<? extends Jid> expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!expected.equals(blocking.getBlockList())) {
            if (System.nanoTime() > deadline) assertEquals(expected, blocking.getBlockList());
            Thread.sleep(50);
        }
    }
}

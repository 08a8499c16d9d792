package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.rookery.node.RookeryNode;
import io.rookery.persistence.mam.CassandraArchiveStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.carbons.CarbonManager;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.mam.element.MamPrefsIQ;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.jivesoftware.smackx.xdata.FormField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * XEP-0313 over real sockets with Smack's MamManager, on real Cassandra: what two users exchange is archived on both
 * sides under the id the recipient's copy carries (offline copies included), preferences are honoured, and an
 * archive of 100,000 messages answers every filter and both paging directions from one partition read each.
 */
class MamIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int BIG = 100_000;
    private static final int CONTACTS = 10;
    private static final int SALT = 7;
    private static RookeryNode node;
    private static String domain;
    /** The user with the big archive, its messages a day old, one millisecond apart. */
    private static String big;
    private static Instant base;

    @BeforeAll
    static void start() throws Exception {
        node = ItEnvironment.startNode(Map.of("rookery.c2s.require-tls", false,
                "rookery.c2s.allow-plain-without-tls", true));
        String name = ItEnvironment.newUser(node, "archive");
        big = node.accounts().jid(name).toString();
        domain = node.accounts().jid(name).domain();
        base = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        fill(big, BIG);
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    // ---- the big archive, written straight to the store ---------------------------------------------------------

    private static long id(int i) {
        long micros = base.toEpochMilli() * 1000 + i * 1000L;
        return (micros << 10) | SALT;
    }

    private static String peer(int i) {
        return "contact" + (i % CONTACTS) + "@" + domain + (i % (2 * CONTACTS) >= CONTACTS ? "/phone" : "");
    }

    private static void fill(String owner, int count) throws Exception {
        long started = System.nanoTime();
        try (CqlSession cql = TestNodes.cassandra().sessionBuilder().build()) {
            CassandraArchiveStore store = new CassandraArchiveStore(cql, node.settings().cassandra().keyspace());
            Semaphore inFlight = new Semaphore(128);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            for (int i = 0; i < count && failed.get() == null; i++) {
                inFlight.acquire();
                String xml = "<message xmlns='jabber:client' from='" + peer(i) + "' to='" + owner
                        + "' type='chat'><body>m" + i + "</body></message>";
                store.put(owner, id(i), peer(i), xml, 0).whenComplete((v, e) -> {
                    if (e != null) failed.compareAndSet(null, e);
                    inFlight.release();
                });
            }
            assertTrue(inFlight.tryAcquire(128, 120, TimeUnit.SECONDS), "archive writes did not finish");
            assertNull(failed.get(), () -> "archive write failed: " + failed.get());
        }
        System.out.printf("MamIT: %d messages archived for %s in %d ms%n", count, owner,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private static List<String> bodies(List<Message> messages) {
        List<String> out = new ArrayList<>();
        for (Message m : messages) out.add(m.getBody());
        return out;
    }

    private static List<String> range(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) out.add("m" + i);
        return out;
    }

    /** Authenticated (PLAIN, the stream restarted) and bound, on a raw stream. */
    private static void rawLogin(RawClient c, String user) throws Exception {
        c.send(RawClient.HEADER).await("</stream:features>", WAIT);
        String local = user.substring(0, user.indexOf('@'));
        c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + Base64.getEncoder()
                .encodeToString(("\0" + local + "\0" + ItEnvironment.PASSWORD).getBytes(StandardCharsets.UTF_8))
                + "</auth>").await("<success", WAIT);
        c.send(RawClient.HEADER).awaitCount("</stream:features>", 2, WAIT);
        c.send("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>")
                .await("id='bind'", WAIT);
    }

    private static XMPPTCPConnection connect(String user) throws Exception {
        return connect(user, "desk");
    }

    private static XMPPTCPConnection connect(String user, String resource) throws Exception {
        String local = user.contains("@") ? user.substring(0, user.indexOf('@')) : user;
        return ItEnvironment.connectStartTls(node, local, ItEnvironment.PASSWORD, resource);
    }

    private static FormField text(String var, String value) {
        return FormField.textSingleBuilder(var).setValue(value).build();
    }

    @Test
    void everyFilterAndBothPagingDirectionsWorkOnAHundredThousandMessages() throws Exception {
        XMPPTCPConnection c = connect(big);
        try {
            MamManager mam = MamManager.getInstanceFor(c);
            assertTrue(mam.isSupported(), "urn:xmpp:mam:2 on the account's disco#info");

            // Forward from the start, then the next page after the last id.
            MamManager.MamQuery first = mam.queryArchive(MamManager.MamQueryArgs.builder().setResultPageSize(50)
                    .build());
            assertEquals(range(0, 49), bodies(first.getMessages()));
            assertFalse(first.isComplete());
            assertEquals(Long.toString(id(0)), first.getMamResultExtensions().get(0).getId());
            assertEquals(range(50, 99), bodies(first.pageNext(50)));

            // The last page (an empty <before/>), oldest first within it, then the page before it.
            MamManager.MamQuery last = mam.queryArchive(MamManager.MamQueryArgs.builder().setResultPageSize(50)
                    .queryLastPage().build());
            assertEquals(range(BIG - 50, BIG - 1), bodies(last.getMessages()));
            assertFalse(last.isComplete());
            assertEquals(range(BIG - 100, BIG - 51), bodies(last.pagePrevious(50)));

            // with a bare JID: its messages from every resource; with a full JID: that resource only.
            List<String> contact3 = new ArrayList<>();
            for (int i = BIG - 1; contact3.size() < 20; i--) if (i % CONTACTS == 3) contact3.add(0, "m" + i);
            assertEquals(contact3, bodies(mam.queryArchive(MamManager.MamQueryArgs.builder()
                    .limitResultsToJid(JidCreate.from("contact3@" + domain)).setResultPageSize(20).queryLastPage()
                    .build()).getMessages()));
            assertEquals(List.of("m99913", "m99933", "m99953", "m99973", "m99993"), bodies(mam.queryArchive(
                    MamManager.MamQueryArgs.builder().limitResultsToJid(JidCreate.from("contact3@" + domain + "/phone"))
                            .setResultPageSize(5).queryLastPage().build()).getMessages()));

            // A time range, both ends inclusive: complete within one page.
            MamManager.MamQuery window = mam.queryArchive(MamManager.MamQueryArgs.builder()
                    .limitResultsSince(Date.from(base.plusMillis(50_000)))
                    .limitResultsBefore(Date.from(base.plusMillis(50_009))).setResultPageSize(50).build());
            assertEquals(range(50_000, 50_009), bodies(window.getMessages()));
            assertTrue(window.isComplete());

            // The extended fields: after-id, before-id (with the last page), ids.
            assertEquals(range(501, 503), bodies(mam.queryArchive(MamManager.MamQueryArgs.builder()
                    .withAdditionalFormField(text("after-id", Long.toString(id(500)))).setResultPageSize(3).build())
                    .getMessages()));
            assertEquals(range(497, 499), bodies(mam.queryArchive(MamManager.MamQueryArgs.builder()
                    .withAdditionalFormField(text("before-id", Long.toString(id(500)))).setResultPageSize(3)
                    .queryLastPage().build()).getMessages()));
            MamManager.MamQuery byIds = mam.queryArchive(MamManager.MamQueryArgs.builder()
                    .withAdditionalFormField(FormField.listMultiBuilder("ids").addValue(Long.toString(id(BIG - 1)))
                            .addValue(Long.toString(id(7))).build()).build());
            assertEquals(List.of("m7", "m" + (BIG - 1)), bodies(byIds.getMessages()));
            assertTrue(byIds.isComplete());

            // An id that is not in the archive: item-not-found (§4.1.3), an unknown field: feature-not-implemented.
            XMPPException.XMPPErrorException missing = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> mam.queryArchive(MamManager.MamQueryArgs.builder()
                            .withAdditionalFormField(text("after-id", Long.toString(id(BIG) + 1))).build()));
            assertEquals(StanzaError.Condition.item_not_found, missing.getStanzaError().getCondition());
            XMPPException.XMPPErrorException unknown = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> mam.queryArchive(MamManager.MamQueryArgs.builder()
                            .withAdditionalFormField(text("{urn:example}free-text-search", "m1")).build()));
            assertEquals(StanzaError.Condition.feature_not_implemented, unknown.getStanzaError().getCondition());

        } finally {
            c.disconnect();
        }
    }

    @Test
    void aFlippedPageComesNewestFirstAndMetadataNamesBothEnds() throws Exception {
        try (RawClient c = new RawClient(node.starttlsPort())) {
            rawLogin(c, big);
            String text = c.send("<iq type='set' id='q1'><query xmlns='urn:xmpp:mam:2' queryid='flip'>"
                    + "<set xmlns='http://jabber.org/protocol/rsm'><max>3</max><before/></set><flip-page/></query></iq>")
                    .await("id='q1'", WAIT);
            int a = text.indexOf("<body>m" + (BIG - 1) + "</body>");
            int b = text.indexOf("<body>m" + (BIG - 2) + "</body>");
            int d = text.indexOf("<body>m" + (BIG - 3) + "</body>");
            assertTrue(a > 0 && a < b && b < d && d < text.indexOf("id='q1'"), "newest first, before the fin: " + text);
            assertFalse(text.contains("<body>m" + (BIG - 4) + "</body>"), text);
            assertTrue(text.contains("queryid='flip'"), text);

            // More ids than a page holds (rookery.modules.mam.max-page-size, 250): not-acceptable. (Raw: Smack 4.4
            // cannot read the error, which carries its query back, because it does not know the ids field.)
            StringBuilder many = new StringBuilder("<iq type='set' id='many'><query xmlns='urn:xmpp:mam:2'>"
                    + "<x xmlns='jabber:x:data' type='submit'><field var='ids'>");
            for (int i = 0; i < 251; i++) many.append("<value>").append(id(i)).append("</value>");
            String refused = c.send(many + "</field></x></query></iq>").await("<not-acceptable", WAIT);
            assertTrue(java.util.regex.Pattern.compile("<iq (?=[^>]*id='many')(?=[^>]*type='error')").matcher(refused)
                    .find(), refused);

            String meta = c.send("<iq type='get' id='meta'><metadata xmlns='urn:xmpp:mam:2'/></iq>")
                    .await("</metadata>", WAIT);
            assertTrue(meta.contains("<start id='" + id(0) + "' timestamp='" + base + "'/>"), meta);
            assertTrue(meta.contains("<end id='" + id(BIG - 1) + "' timestamp='" + base.plusMillis(BIG - 1) + "'/>"),
                    meta);
        }
    }

    @Test
    void bothSidesArchiveAChatUnderTheIdTheRecipientsCopyCarries() throws Exception {
        String alice = node.accounts().jid(ItEnvironment.newUser(node, "alice")).toString();
        String bob = node.accounts().jid(ItEnvironment.newUser(node, "bob")).toString();
        XMPPTCPConnection a = connect(alice);
        XMPPTCPConnection b = connect(bob);
        XMPPTCPConnection tablet = connect(bob, "tablet");
        try {
            BlockingQueue<Message> got = new LinkedBlockingQueue<>();
            a.addAsyncStanzaListener(s -> got.add((Message) s), s -> s instanceof Message m && m.getBody() != null);
            BlockingQueue<Message> carbons = new LinkedBlockingQueue<>();
            CarbonManager tablets = CarbonManager.getInstanceFor(tablet);
            tablets.addCarbonCopyReceivedListener((direction, copy, wrapping) -> {
                if (direction == CarbonExtension.Direction.sent) carbons.add(copy);
            });
            tablets.setCarbonsEnabled(true);
            b.sendStanza(MessageBuilder.buildMessage("hello-1").to(JidCreate.entityBareFrom(alice))
                    .ofType(Message.Type.chat).setBody("hello").build());
            Message received = got.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(received, "alice got the message");
            StanzaIdElement sid = StanzaIdElement.getStanzaId(received);
            assertNotNull(sid, "XEP-0359 stanza-id on the delivered copy");
            assertEquals(alice, sid.getBy());

            MamManager.MamQuery inAlices = MamManager.getInstanceFor(a)
                    .queryMostRecentPage(JidCreate.from(bob), 10);
            assertEquals(List.of("hello"), bodies(inAlices.getMessages()));
            assertEquals(sid.getId(), inAlices.getMamResultExtensions().get(0).getId());

            // The sender's copy is written by the sender's entity, after the message left: poll for it.
            MamManager bobs = MamManager.getInstanceFor(b);
            List<String> inBobs = List.of();
            for (long deadline = System.nanoTime() + WAIT.toNanos(); inBobs.isEmpty() && System.nanoTime() < deadline;) {
                inBobs = bodies(bobs.queryMostRecentPage(JidCreate.from(alice), 10).getMessages());
                if (inBobs.isEmpty()) Thread.sleep(100);
            }
            assertEquals(List.of("hello"), inBobs);

            // XEP-0313 §3: the sent carbon carries the sender's archive id, the one bob's archive gives it.
            Message carbon = carbons.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(carbon, "bob's tablet got the sent carbon");
            StanzaIdElement own = StanzaIdElement.getStanzaId(carbon);
            assertNotNull(own, "the sent carbon carries bob's archive id");
            assertEquals(bob, own.getBy());
            assertEquals(own.getId(), bobs.queryMostRecentPage(JidCreate.from(alice), 10).getMamResultExtensions()
                    .get(0).getId());
            assertFalse(sid.getId().equals(own.getId()) && sid.getBy().equals(own.getBy()));
        } finally {
            a.disconnect();
            b.disconnect();
            tablet.disconnect();
        }
    }

    @Test
    void anOfflineMessageAndItsArchivedCopyCarryTheSameId() throws Exception {
        String alice = node.accounts().jid(ItEnvironment.newUser(node, "alice")).toString();
        String bob = node.accounts().jid(ItEnvironment.newUser(node, "bob")).toString();
        XMPPTCPConnection b = connect(bob);
        try {
            b.sendStanza(MessageBuilder.buildMessage("later-1").to(JidCreate.entityBareFrom(alice))
                    .ofType(Message.Type.chat).setBody("later").build());
            // Once the sender's own archive has it, the recipient's entity has taken it too.
            MamManager bobs = MamManager.getInstanceFor(b);
            for (long deadline = System.nanoTime() + WAIT.toNanos();
                    bobs.queryMostRecentPage(JidCreate.from(alice), 1).getMessages().isEmpty()
                    && System.nanoTime() < deadline;) {
                Thread.sleep(100);
            }
        } finally {
            b.disconnect();
        }
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        String local = alice.substring(0, alice.indexOf('@'));
        XMPPTCPConnection a = ItEnvironment.connectStartTls(node, local, ItEnvironment.PASSWORD, "desk",
                c -> c.addAsyncStanzaListener(s -> got.add((Message) s),
                        s -> s instanceof Message m && m.getBody() != null));
        try {
            Message offline = got.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(offline, "the offline message arrived");
            assertEquals("later", offline.getBody());
            StanzaIdElement sid = StanzaIdElement.getStanzaId(offline);
            assertNotNull(sid, "the offline copy carries the archive's id");
            MamManager.MamQuery archived = MamManager.getInstanceFor(a).queryMostRecentPage(JidCreate.from(bob), 10);
            assertEquals(List.of("later"), bodies(archived.getMessages()));
            assertEquals(sid.getId(), archived.getMamResultExtensions().get(0).getId());
        } finally {
            a.disconnect();
        }
    }

    @Test
    void aMessageHandedBackUnacknowledgedIsStoredOfflineUnderItsArchiveIdAndArchivedOnce() throws Exception {
        String alice = node.accounts().jid(ItEnvironment.newUser(node, "alice")).toString();
        String bob = node.accounts().jid(ItEnvironment.newUser(node, "bob")).toString();
        String firstId;
        // Bob's stream counts acknowledgements and never acknowledges: when it ends, what it was sent goes back to
        // his account (XEP-0198 §4), which stores it offline.
        try (RawClient c = new RawClient(node.starttlsPort())) {
            rawLogin(c, bob);
            c.send("<enable xmlns='urn:xmpp:sm:3'/>").await("<enabled", WAIT);
            c.send("<presence/>");
            XMPPTCPConnection a = connect(alice);
            try {
                a.sendStanza(MessageBuilder.buildMessage("unacked-1").to(JidCreate.entityBareFrom(bob))
                        .ofType(Message.Type.chat).setBody("never acknowledged").build());
                String got = c.await("never acknowledged", WAIT);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "<stanza-id xmlns='urn:xmpp:sid:0' by='" + bob + "' id='([^']+)'").matcher(got);
                assertTrue(m.find(), got);
                firstId = m.group(1);
            } finally {
                a.disconnect();
            }
            c.send("</stream:stream>").awaitClose(WAIT);
        }
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        XMPPTCPConnection b = ItEnvironment.connectStartTls(node, bob.substring(0, bob.indexOf('@')),
                ItEnvironment.PASSWORD, "again", c -> c.addAsyncStanzaListener(s -> got.add((Message) s),
                        s -> s instanceof Message m && m.getBody() != null));
        try {
            Message offline = got.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(offline, "the message the stream never acknowledged was stored offline");
            assertEquals("never acknowledged", offline.getBody());
            assertEquals(firstId, StanzaIdElement.getStanzaId(offline).getId(),
                    "stored under the id it was archived and first delivered with");
            MamManager.MamQuery archived = MamManager.getInstanceFor(b).queryMostRecentPage(JidCreate.from(alice), 10);
            assertEquals(List.of("never acknowledged"), bodies(archived.getMessages()), "archived once");
            assertEquals(firstId, archived.getMamResultExtensions().get(0).getId());
        } finally {
            b.disconnect();
        }
    }

    @Test
    void aPageOfLargeMessagesEndsAtItsByteBudgetAndSaysItIsNotComplete() throws Exception {
        String name = ItEnvironment.newUser(node, "large");
        String owner = node.accounts().jid(name).toString();
        String filler = "x".repeat(100_000);
        try (CqlSession cql = TestNodes.cassandra().sessionBuilder().build()) {
            CassandraArchiveStore store = new CassandraArchiveStore(cql, node.settings().cassandra().keyspace());
            for (int i = 0; i < 5; i++) {
                store.put(owner, id(i), peer(i), "<message xmlns='jabber:client'><body>m" + i + filler + "</body>"
                        + "</message>", 0).toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
        XMPPTCPConnection c = connect(owner);
        try {
            // 256 KiB per page (rookery.modules.mam.max-page-bytes): two of these, whatever max says.
            MamManager.MamQuery q = MamManager.getInstanceFor(c).queryArchive(MamManager.MamQueryArgs.builder()
                    .setResultPageSize(10).build());
            assertEquals(List.of("m0", "m1"), prefixes(q.getMessages()));
            assertFalse(q.isComplete(), "cut short, so not complete");
            assertEquals(List.of("m2", "m3"), prefixes(q.pageNext(10)));
            assertEquals(List.of("m4"), prefixes(q.pageNext(10)));
            assertTrue(q.isComplete());
            // Backward: the newest two first.
            assertEquals(List.of("m3", "m4"), prefixes(MamManager.getInstanceFor(c).queryArchive(
                    MamManager.MamQueryArgs.builder().setResultPageSize(10).queryLastPage().build()).getMessages()));
        } finally {
            c.disconnect();
        }
    }

    private static List<String> prefixes(List<Message> messages) {
        List<String> out = new ArrayList<>();
        for (Message m : messages) out.add(m.getBody().substring(0, 2));
        return out;
    }

    @Test
    void deletingAnAccountRemovesItsWholeArchive() throws Exception {
        String name = ItEnvironment.newUser(node, "leaving");
        String leaving = node.accounts().jid(name).toString();
        try (CqlSession cql = TestNodes.cassandra().sessionBuilder().build()) {
            CassandraArchiveStore store = new CassandraArchiveStore(cql, node.settings().cassandra().keyspace());
            for (int i = 0; i < 30; i++) {
                store.put(leaving, id(i), peer(i), "<message xmlns='jabber:client'><body>m" + i + "</body></message>", 0)
                        .toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            assertEquals(30, store.range(leaving, "", 0, Long.MAX_VALUE, false, 100).toCompletableFuture().join().size());
            assertEquals(io.rookery.node.user.UserEntity.AccountStatus.DELETED, node.accounts()
                    .delete(node.accounts().jid(name)).toCompletableFuture().get(30, TimeUnit.SECONDS));
            // The entity removes the archive once the deletion is stored: every view, the contacts' ones too.
            List<String> views = new ArrayList<>(List.of(""));
            for (int c = 0; c < CONTACTS; c++) {
                views.add("contact" + c + "@" + domain);
                views.add("contact" + c + "@" + domain + "/phone");
            }
            for (long deadline = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < deadline; Thread.sleep(100)) {
                if (store.range(leaving, "", 0, Long.MAX_VALUE, false, 1).toCompletableFuture().join().isEmpty()) break;
            }
            // Read raw: a contact's view holds ids only, which the store's own reads would hide once the messages go.
            String count = "SELECT count(*) FROM " + node.settings().cassandra().keyspace()
                    + ".mam_messages WHERE owner = ? AND with_jid = ?";
            for (String view : views) {
                assertEquals(0, cql.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(count,
                        leaving, view)).one().getLong(0), view);
            }
            assertTrue(cql.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(count, big,
                    "contact3@" + domain)).one().getLong(0) > 0, "another user's archive is untouched");
        }
    }

    @Test
    void aUserWhoArchivesNothingGetsNoStanzaIdAndAnEmptyArchive() throws Exception {
        String carol = node.accounts().jid(ItEnvironment.newUser(node, "carol")).toString();
        String bob = node.accounts().jid(ItEnvironment.newUser(node, "bob")).toString();
        XMPPTCPConnection c = connect(carol);
        XMPPTCPConnection b = connect(bob);
        try {
            MamManager carols = MamManager.getInstanceFor(c);
            assertEquals(MamPrefsIQ.DefaultBehavior.never,
                    carols.setDefaultBehavior(MamPrefsIQ.DefaultBehavior.never).asMamPrefs().getDefaultBehavior());
            assertEquals(MamPrefsIQ.DefaultBehavior.never,
                    carols.retrieveArchivingPreferences().asMamPrefs().getDefaultBehavior());
            BlockingQueue<Message> got = new LinkedBlockingQueue<>();
            c.addAsyncStanzaListener(s -> got.add((Message) s), s -> s instanceof Message m && m.getBody() != null);
            b.sendStanza(MessageBuilder.buildMessage("private-1").to(JidCreate.entityBareFrom(carol))
                    .ofType(Message.Type.chat).setBody("not kept").build());
            Message received = got.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(received);
            assertFalse(StanzaIdElement.hasStanzaId(received), "not archived, so no archive id");
            assertTrue(carols.queryMostRecentPage(JidCreate.from(bob), 10).getMessages().isEmpty());
        } finally {
            c.disconnect();
            b.disconnect();
        }
    }
}

package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.caps.packet.CapsExtension;
import org.jivesoftware.smackx.geoloc.GeoLocationManager;
import org.jivesoftware.smackx.geoloc.packet.GeoLocation;
import org.jivesoftware.smackx.mood.Mood;
import org.jivesoftware.smackx.mood.MoodManager;
import org.jivesoftware.smackx.mood.element.MoodElement;
import org.jivesoftware.smackx.pep.PepEventListener;
import org.jivesoftware.smackx.pep.PepManager;
import org.jivesoftware.smackx.pubsub.Item;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.SimplePayload;
import org.jivesoftware.smackx.usertune.UserTuneManager;
import org.jivesoftware.smackx.usertune.element.UserTuneElement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;

/**
 * XEP-0163 personal eventing driven by Smack's own managers (PEP, PubSub, geolocation, mood, user tune) against a
 * node on real Cassandra: notifications reach exactly the resources whose capabilities ask for them, also after a
 * client changes its filter; the last item arrives with presence; contacts read what the access model lets them.
 */
class PepIT {
    private static final long WAIT_SECONDS = 20;
    private static final String NOTES = "urn:example:rookery:notes";
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
    void smacksGeolocationMoodAndTuneReachTheContactResourceThatAskedAndNoOtherResource() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        String carol = ItEnvironment.newUser(node, "carol");
        BlockingQueue<String> bobDesk = new LinkedBlockingQueue<>();
        try (Client a = login(alice, "desk", c -> { });
                Client b = login(bob, "desk", c -> listenToAll(c, bobDesk));
                Client phone = login(bob, "phone", c -> { });
                Client c = login(carol, "desk", x -> { })) {
            befriend(a, b);
            befriend(a, c);
            GeoLocation here = GeoLocation.builder().setLocality("Elsinore").build();
            GeoLocationManager.getInstanceFor(a.conn).publishGeoLocation(here);
            MoodManager.getInstanceFor(a.conn).setMood(Mood.happy);
            UserTuneElement tune = UserTuneElement.getBuilder().setTitle("Yesterday").setArtist("The Beatles")
                    .build();
            UserTuneManager.getInstanceFor(a.conn).publishUserTune(tune);

            // Each arrives, as a notification or (if the server learned Bob's capabilities later) as the last item.
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) got.add(next(bobDesk, "Bob's desk"));
            got.sort(null);
            assertEquals(List.of("geoloc " + a.bare() + " Elsinore", "mood " + a.bare() + " happy",
                    "tune " + a.bare() + " Yesterday"), got);

            // A chat message sent after the publishes were answered: whatever they notified arrived before it.
            a.chat(c, "after the publishes");
            a.chat(phone, "after the publishes");
            c.awaitChat("after the publishes");
            phone.awaitChat("after the publishes");
            assertEquals(List.of(), c.events(), "Carol's client asked for no notifications");
            assertEquals(List.of(), phone.events(), "Bob's phone asked for no notifications");
        }
    }

    @Test
    void aClientThatDropsItsInterestGetsNoMoreNotificationsOfThatNodeButStillOfOthers() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        AtomicReference<PepEventListener<MoodElement>> moodListener = new AtomicReference<>();
        try (Client a = login(alice, "desk", c -> { });
                Client b = login(bob, "desk", c -> moodListener.set(listenToAll(c, got)))) {
            befriend(a, b);
            MoodManager.getInstanceFor(a.conn).setMood(Mood.sad);
            assertEquals("mood " + a.bare() + " sad", next(got, "Bob"));

            String before = b.sentVer.get();
            MoodManager.getInstanceFor(b.conn).removeMoodListener(moodListener.get());
            String after = b.awaitSentVerOtherThan(before);
            // Alice's account has Bob's new presence once her client has it.
            a.awaitSeen(b.conn.getUser(), after);

            MoodManager.getInstanceFor(a.conn).setMood(Mood.happy);
            GeoLocationManager.getInstanceFor(a.conn).publishGeoLocation(
                    GeoLocation.builder().setLocality("Verona").build());
            assertEquals("geoloc " + a.bare() + " Verona", next(got, "Bob"),
                    "the mood notification must not come: Bob's client no longer asks for it");
            assertNull(got.poll(500, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void theLastItemArrivesWhenAContactComesOnlineAndWhenAResourceAnnouncesInterest() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        try (Client a = login(alice, "desk", c -> { }); Client b = login(bob, "desk", c -> { })) {
            befriend(a, b);
            MoodManager.getInstanceFor(a.conn).setMood(Mood.curious);
        }
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        try (Client a = login(alice, "desk", c -> { }); Client b = login(bob, "laptop", c -> listenToAll(c, got))) {
            assertEquals("mood " + a.bare() + " curious", next(got, "Bob, coming online"));
        }
        // The user's own new resource that asks for the node gets it too.
        BlockingQueue<String> own = new LinkedBlockingQueue<>();
        try (Client a = login(alice, "tablet", c -> listenToAll(c, own))) {
            assertEquals("mood " + a.bare() + " curious", next(own, "Alice's tablet"));
        }
    }

    @Test
    void itemsAreRetrievedAllByIdAndNewestFirstThroughSmacksPubSubManager() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        String dave = ItEnvironment.newUser(node, "dave");
        try (Client a = login(alice, "desk", c -> { }); Client b = login(bob, "desk", c -> { });
                Client d = login(dave, "desk", c -> { })) {
            befriend(a, b);
            PubSubManager mine = PepManager.getInstanceFor(a.conn).getPepPubSubManager();
            org.jivesoftware.smackx.pubsub.form.FillableConfigureForm form =
                    mine.getDefaultConfiguration().getFillableForm();
            form.setMaxItems(10);
            LeafNode notes = (LeafNode) mine.createNode(NOTES, form);
            for (int i = 1; i <= 4; i++) notes.publish(note("n" + i, "note " + i));
            // Publishing an id again replaces that item (and makes it the newest).
            notes.publish(note("n2", "note 2, edited"));

            LeafNode seen = PubSubManager.getInstanceFor(b.conn, a.bare()).getLeafNode(NOTES);
            List<PayloadItem<SimplePayload>> all = seen.getItems();
            assertEquals(List.of("n1", "n3", "n4", "n2"), ids(all), "oldest first, the replaced one newest");
            assertTrue(all.get(3).getPayload().toXML().toString().contains("note 2, edited"));
            assertEquals(List.of("n4", "n2"), ids(seen.getItems(2)), "max_items: the newest two");
            assertEquals(List.of("n3"), ids(seen.getItems(List.of("n3", "absent"))));

            // Dave is not a contact: the presence access model keeps him out.
            XMPPException.XMPPErrorException refused = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> PubSubManager.getInstanceFor(d.conn, a.bare()).getLeafNode(NOTES));
            assertEquals(StanzaError.Condition.item_not_found, refused.getStanzaError().getCondition());
            XMPPException.XMPPErrorException direct = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> d.rawIq(a.bare(), "<items node='" + NOTES + "'/>", IQ.Type.get));
            assertEquals(StanzaError.Condition.not_authorized, direct.getStanzaError().getCondition());
            assertNotNull(direct.getStanzaError().getExtension("presence-subscription-required",
                    "http://jabber.org/protocol/pubsub#errors"));

            notes.deleteItem("n3");
            assertEquals(List.of("n1", "n4", "n2"), ids(seen.getItems()));
            notes.deleteAllItems();
            assertEquals(List.of(), ids(seen.getItems()));
            mine.deleteNode(NOTES);
            // (Smack's manager caches the node it found, so Bob asks directly.)
            XMPPException.XMPPErrorException gone = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> b.rawIq(a.bare(), "<items node='" + NOTES + "'/>", IQ.Type.get));
            assertEquals(StanzaError.Condition.item_not_found, gone.getStanzaError().getCondition());
        }
    }

    @Test
    void publishOptionsTheNodeDoesNotMeetAreRefusedWithPreconditionNotMet() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        try (Client a = login(alice, "desk", c -> { })) {
            String options = "<publish-options><x xmlns='jabber:x:data' type='submit'>"
                    + "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
                    + "<field var='pubsub#access_model'><value>open</value></field></x></publish-options>";
            String publish = "<publish node='" + NOTES + "'><item id='current'><note xmlns='" + NOTES
                    + "'>hi</note></item></publish>";
            // The node does not exist: it is created with the options as its configuration.
            a.rawIq(a.bare(), publish + options, IQ.Type.set);
            LeafNode created = PepManager.getInstanceFor(a.conn).getPepPubSubManager().getLeafNode(NOTES);
            assertEquals(org.jivesoftware.smackx.pubsub.AccessModel.open,
                    created.getNodeConfiguration().getAccessModel());
            // Open: a stranger reads it.
            String stranger = ItEnvironment.newUser(node, "stranger");
            try (Client s = login(stranger, "desk", c -> { })) {
                assertEquals(List.of("current"),
                        ids(PubSubManager.getInstanceFor(s.conn, a.bare()).getLeafNode(NOTES).getItems()));
            }
            // Options it does not meet are refused, and nothing is published.
            XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> a.rawIq(a.bare(), publish.replace("current", "other") + options.replace(">open<",
                            ">presence<"), IQ.Type.set));
            assertEquals(StanzaError.Condition.conflict, e.getStanzaError().getCondition());
            assertNotNull(e.getStanzaError().getExtension("precondition-not-met",
                    "http://jabber.org/protocol/pubsub#errors"));
            assertEquals(List.of("current"), ids(created.getItems()));
        }
    }

    @Test
    void bookmarksStoredTheOldWayAndTheNewWayAreTheSameList() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        EntityBareJid orchard = org.jxmpp.jid.impl.JidCreate.entityBareFrom("orchard@conference.localhost");
        EntityBareJid balcony = org.jxmpp.jid.impl.JidCreate.entityBareFrom("balcony@conference.localhost");
        String bookmarks = "urn:xmpp:bookmarks:1";
        try (Client legacy = login(alice, "legacy", c -> { }); Client modern = login(alice, "modern", c -> { })) {
            assertTrue(org.jivesoftware.smackx.disco.ServiceDiscoveryManager.getInstanceFor(modern.conn)
                    .supportsFeature(modern.bare(), bookmarks + "#compat"));
            // XEP-0048 in private storage, as an older client keeps bookmarks.
            org.jivesoftware.smackx.bookmarks.BookmarkManager.getBookmarkManager(legacy.conn)
                    .addBookmarkedConference("The Orchard", orchard, true,
                            org.jxmpp.jid.parts.Resourcepart.from("Romeo"), null);
            LeafNode pep = PepManager.getInstanceFor(modern.conn).getPepPubSubManager().getLeafNode(bookmarks);
            List<Item> items = pep.getItems();
            assertEquals(List.of(orchard.toString()), ids(items));
            String xml = items.get(0).toXML().toString();
            assertTrue(xml.contains("The Orchard") && xml.matches("(?s).*<nick[^>]*>Romeo</nick>.*"), xml);

            // XEP-0402, as a newer client keeps them: the old list follows.
            pep.publish(new PayloadItem<>(balcony.toString(), new SimplePayload("<conference xmlns='"
                    + bookmarks + "' name='The Balcony' autojoin='false'><nick>Juliet</nick></conference>")));
            try (Client another = login(alice, "legacy2", c -> { })) {
                List<org.jivesoftware.smackx.bookmarks.BookmarkedConference> list =
                        org.jivesoftware.smackx.bookmarks.BookmarkManager.getBookmarkManager(another.conn)
                                .getBookmarkedConferences();
                assertEquals(List.of(orchard, balcony), list.stream().map(b -> (Jid) b.getJid()).toList());
                assertEquals("Juliet", list.get(1).getNickname().toString());
                assertEquals("The Balcony", list.get(1).getName());
            }
            pep.deleteItem(orchard.toString());
            try (Client another = login(alice, "legacy3", c -> { })) {
                assertEquals(List.of(balcony), org.jivesoftware.smackx.bookmarks.BookmarkManager
                        .getBookmarkManager(another.conn).getBookmarkedConferences().stream()
                        .map(b -> (Jid) b.getJid()).toList());
            }

            // XEP-0411: the XEP-0048 list as the one item of the storage:bookmarks node, both ways.
            assertTrue(org.jivesoftware.smackx.disco.ServiceDiscoveryManager.getInstanceFor(modern.conn)
                    .supportsFeature(modern.bare(), "urn:xmpp:bookmarks-conversion:0"));
            LeafNode legacyPep = PepManager.getInstanceFor(modern.conn).getPepPubSubManager()
                    .getLeafNode("storage:bookmarks");
            List<Item> current = legacyPep.getItems();
            assertEquals(List.of("current"), ids(current));
            assertTrue(current.get(0).toXML().toString().contains(balcony.toString()), current.get(0).toXML()
                    .toString());
            EntityBareJid garden = org.jxmpp.jid.impl.JidCreate.entityBareFrom("garden@conference.localhost");
            legacyPep.publish(new PayloadItem<>("current", new SimplePayload("<storage xmlns='storage:bookmarks'>"
                    + "<conference jid='" + garden + "' name='The Garden' autojoin='true'><nick>Nurse</nick>"
                    + "</conference></storage>")));
            assertEquals(List.of(garden.toString()), ids(pep.getItems()), "the XEP-0402 node follows");
            try (Client another = login(alice, "legacy4", c -> { })) {
                assertEquals(List.of(garden), org.jivesoftware.smackx.bookmarks.BookmarkManager
                        .getBookmarkManager(another.conn).getBookmarkedConferences().stream()
                        .map(b -> (Jid) b.getJid()).toList(), "and so does private storage");
            }
        }
    }

    @Test
    void anAvatarIsTheSameThroughPepAndVCardAndItsHashRidesOnEveryAvailablePresence() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        BlockingQueue<String> photos = new LinkedBlockingQueue<>();
        try (Client a = login(alice, "desk", c -> { }); Client b = login(bob, "desk", c -> c.addAsyncStanzaListener(
                p -> {
                    String xml = p.toXML().toString();
                    if (p.getFrom() != null && p.getFrom().toString().startsWith(alice + "@")
                            && xml.contains("vcard-temp:x:update")) {
                        photos.add(xml.replaceAll("(?s).*<photo>([^<]*)</photo>.*", "$1"));
                    }
                }, StanzaTypeFilter.PRESENCE))) {
            befriend(a, b);
            assertTrue(org.jivesoftware.smackx.disco.ServiceDiscoveryManager.getInstanceFor(a.conn)
                    .supportsFeature(a.bare(), "urn:xmpp:pep-vcard-conversion:0"));

            // XEP-0084 publish (data, then metadata): the vCard's photo follows, for anyone reading it (§3.1).
            byte[] png = "\u0089PNG avatar through PEP".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            String id = sha1(png);
            PepManager pep = PepManager.getInstanceFor(a.conn);
            pep.publish("urn:xmpp:avatar:data", new PayloadItem<>(id, new SimplePayload(
                    "<data xmlns='urn:xmpp:avatar:data'>" + java.util.Base64.getEncoder().encodeToString(png)
                            + "</data>")));
            pep.publish("urn:xmpp:avatar:metadata", new PayloadItem<>(id, new SimplePayload(
                    "<metadata xmlns='urn:xmpp:avatar:metadata'><info id='" + id + "' bytes='" + png.length
                            + "' type='image/png'/></metadata>")));
            org.jivesoftware.smackx.vcardtemp.packet.VCard seen =
                    org.jivesoftware.smackx.vcardtemp.VCardManager.getInstanceFor(b.conn).loadVCard(a.bare());
            org.junit.jupiter.api.Assertions.assertArrayEquals(png, seen.getAvatar());
            assertEquals("image/png", seen.getAvatarMimeType());

            // §4: the hash in the next available presence, though the client put none there.
            photos.clear();
            a.conn.sendStanza(a.conn.getStanzaFactory().buildPresenceStanza().setStatus("here").build());
            assertEquals(id, photos.poll(WAIT_SECONDS, TimeUnit.SECONDS));

            // A vCard with another photo (§3.2): the XEP-0084 nodes follow, and so does the presence hash.
            byte[] jpeg = "JFIF avatar through vCard".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            org.jivesoftware.smackx.vcardtemp.VCardManager cards =
                    org.jivesoftware.smackx.vcardtemp.VCardManager.getInstanceFor(a.conn);
            org.jivesoftware.smackx.vcardtemp.packet.VCard mine = cards.loadVCard();
            mine.setAvatar(jpeg, "image/jpeg");
            cards.saveVCard(mine);
            LeafNode meta = PubSubManager.getInstanceFor(b.conn, a.bare()).getLeafNode("urn:xmpp:avatar:metadata");
            List<Item> info = meta.getItems();
            assertEquals(List.of(sha1(jpeg)), ids(info));
            assertTrue(info.get(0).toXML().toString().contains("image/jpeg"), info.get(0).toXML().toString());
            List<Item> data = PubSubManager.getInstanceFor(b.conn, a.bare()).getLeafNode("urn:xmpp:avatar:data")
                    .getItems(List.of(sha1(jpeg)));
            assertEquals(1, data.size());
            photos.clear();
            a.conn.sendStanza(a.conn.getStanzaFactory().buildPresenceStanza().setStatus("still here").build());
            assertEquals(sha1(jpeg), photos.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        }
    }

    private static String sha1(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(bytes));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** Geolocation, mood and tune listeners that report "<kind> <from> <value>"; returns the mood one. */
    private static PepEventListener<MoodElement> listenToAll(XMPPTCPConnection c, BlockingQueue<String> out) {
        GeoLocationManager.getInstanceFor(c).addGeoLocationListener(
                (from, geo, id, m) -> out.add("geoloc " + from + " " + geo.getLocality()));
        PepEventListener<MoodElement> mood = (from, m, id, msg) -> out.add("mood " + from + " "
                + (m.getMood() == null ? "none" : m.getMood()));
        MoodManager.getInstanceFor(c).addMoodListener(mood);
        try {
            UserTuneManager.getInstanceFor(c).addUserTuneListener(
                    (from, tune, id, m) -> out.add("tune " + from + " " + tune.getTitle()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return mood;
    }

    private static String next(BlockingQueue<String> q, String who) throws InterruptedException {
        String s = q.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(s, who + " got no notification");
        return s;
    }

    private static PayloadItem<SimplePayload> note(String id, String text) {
        return new PayloadItem<>(id, new SimplePayload("<note xmlns='" + NOTES + "'>" + text + "</note>"));
    }

    private static List<String> ids(List<? extends Item> items) {
        List<String> out = new ArrayList<>();
        for (Item i : items) out.add(i.getId());
        return out;
    }

    /** Both rosters accept every request, then each asks the other: a subscription both ways. */
    private static void befriend(Client x, Client y) throws Exception {
        x.roster.createItemAndRequestSubscription(y.bare(), null, null);
        y.roster.createItemAndRequestSubscription(x.bare(), null, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!(both(x, y) && both(y, x))) {
            assertTrue(System.nanoTime() < deadline, x.bare() + " and " + y.bare() + " never subscribed both ways");
            Thread.sleep(50);
        }
    }

    private static boolean both(Client x, Client y) {
        RosterEntry e = x.roster.getEntry(y.bare());
        return e != null && e.getType() == RosterPacket.ItemType.both;
    }

    private static Client login(String user, String resource,
            java.util.function.Consumer<XMPPTCPConnection> beforeLogin) throws Exception {
        Client[] holder = new Client[1];
        XMPPTCPConnection conn = ItEnvironment.connectStartTls(node, user, ItEnvironment.PASSWORD, resource, c -> {
            holder[0] = new Client(c);
            beforeLogin.accept(c);
        });
        return holder[0];
    }

    /** One logged-in resource: its roster (accepting every request), what it received and the caps it sent. */
    private static final class Client implements AutoCloseable {
        final XMPPTCPConnection conn;
        final Roster roster;
        final BlockingQueue<Message> eventMessages = new LinkedBlockingQueue<>();
        final BlockingQueue<String> chats = new LinkedBlockingQueue<>();
        final Map<Jid, String> seenVer = new ConcurrentHashMap<>();
        final AtomicReference<String> sentVer = new AtomicReference<>();

        Client(XMPPTCPConnection conn) {
            this.conn = conn;
            this.roster = Roster.getInstanceFor(conn);
            roster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            conn.addAsyncStanzaListener(s -> eventMessages.add((Message) s),
                    new StanzaExtensionFilter("event", "http://jabber.org/protocol/pubsub#event"));
            conn.addAsyncStanzaListener(s -> {
                Message m = (Message) s;
                if (m.getBody() != null && m.getType() == Message.Type.chat) chats.add(m.getBody());
            }, StanzaTypeFilter.MESSAGE);
            conn.addAsyncStanzaListener(s -> {
                CapsExtension caps = s.getExtension(CapsExtension.class);
                if (caps != null && s.getFrom() != null) seenVer.put(s.getFrom(), caps.getVer());
            }, StanzaTypeFilter.PRESENCE);
            conn.addStanzaSendingListener(s -> {
                CapsExtension caps = s.getExtension(CapsExtension.class);
                if (caps != null && s.getTo() == null) sentVer.set(caps.getVer());
            }, StanzaTypeFilter.PRESENCE);
        }

        EntityBareJid bare() {
            return conn.getUser().asEntityBareJid();
        }

        List<Message> events() {
            return new ArrayList<>(eventMessages);
        }

        void chat(Client to, String body) throws Exception {
            conn.sendStanza(conn.getStanzaFactory().buildMessageStanza().to(to.conn.getUser())
                    .ofType(Message.Type.chat).setBody(body).build());
        }

        void awaitChat(String body) throws InterruptedException {
            String got = chats.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(body, got);
        }

        String awaitSentVerOtherThan(String before) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (sentVer.get() == null || sentVer.get().equals(before)) {
                assertTrue(System.nanoTime() < deadline, "the client never announced new capabilities");
                Thread.sleep(20);
            }
            return sentVer.get();
        }

        void awaitSeen(Jid from, String ver) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (!ver.equals(seenVer.get(from))) {
                assertTrue(System.nanoTime() < deadline, "no presence from " + from + " with caps " + ver);
                Thread.sleep(20);
            }
        }

        /** A pubsub request built from raw XML, answered or thrown as Smack does for its own. */
        IQ rawIq(BareJid to, String innerXml, IQ.Type type) throws Exception {
            IQ iq = new IQ("pubsub", "http://jabber.org/protocol/pubsub") {
                @Override
                protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
                    xml.rightAngleBracket();
                    xml.append(innerXml);
                    return xml;
                }
            };
            iq.setTo(to);
            iq.setType(type);
            return conn.createStanzaCollectorAndSend(iq).nextResultOrThrow();
        }

        @Override
        public void close() {
            conn.disconnect();
        }
    }
}

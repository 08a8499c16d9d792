package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.pubsub.AccessModel;
import org.jivesoftware.smackx.pubsub.Affiliation;
import org.jivesoftware.smackx.pubsub.Item;
import org.jivesoftware.smackx.pubsub.ItemPublishEvent;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.SimplePayload;
import org.jivesoftware.smackx.pubsub.Subscription;
import org.jivesoftware.smackx.pubsub.form.ConfigureForm;
import org.jivesoftware.smackx.pubsub.form.FillableConfigureForm;
import org.jivesoftware.smackx.pubsub.form.FillableSubscribeForm;
import org.jivesoftware.smackx.pubsub.form.SubscribeForm;
import org.jivesoftware.smackx.pubsub.listener.ItemEventListener;
import org.jivesoftware.smackx.pubsub.provider.AffiliationsProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The XEP-0060 service on pubsub.localhost driven by Smack's own PubSubManager against a node on real Cassandra, one
 * test per use case: notifications reach exactly the JIDs (bare or full) that subscribed and asked for delivery.
 */
class PubSubServiceIT {
    private static final long WAIT_SECONDS = 20;
    private static final String NS = "urn:example:rookery:news";
    private static final AtomicInteger NODES = new AtomicInteger();
    private static RookeryNode node;
    private static BareJid service;

    @BeforeAll
    static void start() throws Exception {
        // Room for the large node of itemsOfALargeNodeComeFromItsNewestOnly.
        node = ItEnvironment.startNode(Map.of("rookery.modules.pubsub.max-items", 5000));
        service = JidCreate.bareFrom("pubsub.localhost");
        // COMPAT Smack 4.4.8 and 4.5.0-rc1: no provider for <affiliations xmlns='…pubsub#owner'/>, so
        // Node.getAffiliationsAsOwner() fails with a ClassCastException against any server; the basic one parses it.
        ProviderManager.addExtensionProvider("affiliations", "http://jabber.org/protocol/pubsub#owner",
                new AffiliationsProvider());
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @Test
    void anInstantNodeAndANamedNodeWithAConfigurationAreCreated() throws Exception {
        try (Client a = login("alice", "desk")) {
            LeafNode instant = a.pubsub().createNode();
            assertFalse(instant.getId().isEmpty());
            assertEquals(instant.getId(), a.pubsub().getLeafNode(instant.getId()).getId());

            String name = nodeName("configured");
            FillableConfigureForm form = a.pubsub().getDefaultConfiguration().getFillableForm();
            form.setTitle("Court news");
            form.setMaxItems(5);
            form.setAccessModel(AccessModel.whitelist);
            a.pubsub().createNode(name, form);
            ConfigureForm read = a.pubsub().getLeafNode(name).getNodeConfiguration();
            assertEquals("Court news", title(read));
            assertEquals(5, read.getMaxItems());
            assertEquals(AccessModel.whitelist, read.getAccessModel());

            XMPPException.XMPPErrorException again = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> a.pubsub().createNode(name));
            assertEquals(StanzaError.Condition.conflict, again.getStanzaError().getCondition());
        }
    }

    @Test
    void theOwnerConfiguresANodeAndReadsItBackAndNobodyElseMay() throws Exception {
        try (Client a = login("alice", "desk"); Client b = login("bob", "desk")) {
            LeafNode n = a.pubsub().createNode(nodeName("configure"));
            FillableConfigureForm form = n.getNodeConfiguration().getFillableForm();
            form.setTitle("Renamed");
            form.setDeliverPayloads(false);
            form.setMaxItems(3);
            n.sendConfigurationForm(form);
            ConfigureForm read = n.getNodeConfiguration();
            assertEquals("Renamed", title(read));
            assertEquals(Boolean.FALSE, read.isDeliverPayloads());
            assertEquals(3, read.getMaxItems());

            XMPPException.XMPPErrorException refused = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> b.pubsub().getLeafNode(n.getId()).getNodeConfiguration());
            assertEquals(StanzaError.Condition.forbidden, refused.getStanzaError().getCondition());
        }
    }

    @Test
    void aResourceSubscribesWithOptionsAndUnsubscribes() throws Exception {
        try (Client a = login("alice", "desk"); Client desk = login("bob", "desk");
                Client phone = login0(desk.user, "phone")) {
            LeafNode mine = a.pubsub().createNode(nodeName("options"));
            LeafNode deskView = desk.pubsub().getLeafNode(mine.getId());
            Subscription deskSub = deskView.subscribe(desk.conn.getUser());
            assertEquals(Subscription.State.subscribed, deskSub.getState());
            assertNotNull(deskSub.getId());
            SubscribeForm options = deskView.getSubscriptionOptions(desk.conn.getUser().toString(), deskSub.getId());
            assertTrue(options.isDeliverOn());

            // §6.3.7: Bob's phone subscribes and turns delivery off in the same request.
            FillableSubscribeForm quiet = options.getFillableForm();
            quiet.setDeliverOn(false);
            LeafNode phoneView = phone.pubsub().getLeafNode(mine.getId());
            Subscription phoneSub = phoneView.subscribe(phone.conn.getUser(), quiet);
            assertEquals(Subscription.State.subscribed, phoneSub.getState());
            assertFalse(phoneView.getSubscriptionOptions(phone.conn.getUser().toString(), phoneSub.getId())
                    .isDeliverOn());

            mine.publish(news("first", "to the desk only"));
            assertTrue(desk.nextEvent().contains("to the desk only"));
            a.markAfter(phone);
            assertEquals(List.of(), phone.events(), "the phone asked for no delivery");

            deskView.unsubscribe(desk.conn.getUser().toString(), deskSub.getId());
            mine.publish(news("second", "after unsubscribing"));
            a.markAfter(desk);
            assertEquals(List.of(), desk.events(), "the desk unsubscribed");
            XMPPException.XMPPErrorException notSubscribed = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> deskView.unsubscribe(desk.conn.getUser().toString(), deskSub.getId()));
            assertEquals(StanzaError.Condition.unexpected_request, notSubscribed.getStanzaError().getCondition());
        }
    }

    @Test
    void aPublishedPayloadReachesExactlyTheSubscribedResourcesAndBareJids() throws Exception {
        try (Client a = login("alice", "desk"); Client desk = login("bob", "desk");
                Client phone = login0(desk.user, "phone"); Client carol = login("carol", "desk");
                Client dave = login("dave", "desk")) {
            LeafNode mine = a.pubsub().createNode(nodeName("payload"));
            desk.pubsub().getLeafNode(mine.getId()).subscribe(desk.conn.getUser());
            carol.pubsub().getLeafNode(mine.getId()).subscribe(carol.conn.getUser().asBareJid());
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            LeafNode deskView = desk.pubsub().getLeafNode(mine.getId());
            deskView.addItemEventListener((ItemEventListener<PayloadItem<SimplePayload>>) event -> {
                for (PayloadItem<SimplePayload> i : ((ItemPublishEvent<PayloadItem<SimplePayload>>) event).getItems()) {
                    seen.add(event.getNodeId() + " " + i.getId() + " " + i.getPayload().toXML());
                }
            });

            mine.publish(news("n1", "the king is dead"));
            String got = seen.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(got, "Bob's desk got no notification");
            assertTrue(got.startsWith(mine.getId() + " n1 ") && got.contains("the king is dead"), got);
            assertTrue(carol.nextEvent().contains("the king is dead"), "Carol subscribed with her bare JID");

            a.markAfter(phone);
            a.markAfter(dave);
            assertEquals(List.of(), phone.events(), "Bob's phone did not subscribe");
            assertEquals(List.of(), dave.events(), "Dave did not subscribe");
            assertEquals(1, desk.events().size(), "one notification, once");
        }
    }

    @Test
    void aNodeWithoutPayloadDeliveryNotifiesTheItemIdOnly() throws Exception {
        try (Client a = login("alice", "desk"); Client b = login("bob", "desk")) {
            FillableConfigureForm form = a.pubsub().getDefaultConfiguration().getFillableForm();
            form.setDeliverPayloads(false);
            String name = nodeName("ids");
            LeafNode mine = (LeafNode) a.pubsub().createNode(name, form);
            b.pubsub().getLeafNode(name).subscribe(b.conn.getUser());
            mine.publish(news("only-the-id", "not in the notification"));
            String event = b.nextEvent();
            assertTrue(event.contains("only-the-id"), event);
            assertFalse(event.contains("not in the notification"), event);
            List<PayloadItem<SimplePayload>> items = b.pubsub().getLeafNode(name).getItems();
            assertTrue(items.get(0).getPayload().toXML().toString().contains("not in the notification"));
        }
    }

    @Test
    void itemsAreRetrievedAllTheNewestMaxItemsAndById() throws Exception {
        try (Client a = login("alice", "desk"); Client b = login("bob", "desk")) {
            LeafNode mine = a.pubsub().createNode(nodeName("items"));
            for (int i = 1; i <= 4; i++) {
                mine.publish(news("i" + i, "item " + i));
                Thread.sleep(5); // distinct publication times, so that "newest" is well defined
            }
            mine.publish(news("i2", "item 2, edited"));
            LeafNode seen = b.pubsub().getLeafNode(mine.getId());
            List<PayloadItem<SimplePayload>> all = seen.getItems();
            assertEquals(List.of("i1", "i3", "i4", "i2"), ids(all), "oldest first, the replaced one newest");
            assertTrue(all.get(3).getPayload().toXML().toString().contains("item 2, edited"));
            assertEquals(List.of("i4", "i2"), ids(seen.getItems(2)));
            assertEquals(List.of("i3", "i1"), ids(seen.getItems(List.of("i3", "absent", "i1"))));
        }
    }

    @Test
    void itemsOfALargeNodeComeFromItsNewestOnly() throws Exception {
        try (Client a = login("alice", "desk"); Client b = login("bob", "desk")) {
            FillableConfigureForm form = a.pubsub().getDefaultConfiguration().getFillableForm();
            form.setMaxItems(2000);
            String name = nodeName("large");
            LeafNode mine = (LeafNode) a.pubsub().createNode(name, form);
            ExecutorService publishers = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int first = t;
                    done.add(publishers.submit(() -> {
                        for (int i = first; i < 1995; i += 8) mine.publish(news("bulk-" + i, "bulk " + i));
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get(5, TimeUnit.MINUTES);
            } finally {
                publishers.shutdownNow();
            }
            List<String> last = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                Thread.sleep(5);
                mine.publish(news("last-" + i, "last " + i));
                last.add("last-" + i);
            }
            LeafNode seen = b.pubsub().getLeafNode(name);
            assertEquals(last, ids(seen.getItems(5)), "max_items: the five newest of 2,000, oldest first");
            List<PayloadItem<SimplePayload>> page = seen.getItems();
            assertEquals(100, page.size(), "without max_items: max-items-per-request, the newest");
            assertEquals(last, ids(page).subList(95, 100));
        }
    }

    @Test
    void theOwnerManagesAffiliationsAndSubscriptions() throws Exception {
        try (Client a = login("alice", "desk"); Client b = login("bob", "desk"); Client c = login("carol", "desk");
                Client d = login("dave", "desk")) {
            LeafNode mine = a.pubsub().createNode(nodeName("manage"));
            List<Affiliation> affiliations = mine.getAffiliationsAsOwner();
            assertEquals(1, affiliations.size());
            assertEquals(a.conn.getUser().asBareJid(), affiliations.get(0).getJid());
            assertEquals(Affiliation.Type.owner, affiliations.get(0).getAffiliation());

            // Bob may not publish until he is a publisher; Carol, an outcast, may not subscribe.
            LeafNode bobs = b.pubsub().getLeafNode(mine.getId());
            XMPPException.XMPPErrorException notYet = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> bobs.publish(news("b1", "from Bob")));
            assertEquals(StanzaError.Condition.forbidden, notYet.getStanzaError().getCondition());
            mine.modifyAffiliationAsOwner(List.of(
                    new Affiliation(b.conn.getUser().asBareJid(), Affiliation.Type.publisher),
                    new Affiliation(c.conn.getUser().asBareJid(), Affiliation.Type.outcast)));
            bobs.publish(news("b1", "from Bob"));
            XMPPException.XMPPErrorException outcast = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> c.pubsub().getLeafNode(mine.getId()).subscribe(c.conn.getUser()));
            assertEquals(StanzaError.Condition.forbidden, outcast.getStanzaError().getCondition());
            List<String> listed = new ArrayList<>();
            for (Affiliation x : mine.getAffiliationsAsOwner()) listed.add(x.getJid() + " " + x.getAffiliation());
            listed.sort(null);
            List<String> expected = new ArrayList<>(List.of(a.conn.getUser().asBareJid() + " owner",
                    b.conn.getUser().asBareJid() + " publisher", c.conn.getUser().asBareJid() + " outcast"));
            expected.sort(null);
            assertEquals(expected, listed);

            // The owner subscribes Dave and ends Bob's subscription.
            bobs.subscribe(b.conn.getUser());
            mine.modifySubscriptionsAsOwner(List.of(
                    new Subscription(d.conn.getUser().asBareJid(), Subscription.State.subscribed),
                    new Subscription(b.conn.getUser(), Subscription.State.none)));
            List<String> subscribers = new ArrayList<>();
            for (Subscription s : mine.getSubscriptionsAsOwner()) subscribers.add(s.getJid().toString());
            assertEquals(List.of(d.conn.getUser().asBareJid().toString()), subscribers);
            mine.publish(news("to-dave", "for Dave"));
            assertTrue(d.nextEvent().contains("for Dave"));
            a.markAfter(b);
            assertEquals(List.of(), b.events(), "Bob's subscription was ended by the owner");
        }
    }

    @Test
    void deletingANodeNotifiesItsSubscribers() throws Exception {
        try (Client a = login("alice", "desk"); Client b = login("bob", "desk"); Client c = login("carol", "desk")) {
            String name = nodeName("deleted");
            a.pubsub().createNode(name);
            b.pubsub().getLeafNode(name).subscribe(b.conn.getUser());
            assertTrue(a.pubsub().deleteNode(name));
            String event = b.nextEvent();
            assertTrue(event.contains("<delete") && event.contains(name), event);
            a.markAfter(c);
            assertEquals(List.of(), c.events());
            XMPPException.XMPPErrorException gone = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> b.pubsub().getLeafNode(name).getItems());
            assertEquals(StanzaError.Condition.item_not_found, gone.getStanzaError().getCondition());
        }
    }

    @Test
    void theServiceAndItsNodesAreDiscovered() throws Exception {
        try (Client a = login("alice", "desk"); Client b = login("bob", "desk")) {
            String first = nodeName("disco-a");
            String second = nodeName("disco-b");
            FillableConfigureForm titled = a.pubsub().getDefaultConfiguration().getFillableForm();
            titled.setTitle("Titled");
            a.pubsub().createNode(first, titled);
            a.pubsub().createNode(second);

            DiscoverInfo info = b.pubsub().getSupportedFeatures();
            assertTrue(info.hasIdentity("pubsub", "service"));
            assertTrue(info.containsFeature("http://jabber.org/protocol/pubsub#subscribe"));
            DiscoverItems items = b.pubsub().discoverNodes(null);
            Map<String, String> nodes = new java.util.HashMap<>();
            for (DiscoverItems.Item i : items.getItems()) {
                assertEquals(service, i.getEntityID().asBareJid());
                nodes.put(i.getNode(), i.getName());
            }
            assertEquals("Titled", nodes.get(first));
            assertTrue(nodes.containsKey(second), nodes::toString);
            DiscoverInfo nodeInfo = b.pubsub().getLeafNode(first).discoverInfo();
            assertTrue(nodeInfo.hasIdentity("pubsub", "leaf"));

            a.pubsub().deleteNode(second);
            List<String> after = new ArrayList<>();
            for (DiscoverItems.Item i : b.pubsub().discoverNodes(null).getItems()) after.add(i.getNode());
            assertFalse(after.contains(second), "a deleted node is no longer listed");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static String nodeName(String what) {
        return what + "-" + ProcessHandle.current().pid() + "-" + NODES.incrementAndGet();
    }

    /**
     * COMPAT Smack 4.4/4.5: ConfigureForm.getTitle() is the data form's own {@code <title/>} (FilledForm's method
     * hides ConfigureFormReader's default one), so pubsub#title is read as a field.
     */
    private static String title(ConfigureForm form) {
        return form.getField("pubsub#title").getFirstValue();
    }

    private static PayloadItem<SimplePayload> news(String id, String text) {
        return new PayloadItem<>(id, new SimplePayload("<news xmlns='" + NS + "'>" + text + "</news>"));
    }

    private static List<String> ids(List<? extends Item> items) {
        List<String> out = new ArrayList<>();
        for (Item i : items) out.add(i.getId());
        return out;
    }

    /** A new user logged in with this resource. */
    private static Client login(String prefix, String resource) throws Exception {
        return login0(ItEnvironment.newUser(node, prefix), resource);
    }

    private static Client login0(String user, String resource) throws Exception {
        Client[] holder = new Client[1];
        ItEnvironment.connectStartTls(node, user, ItEnvironment.PASSWORD, resource, c -> holder[0] = new Client(user, c));
        return holder[0];
    }

    /** One logged-in resource: the pubsub notifications and chat messages it received. */
    private static final class Client implements AutoCloseable {
        final String user;
        final XMPPTCPConnection conn;
        final BlockingQueue<String> eventMessages = new LinkedBlockingQueue<>();
        final BlockingQueue<String> chats = new LinkedBlockingQueue<>();

        Client(String user, XMPPTCPConnection conn) {
            this.user = user;
            this.conn = conn;
            conn.addAsyncStanzaListener(s -> eventMessages.add(s.toXML().toString()),
                    new StanzaExtensionFilter("event", "http://jabber.org/protocol/pubsub#event"));
            conn.addAsyncStanzaListener(s -> {
                Message m = (Message) s;
                if (m.getBody() != null) chats.add(m.getBody());
            }, StanzaTypeFilter.MESSAGE);
        }

        PubSubManager pubsub() {
            return PubSubManager.getInstanceFor(conn, service);
        }

        String nextEvent() throws InterruptedException {
            String s = eventMessages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(s, conn.getUser() + " got no notification");
            return s;
        }

        List<String> events() {
            return new ArrayList<>(eventMessages);
        }

        /**
         * A chat message to the other client, awaited there: a notification the service sent it before this
         * client's last request was answered would have arrived before it (both pass the recipient's account).
         */
        void markAfter(Client to) throws Exception {
            String marker = "marker " + NODES.incrementAndGet();
            conn.sendStanza(conn.getStanzaFactory().buildMessageStanza().to(to.conn.getUser())
                    .ofType(Message.Type.chat).setBody(marker).build());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                String got = to.chats.poll(200, TimeUnit.MILLISECONDS);
                if (marker.equals(got)) return;
                assertTrue(System.nanoTime() < deadline, to.conn.getUser() + " never got " + marker);
            }
        }

        @Override
        public void close() {
            conn.disconnect();
        }
    }
}

package io.rookery.node.ext.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SingleNode;
import io.rookery.persistence.pubsub.InMemoryItemStore;
import io.rookery.persistence.pubsub.InMemoryNodeDirectory;
import io.rookery.persistence.pubsub.ItemStore;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xep.pubsub.PubSub;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node entity with the in-memory journal, outside sharding: requests as the service forwards them, replies to a
 * probe standing in for the requester's session, notifications caught where the router would take them.
 */
class NodeEntityTest {
    private static final String SERVICE = "pubsub.localhost";
    private static final String ALICE = "alice@localhost/desk";
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static SingleNode node;
    private static final BlockingQueue<Element> routed = new LinkedBlockingQueue<>();
    private static NodeShared shared;
    private static final ItemStore items = new InMemoryItemStore();

    @BeforeAll
    static void start() {
        node = SingleNode.start();
        PubSubSettings settings = PubSubSettings.from(ConfigFactory.load().getConfig("rookery.modules.pubsub"));
        shared = new NodeShared(settings, SERVICE, "localhost", new PubSubIo(routed::add), () -> items,
                InMemoryNodeDirectory::new, new PrometheusRegistry());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A node entity of a name no other test uses, and its name. */
    private record Started(String name, ActorRef<NodeEntity.Command> ref) {}

    private static Started spawn() {
        String name = "node-" + NAMES.incrementAndGet();
        return new Started(name, node.testKit.spawn(NodeEntity.create(name, shared, null)));
    }

    private static Element iq(String from, String type, Element payload) {
        return Element.builder("iq", Namespaces.CLIENT).attr("from", from).attr("to", SERVICE).attr("type", type)
                .attr("id", "q" + NAMES.incrementAndGet()).child(payload).build();
    }

    private static Element pubsub(String ns, Element... children) {
        Element.Builder b = Element.builder("pubsub", ns);
        for (Element c : children) b.child(c);
        return b.build();
    }

    private static Element action(String name, String ns, String node) {
        return Element.builder(name, ns).attr("node", node).build();
    }

    /** Sends the request and returns the reply it got. */
    private static Element ask(ActorRef<NodeEntity.Command> entity, Element iq) {
        TestProbe<SessionProtocol.Message> session = node.testKit.createTestProbe();
        entity.tell(new NodeEntity.Inbound(iq, session.getRef()));
        Element reply = ((SessionProtocol.Deliver) session.receiveMessage(Duration.ofSeconds(10))).stanza();
        assertEquals(iq.attr("id"), reply.attr("id"), reply::toString);
        return reply;
    }

    private static Element ok(ActorRef<NodeEntity.Command> entity, Element iq) {
        Element reply = ask(entity, iq);
        assertEquals("result", reply.attr("type"), reply::toString);
        return reply;
    }

    private static void create(Started n, Map<String, String> config) {
        Element.Builder create = Element.builder("pubsub", PubSub.NS).child(action("create", PubSub.NS, n.name()));
        if (!config.isEmpty()) create.child(Element.builder("configure", PubSub.NS).child(form(config)).build());
        Element reply = ok(n.ref(), iq(ALICE, "set", create.build()));
        assertEquals(n.name(), reply.child("pubsub", PubSub.NS).child("create", PubSub.NS).attr("node"));
    }

    private static Element form(Map<String, String> fields) {
        Element.Builder x = Element.builder("x", DataForm.NS).attr("type", "submit");
        fields.forEach((var, value) -> x.child(Element.builder("field", DataForm.NS).attr("var", var)
                .child(Element.builder("value", DataForm.NS).text(value).build()).build()));
        return x.build();
    }

    private static String subscribe(Started n, String jid, Map<String, String> options) {
        Element.Builder p = Element.builder("pubsub", PubSub.NS).child(Element.builder("subscribe", PubSub.NS)
                .attr("node", n.name()).attr("jid", jid).build());
        if (!options.isEmpty()) {
            p.child(Element.builder("options", PubSub.NS).child(form(options)).build());
        }
        Element sub = ok(n.ref(), iq(jid, "set", p.build())).child("pubsub", PubSub.NS)
                .child("subscription", PubSub.NS);
        assertEquals("subscribed", sub.attr("subscription"), sub::toString);
        assertEquals(jid, sub.attr("jid"));
        assertNotNull(sub.attr("subid"));
        return sub.attr("subid");
    }

    private static void publish(Started n, String id, String text) {
        Element item = Element.builder("item", PubSub.NS).attr("id", id)
                .child(Element.builder("entry", "urn:example").text(text).build()).build();
        Element reply = ok(n.ref(), iq(ALICE, "set", pubsub(PubSub.NS, Element.builder("publish", PubSub.NS)
                .attr("node", n.name()).child(item).build())));
        assertEquals(id, reply.child("pubsub", PubSub.NS).child("publish", PubSub.NS).child("item", PubSub.NS)
                .attr("id"));
    }

    /** Everything routed until now (notifications are routed before the publisher's reply). */
    private static List<Element> drained() {
        List<Element> out = new ArrayList<>();
        routed.drainTo(out);
        return out;
    }

    private static String condition(Element error) {
        Element e = error.child("error", Namespaces.CLIENT);
        assertNotNull(e, error::toString);
        return e.elements().get(0).name() + (e.elements().size() > 1 ? " " + e.elements().get(1).name() : "");
    }

    @Test
    void aPublishedItemIsNotifiedWithItsPayloadToExactlyTheSubscribedJids() {
        Started n = spawn();
        create(n, Map.of());
        drained();
        subscribe(n, "bob@localhost/desk", Map.of());
        subscribe(n, "carol@localhost", Map.of());
        publish(n, "i1", "hello");
        List<Element> got = drained();
        assertEquals(List.of("bob@localhost/desk", "carol@localhost"), got.stream().map(m -> m.attr("to")).toList());
        Element event = got.get(0).child("event", PubSub.EVENT);
        assertEquals("headline", got.get(0).attr("type"));
        assertEquals(SERVICE, got.get(0).attr("from"));
        Element item = event.child("items", PubSub.EVENT).child("item", PubSub.EVENT);
        assertEquals("i1", item.attr("id"));
        assertEquals("hello", item.child("entry", "urn:example").text());
    }

    @Test
    void aNodeWithoutPayloadDeliveryNotifiesTheItemIdOnlyAndStillKeepsThePayload() {
        Started n = spawn();
        create(n, Map.of("pubsub#deliver_payloads", "0"));
        subscribe(n, "bob@localhost/desk", Map.of());
        publish(n, "i1", "secret");
        Element item = drained().get(0).child("event", PubSub.EVENT).child("items", PubSub.EVENT)
                .child("item", PubSub.EVENT);
        assertEquals("i1", item.attr("id"));
        assertTrue(item.elements().isEmpty(), item::toString);
        Element stored = ok(n.ref(), iq("bob@localhost/desk", "get", pubsub(PubSub.NS,
                action("items", PubSub.NS, n.name())))).child("pubsub", PubSub.NS).child("items", PubSub.NS);
        assertEquals("secret", stored.child("item", PubSub.NS).child("entry", "urn:example").text());
    }

    @Test
    void aSubscriptionWithDeliverOffGetsNothingAndItsOptionsCanBeReadAndChanged() {
        Started n = spawn();
        create(n, Map.of());
        String subid = subscribe(n, "bob@localhost/phone", Map.of("FORM_TYPE", SubscribeOptions.FORM_TYPE,
                "pubsub#deliver", "0"));
        publish(n, "i1", "quiet");
        assertEquals(List.of(), drained());
        Element options = ok(n.ref(), iq("bob@localhost/phone", "get", pubsub(PubSub.NS,
                Element.builder("options", PubSub.NS).attr("node", n.name()).attr("jid", "bob@localhost/phone")
                        .build()))).child("pubsub", PubSub.NS).child("options", PubSub.NS);
        assertEquals(subid, options.attr("subid"));
        assertEquals(List.of("0"), DataForm.submitted(options.withChildren(List.of(options.child("x", DataForm.NS)
                .withAttr("type", "submit")))).get("pubsub#deliver"));
        ok(n.ref(), iq("bob@localhost/phone", "set", pubsub(PubSub.NS, Element.builder("options", PubSub.NS)
                .attr("node", n.name()).attr("jid", "bob@localhost/phone").attr("subid", subid)
                .child(form(Map.of("pubsub#deliver", "1"))).build())));
        publish(n, "i2", "loud");
        assertEquals(List.of("bob@localhost/phone"), drained().stream().map(m -> m.attr("to")).toList());
        // Another user may not end Bob's subscription; Bob may, with its subid.
        Element refused = ask(n.ref(), iq("mallory@localhost/x", "set", pubsub(PubSub.NS,
                Element.builder("unsubscribe", PubSub.NS).attr("node", n.name()).attr("jid", "bob@localhost/phone")
                        .build())));
        assertEquals("forbidden", condition(refused));
        ok(n.ref(), iq("bob@localhost/phone", "set", pubsub(PubSub.NS, Element.builder("unsubscribe", PubSub.NS)
                .attr("node", n.name()).attr("jid", "bob@localhost/phone").attr("subid", subid).build())));
        publish(n, "i3", "gone");
        assertEquals(List.of(), drained());
    }

    @Test
    void aWhitelistNodeAdmitsOnlyWhomTheOwnerMadeAMemberAndAnOutcastLosesItsSubscription() {
        Started n = spawn();
        create(n, Map.of("pubsub#access_model", "whitelist"));
        Element sub = Element.builder("subscribe", PubSub.NS).attr("node", n.name()).attr("jid", "bob@localhost")
                .build();
        assertEquals("not-allowed closed-node", condition(ask(n.ref(), iq("bob@localhost/desk", "set",
                pubsub(PubSub.NS, sub)))));
        ok(n.ref(), iq(ALICE, "set", pubsub(PubSub.OWNER, Element.builder("affiliations", PubSub.OWNER)
                .attr("node", n.name()).child(Element.builder("affiliation", PubSub.OWNER).attr("jid", "bob@localhost")
                        .attr("affiliation", "member").build()).build())));
        subscribe(n, "bob@localhost", Map.of());
        Element affiliations = ok(n.ref(), iq(ALICE, "get", pubsub(PubSub.OWNER,
                action("affiliations", PubSub.OWNER, n.name())))).child("pubsub", PubSub.OWNER)
                .child("affiliations", PubSub.OWNER);
        assertEquals(List.of("alice@localhost owner", "bob@localhost member"),
                affiliations.children("affiliation", PubSub.OWNER).stream()
                        .map(a -> a.attr("jid") + " " + a.attr("affiliation")).toList());
        ok(n.ref(), iq(ALICE, "set", pubsub(PubSub.OWNER, Element.builder("affiliations", PubSub.OWNER)
                .attr("node", n.name()).child(Element.builder("affiliation", PubSub.OWNER).attr("jid", "bob@localhost")
                        .attr("affiliation", "outcast").build()).build())));
        Element subs = ok(n.ref(), iq(ALICE, "get", pubsub(PubSub.OWNER,
                action("subscriptions", PubSub.OWNER, n.name())))).child("pubsub", PubSub.OWNER)
                .child("subscriptions", PubSub.OWNER);
        assertEquals(List.of(), subs.children("subscription", PubSub.OWNER));
        // The last owner stays.
        assertEquals("not-acceptable", condition(ask(n.ref(), iq(ALICE, "set", pubsub(PubSub.OWNER,
                Element.builder("affiliations", PubSub.OWNER).attr("node", n.name())
                        .child(Element.builder("affiliation", PubSub.OWNER).attr("jid", "alice@localhost")
                                .attr("affiliation", "none").build()).build())))));
    }

    @Test
    void aNodeThatStopsAndStartsAgainKeepsItsConfigurationAffiliationsAndSubscriptions() {
        Started n = spawn();
        create(n, Map.of("pubsub#title", "Notes"));
        String subid = subscribe(n, "bob@localhost/desk", Map.of());
        TestProbe<Object> watcher = node.testKit.createTestProbe();
        n.ref().tell(NodeEntity.Stop.INSTANCE);
        watcher.expectTerminated(n.ref(), Duration.ofSeconds(10));
        ActorRef<NodeEntity.Command> again = node.testKit.spawn(NodeEntity.create(n.name(), shared, null));
        Element subs = ok(again, iq(ALICE, "get", pubsub(PubSub.OWNER, action("subscriptions", PubSub.OWNER,
                n.name())))).child("pubsub", PubSub.OWNER).child("subscriptions", PubSub.OWNER);
        assertEquals(subid, subs.child("subscription", PubSub.OWNER).attr("subid"));
        Element info = ok(again, iq("bob@localhost/desk", "get", Element.builder("query", Disco.INFO)
                .attr("node", n.name()).build())).child("query", Disco.INFO);
        assertEquals("leaf", info.child("identity", Disco.INFO).attr("type"));
        assertTrue(info.toString().contains("Notes"), info::toString);
    }

    @Test
    void deletionNotifiesTheSubscribersWithTheRedirectAndTheNodeIsGone() throws Exception {
        Started n = spawn();
        create(n, Map.of());
        subscribe(n, "bob@localhost/desk", Map.of());
        publish(n, "i1", "x");
        drained();
        ok(n.ref(), iq(ALICE, "set", pubsub(PubSub.OWNER, Element.builder("delete", PubSub.OWNER)
                .attr("node", n.name()).child(Element.builder("redirect", PubSub.OWNER)
                        .attr("uri", "xmpp:pubsub.localhost?;node=elsewhere").build()).build())));
        Element notice = routed.poll(10, TimeUnit.SECONDS);
        assertNotNull(notice);
        assertEquals("bob@localhost/desk", notice.attr("to"));
        Element delete = notice.child("event", PubSub.EVENT).child("delete", PubSub.EVENT);
        assertEquals(n.name(), delete.attr("node"));
        assertEquals("xmpp:pubsub.localhost?;node=elsewhere", delete.child("redirect", PubSub.EVENT).attr("uri"));
        assertEquals("item-not-found", condition(ask(n.ref(), iq("bob@localhost/desk", "get",
                pubsub(PubSub.NS, action("items", PubSub.NS, n.name()))))));
        assertEquals(List.of(), items.latest(SERVICE, n.name(), 10).toCompletableFuture().join());
        assertNull(routed.poll(100, TimeUnit.MILLISECONDS));
    }

    @Test
    void onlyPublishersPublishAndUnmetPublishOptionsAreRefused() {
        Started n = spawn();
        create(n, Map.of());
        Element item = Element.builder("item", PubSub.NS).child(Element.of("entry", "urn:example")).build();
        assertEquals("forbidden", condition(ask(n.ref(), iq("bob@localhost/desk", "set", pubsub(PubSub.NS,
                Element.builder("publish", PubSub.NS).attr("node", n.name()).child(item).build())))));
        Element options = Element.builder("publish-options", PubSub.NS).child(form(Map.of("FORM_TYPE",
                PubSub.PUBLISH_OPTIONS, "pubsub#access_model", "whitelist"))).build();
        assertEquals("conflict precondition-not-met", condition(ask(n.ref(), iq(ALICE, "set", pubsub(PubSub.NS,
                Element.builder("publish", PubSub.NS).attr("node", n.name()).child(item).build(), options)))));
        assertEquals("not-acceptable unsupported", condition(ask(n.ref(), iq(ALICE, "set",
                pubsub(PubSub.OWNER, Element.builder("configure", PubSub.OWNER).attr("node", n.name())
                        .child(form(Map.of("pubsub#access_model", "presence"))).build())))));
    }
}

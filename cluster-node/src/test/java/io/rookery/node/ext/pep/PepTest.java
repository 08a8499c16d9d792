package io.rookery.node.ext.pep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.ModuleStores;
import io.rookery.node.ext.TestAccount;
import io.rookery.persistence.roster.Subscription;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.caps.Caps;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xep.pubsub.NodeConfig;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may read a personal node, who is notified of it, and how a capability hash is learned. */
class PepTest {
    private static final String MOOD = "http://jabber.org/protocol/mood";
    private final List<Element> routed = new ArrayList<>();
    private final Interest interest = new Interest(100, Duration.ofSeconds(30));
    private final ModuleStores stores = ModuleStores.inMemory();
    private final Pep pep = new Pep(new PepSettings(1000, 256, 256 * 1024, 100, 100, Duration.ofSeconds(30)),
            interest, () -> stores, () -> routed::add, new PrometheusRegistry());

    private static PepNode node(NodeConfig.AccessModel access, Map<String, String> affiliations) {
        NodeConfig c = NodeConfig.PEP_DEFAULT.with(Map.of("pubsub#access_model", List.of(access.value)), 1000);
        return new PepNode(c, affiliations);
    }

    private static TestAccount juliet() {
        return TestAccount.of("juliet@capulet.lit").contact("romeo@montague.lit", Subscription.BOTH)
                .contact("nurse@capulet.lit", Subscription.FROM).contact("tybalt@capulet.lit", Subscription.TO);
    }

    @Test
    void presenceAccessLetsInTheContactsSubscribedToTheOwnersPresenceAndTheOwner() {
        PepNode n = node(NodeConfig.AccessModel.PRESENCE, Map.of());
        TestAccount j = juliet();
        assertTrue(Pep.mayRead(j, n, "romeo@montague.lit"));
        assertTrue(Pep.mayRead(j, n, "nurse@capulet.lit"));
        assertFalse(Pep.mayRead(j, n, "tybalt@capulet.lit"), "subscription 'to' does not see the owner's presence");
        assertFalse(Pep.mayRead(j, n, "paris@verona.lit"));
        assertTrue(Pep.mayRead(j, n, "juliet@capulet.lit"));
    }

    @Test
    void rosterAccessLetsInTheContactsInAnAllowedGroupWhateverTheirSubscription() {
        TestAccount j = TestAccount.of("juliet@capulet.lit")
                .contact("romeo@montague.lit", Subscription.NONE, "Lovers")
                .contact("nurse@capulet.lit", Subscription.BOTH, "Household");
        NodeConfig c = NodeConfig.PEP_DEFAULT.with(Map.of("pubsub#access_model", List.of("roster"),
                "pubsub#roster_groups_allowed", List.of("Lovers")), 1000);
        PepNode n = new PepNode(c, Map.of());
        assertTrue(Pep.mayRead(j, n, "romeo@montague.lit"));
        assertFalse(Pep.mayRead(j, n, "nurse@capulet.lit"), "subscribed, but in no allowed group");
        assertFalse(Pep.mayRead(j, n, "paris@verona.lit"));
    }

    @Test
    void whitelistLetsInMembersOnlyAndAnOutcastIsKeptOutOfAnOpenNode() {
        TestAccount j = juliet();
        PepNode white = node(NodeConfig.AccessModel.WHITELIST, Map.of("paris@verona.lit", "member"));
        assertTrue(Pep.mayRead(j, white, "paris@verona.lit"));
        assertFalse(Pep.mayRead(j, white, "romeo@montague.lit"), "a contact is not on the whitelist");
        PepNode open = node(NodeConfig.AccessModel.OPEN, Map.of("tybalt@capulet.lit", "outcast"));
        assertTrue(Pep.mayRead(j, open, "anyone@else.lit"));
        assertFalse(Pep.mayRead(j, open, "tybalt@capulet.lit"));
    }

    private static Element presence(String from, String ver) {
        Element.Builder p = Element.builder("presence", Namespaces.CLIENT).attr("from", from);
        if (ver != null) {
            p.child(Element.builder("c", Caps.NS).attr("hash", "sha-1").attr("node", "https://client.example")
                    .attr("ver", ver).build());
        }
        return p.build();
    }

    /** A client's disco#info answer with these features, and its true verification string. */
    private static Element answer(String id, String to, List<String> features) {
        Element query = Disco.info(null, List.of(new Disco.Identity("client", "pc", "Client")), features);
        return Element.builder("iq", Namespaces.CLIENT).attr("type", "result").attr("id", id).attr("to", to)
                .child(query).build();
    }

    private static String verOf(List<String> features) {
        return Caps.verOf(Disco.info(null, List.of(new Disco.Identity("client", "pc", "Client")), features));
    }

    @Test
    void anUnknownHashIsAskedOnceThenLearnedFromAVerifiedAnswerAndANotifyFeatureMakesARecipient() {
        TestAccount j = juliet();
        HashMap<String, PepNode> nodes = new HashMap<>(Map.of(MOOD, node(NodeConfig.AccessModel.PRESENCE, Map.of())));
        j.with(PepModule.NODES, nodes);
        String ver = verOf(List.of(Disco.INFO, MOOD + "+notify"));

        HookOutcome asked = pep.presence(j, "romeo@montague.lit/orchard", presence("romeo@montague.lit/orchard", ver));
        assertEquals(1, asked.route().size());
        Element query = asked.route().get(0);
        assertEquals("romeo@montague.lit/orchard", query.attr("to"));
        assertEquals("juliet@capulet.lit", query.attr("from"), "asked in the account's name (XEP-0115 §6.2)");
        assertEquals("https://client.example#" + ver, query.child("query", Disco.INFO).attr("node"));
        // A second client with the same hash is not asked while the first answer is awaited.
        assertEquals(0, pep.presence(j, "nurse@capulet.lit/home", presence("nurse@capulet.lit/home", ver))
                .route().size());
        assertEquals(List.of(), pep.recipients(j, MOOD, nodes.get(MOOD)), "nothing is known of the hash yet");

        pep.answered(j, answer(query.attr("id"), "juliet@capulet.lit", List.of(Disco.INFO, MOOD + "+notify")));
        assertEquals(List.of("nurse@capulet.lit/home", "romeo@montague.lit/orchard"),
                pep.recipients(j, MOOD, nodes.get(MOOD)).stream().sorted().toList());

        // Unavailable: no longer a recipient.
        pep.presence(j, "romeo@montague.lit/orchard",
                presence("romeo@montague.lit/orchard", null).withAttr("type", "unavailable"));
        assertEquals(List.of("nurse@capulet.lit/home"), pep.recipients(j, MOOD, nodes.get(MOOD)));
    }

    @Test
    void anAnswerThatDoesNotHashToTheVerIsNotLearned() {
        TestAccount j = juliet();
        String ver = verOf(List.of(Disco.INFO, MOOD + "+notify"));
        HookOutcome asked = pep.presence(j, "romeo@montague.lit/orchard", presence("romeo@montague.lit/orchard", ver));
        String id = asked.route().get(0).attr("id");
        // Claims more features than the hash was computed from.
        pep.answered(j, answer(id, "juliet@capulet.lit",
                List.of(Disco.INFO, MOOD + "+notify", "urn:xmpp:avatar:metadata+notify")));
        assertNull(interest.notify(ver));
    }

    @Test
    void aDeletedAccountsItemsAreRemovedFromTheStore() {
        TestAccount j = juliet();
        j.with(PepModule.NODES, new HashMap<>(Map.of(MOOD, node(NodeConfig.AccessModel.PRESENCE, Map.of()))));
        stores.items().publish("juliet@capulet.lit", MOOD,
                new io.rookery.persistence.pubsub.ItemStore.Item("current", null, 0, "<mood/>"), 1)
                .toCompletableFuture().join();
        HookOutcome forget = pep.deleted(j);
        forget.then().get().toCompletableFuture().join();
        assertEquals(List.of(), stores.items().latest("juliet@capulet.lit", MOOD, 10).toCompletableFuture().join());
    }

    @Test
    void aClientThatAsksForNoNotificationsIsNotKept() {
        TestAccount j = juliet();
        String ver = verOf(List.of(Disco.INFO));
        HookOutcome asked = pep.presence(j, "romeo@montague.lit/orchard", presence("romeo@montague.lit/orchard", ver));
        assertTrue(j.memo(PepModule.WATCHERS, null).contains("romeo@montague.lit/orchard"), "kept while unknown");
        pep.answered(j, answer(asked.route().get(0).attr("id"), "juliet@capulet.lit", List.of(Disco.INFO)));
        assertFalse(j.memo(PepModule.WATCHERS, null).contains("romeo@montague.lit/orchard"));
        pep.presence(j, "nurse@capulet.lit/home", presence("nurse@capulet.lit/home", ver));
        assertFalse(j.memo(PepModule.WATCHERS, null).contains("nurse@capulet.lit/home"));
        assertEquals(0, j.memo(PepModule.WATCHERS, null).size());
    }

    @Test
    void aContactWithoutAccessIsNotNotifiedButTheOwnersOwnResourceIs() {
        TestAccount j = juliet();
        HashMap<String, PepNode> nodes = new HashMap<>(Map.of(MOOD, node(NodeConfig.AccessModel.PRESENCE, Map.of())));
        j.with(PepModule.NODES, nodes);
        String ver = verOf(List.of(MOOD + "+notify"));
        interest.learned(ver, List.of(MOOD + "+notify"));
        pep.presence(j, "tybalt@capulet.lit/sword", presence("tybalt@capulet.lit/sword", ver));
        pep.presence(j, "juliet@capulet.lit/balcony", presence("juliet@capulet.lit/balcony", ver));
        pep.presence(j, "romeo@montague.lit/orchard", presence("romeo@montague.lit/orchard",
                verOf(List.of(Disco.INFO))));
        assertEquals(List.of("juliet@capulet.lit/balcony"), pep.recipients(j, MOOD, nodes.get(MOOD)));
    }
}

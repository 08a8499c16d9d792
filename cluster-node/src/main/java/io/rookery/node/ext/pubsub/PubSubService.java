package io.rookery.node.ext.pubsub;

import io.rookery.node.ext.Service;
import io.rookery.node.ext.ServiceContext;
import io.rookery.node.user.SessionProtocol;
import io.rookery.persistence.pubsub.NodeDirectory;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xep.pubsub.PubSub;
import io.rookery.protocol.xep.rsm.ResultSet;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The XEP-0060 service on its subdomain. Its own JID answers what concerns no single node: discovery of the service
 * and its nodes (§5.1, §5.2), the default configuration (§8.3), and the checks of a creation (who may create, how
 * many nodes there are) before it goes to the new node; every request that names a node goes to that node's entity.
 */
final class PubSubService implements Service {
    /** §10 features the service supports, as listed in its disco#info. */
    static final List<String> FEATURES = List.of("access-open", "access-whitelist", "config-node",
            "create-and-configure", "create-nodes", "delete-items", "delete-nodes", "instant-nodes", "item-ids",
            "last-published", "manage-subscriptions", "member-affiliation", "meta-data", "modify-affiliations",
            "outcast-affiliation", "persistent-items", "publish", "publish-only-affiliation", "publish-options",
            "publisher-affiliation", "purge-nodes", "retract-items", "retrieve-default", "retrieve-items",
            "subscribe", "subscription-options");

    /** The longest node name (bytes): the journal and the tables key by it. */
    static final int MAX_NODE_BYTES = 1024;
    /** The most nodes one disco#items answer lists; a client pages on with RSM. */
    private static final int ITEMS_PAGE = 100;

    private final NodeShared shared;
    private final ClusterSharding sharding;

    private PubSubService(NodeShared shared, ClusterSharding sharding) {
        this.shared = shared;
        this.sharding = sharding;
    }

    static PubSubService start(ServiceContext ctx, String serverDomain, String domain, PubSubSettings settings) {
        NodeShared shared = new NodeShared(settings, domain, serverDomain, new PubSubIo(ctx.router()),
                () -> ctx.stores().items(), () -> ctx.stores().nodes(), ctx.metrics());
        NodeEntity.init(ctx.system(), shared);
        return new PubSubService(shared, ClusterSharding.get(ctx.system()));
    }

    @Override
    public void deliver(Element stanza, Jid to, ActorRef<?> session) {
        @SuppressWarnings("unchecked")
        ActorRef<SessionProtocol.Message> s = (ActorRef<SessionProtocol.Message>) session;
        String type = stanza.attr("type");
        if (!"iq".equals(stanza.name())) {
            if ("message".equals(stanza.name()) && !"error".equals(type)) {
                shared.io.error(stanza, s, StanzaErrorCondition.SERVICE_UNAVAILABLE, null, null);
            }
            return;
        }
        if (!"get".equals(type) && !"set".equals(type)) return;
        Jid from = Jid.parseOrNull(stanza.attr("from"));
        if (from == null) return;
        if (to.local() != null || to.resource() != null) {
            shared.io.error(stanza, s, StanzaErrorCondition.SERVICE_UNAVAILABLE, null, null);
            return;
        }
        Element q = stanza.elements().size() == 1 ? stanza.elements().get(0) : null;
        if (q == null) {
            shared.io.error(stanza, s, StanzaErrorCondition.BAD_REQUEST, null, null);
            return;
        }
        boolean get = "get".equals(type);
        String node = q.attr("node");
        if (get && q.is("query", Disco.INFO)) {
            if (node == null) shared.io.result(stanza, s, info());
            else toNode(node, stanza, s);
        } else if (get && q.is("query", Disco.ITEMS)) {
            if (node == null) nodes(stanza, q, s);
            else toNode(node, stanza, s);
        } else if (get && q.is("ping", io.rookery.protocol.xep.ping.Ping.NS)) {
            shared.io.result(stanza, s, null);
        } else if (q.is("pubsub", PubSub.NS) || q.is("pubsub", PubSub.OWNER)) {
            pubsub(stanza, q, get, from, s);
        } else {
            shared.io.error(stanza, s, StanzaErrorCondition.SERVICE_UNAVAILABLE, null, null);
        }
    }

    private void pubsub(Element iq, Element pubsub, boolean get, Jid from, ActorRef<SessionProtocol.Message> s) {
        Element action = pubsub.elements().isEmpty() ? null : pubsub.elements().get(0);
        if (action == null) {
            shared.io.error(iq, s, StanzaErrorCondition.BAD_REQUEST, null, null);
            return;
        }
        boolean owner = pubsub.is("pubsub", PubSub.OWNER);
        String node = action.attr("node");
        if (owner && "default".equals(action.name())) {
            // §8.3: the configuration a node created now would get.
            if (get) {
                shared.io.result(iq, s, Element.builder("pubsub", PubSub.OWNER).child(Element.builder("default",
                        PubSub.OWNER).child(shared.settings.defaultConfig().form()).build()).build());
            } else {
                shared.io.error(iq, s, StanzaErrorCondition.BAD_REQUEST, null, null);
            }
            return;
        }
        if (!owner && "create".equals(action.name()) && !get) {
            create(iq, pubsub, action, from, s);
            return;
        }
        if (node == null || node.isEmpty()) {
            if (!owner && ("subscriptions".equals(action.name()) || "affiliations".equals(action.name()))) {
                // §5.6 and §5.7 across all nodes would need an index by subscriber: not kept.
                shared.io.error(iq, s, StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, "unsupported",
                        PubSub.feature("retrieve-" + action.name()));
            } else {
                shared.io.error(iq, s, StanzaErrorCondition.BAD_REQUEST, "nodeid-required", null);
            }
            return;
        }
        toNode(node, iq, s);
    }

    /** §8.1: who may create, and room for another node; an instant node gets its name here (§8.1.2). */
    private void create(Element iq, Element pubsub, Element create, Jid from, ActorRef<SessionProtocol.Message> s) {
        String bare = from.bare().toString();
        boolean allowed = shared.settings.creators().isEmpty() ? shared.serverDomain.equals(from.domain())
                : shared.settings.creators().contains(bare);
        if (!allowed) {
            shared.io.error(iq, s, StanzaErrorCondition.FORBIDDEN, null, null);
            return;
        }
        String requested = create.attr("node");
        String node = requested == null || requested.isEmpty() ? UUID.randomUUID().toString() : requested;
        if (node.getBytes(StandardCharsets.UTF_8).length > MAX_NODE_BYTES) {
            shared.io.error(iq, s, StanzaErrorCondition.NOT_ACCEPTABLE, null, null);
            return;
        }
        Element named = requested == null || requested.isEmpty() ? withNode(iq, pubsub, node) : iq;
        int max = shared.settings.maxNodes();
        shared.nodes().count(shared.service, max).whenComplete((count, failure) -> {
            if (failure != null) {
                shared.storeFailed("count", node, failure);
                shared.io.error(iq, s, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null, null);
            } else if (count >= max) {
                shared.io.error(iq, s, StanzaErrorCondition.NOT_ALLOWED, null, null);
            } else {
                toNode(node, named, s);
            }
        });
    }

    /** The iq with the pubsub element's create naming the node. */
    private static Element withNode(Element iq, Element pubsub, String node) {
        List<Node> children = new ArrayList<>(pubsub.children().size());
        boolean done = false;
        for (Node n : pubsub.children()) {
            if (!done && n instanceof Element e && e.name().equals("create")) {
                n = e.withAttr("node", node);
                done = true;
            }
            children.add(n);
        }
        return iq.withChildren(List.of(pubsub.withChildren(children)));
    }

    private void toNode(String node, Element iq, ActorRef<SessionProtocol.Message> session) {
        if (node.isEmpty() || node.getBytes(StandardCharsets.UTF_8).length > MAX_NODE_BYTES) {
            shared.io.error(iq, session, StanzaErrorCondition.ITEM_NOT_FOUND, null, null);
            return;
        }
        sharding.entityRefFor(NodeEntity.TYPE_KEY, node).tell(new NodeEntity.Inbound(iq, session));
    }

    /** §5.1: a pubsub service, with its features. */
    private Element info() {
        List<String> features = new ArrayList<>();
        features.add(Disco.INFO);
        features.add(Disco.ITEMS);
        features.add(PubSub.NS);
        for (String f : FEATURES) features.add(PubSub.feature(f));
        return Disco.info(null, List.of(new Disco.Identity("pubsub", "service", shared.settings.name())), features);
    }

    /** §5.2: the service's nodes, a page at a time (XEP-0059: max and after). */
    private void nodes(Element iq, Element query, ActorRef<SessionProtocol.Message> session) {
        ResultSet.Request page;
        try {
            page = ResultSet.parse(query);
        } catch (IllegalArgumentException e) {
            shared.io.error(iq, session, StanzaErrorCondition.BAD_REQUEST, null, null);
            return;
        }
        if (page.backward() || page.index() >= 0) {
            shared.io.error(iq, session, StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, null, null);
            return;
        }
        int max = page.max() < 0 ? ITEMS_PAGE : Math.min(page.max(), ITEMS_PAGE);
        shared.nodes().list(shared.service, page.after(), max + 1).whenComplete((nodes, failure) -> {
            if (failure != null) {
                shared.storeFailed("list", null, failure);
                shared.io.error(iq, session, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null, null);
                return;
            }
            List<NodeDirectory.Listed> shown = nodes.size() > max ? nodes.subList(0, max) : nodes;
            List<Disco.Item> items = new ArrayList<>(shown.size());
            for (NodeDirectory.Listed n : shown) {
                items.add(new Disco.Item(shared.service, n.node(), n.title().isEmpty() ? null : n.title()));
            }
            Element result = Disco.items(null, items);
            // RSM only when asked, or when there is more than one page.
            if (page.max() >= 0 || page.after() != null || nodes.size() > max) {
                List<Node> children = new ArrayList<>(result.children());
                children.add(ResultSet.answer(shown.isEmpty() ? null : shown.get(0).node(),
                        shown.isEmpty() ? null : shown.get(shown.size() - 1).node(), -1));
                result = result.withChildren(children);
            }
            shared.io.result(iq, session, result);
        });
    }
}

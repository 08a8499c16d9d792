package io.rookery.node.ext.pubsub;

import io.rookery.protocol.xep.pubsub.NodeConfig;
import java.util.Set;

/** XEP-0060 §4.1 affiliations and §4.5 access models, as a service node applies them. */
final class NodeAccess {
    static final String OWNER = "owner";
    static final String PUBLISHER = "publisher";
    static final String PUBLISH_ONLY = "publish-only";
    static final String MEMBER = "member";
    static final String OUTCAST = "outcast";
    static final String NONE = "none";
    static final Set<String> AFFILIATIONS = Set.of(OWNER, PUBLISHER, PUBLISH_ONLY, MEMBER, OUTCAST, NONE);

    /** Presence and roster need the subscriber's place in an owner's roster, which a service node does not have. */
    static final Set<NodeConfig.AccessModel> SUPPORTED = Set.of(NodeConfig.AccessModel.OPEN,
            NodeConfig.AccessModel.WHITELIST);

    private NodeAccess() {}

    /** §4.1: whether this affiliation may subscribe and retrieve items under the access model. */
    static boolean mayRead(NodeConfig config, String affiliation) {
        return switch (affiliation) {
            case OWNER, PUBLISHER, MEMBER -> true;
            case OUTCAST, PUBLISH_ONLY -> false;
            default -> config.accessModel() == NodeConfig.AccessModel.OPEN;
        };
    }

    /** §4.1 and pubsub#publish_model: whether this affiliation (subscribed or not) may publish. */
    static boolean mayPublish(NodeConfig config, String affiliation, boolean subscribed) {
        if (OWNER.equals(affiliation) || PUBLISHER.equals(affiliation) || PUBLISH_ONLY.equals(affiliation)) return true;
        if (OUTCAST.equals(affiliation)) return false;
        return switch (config.publishModel()) {
            case PUBLISHERS -> false;
            case SUBSCRIBERS -> subscribed;
            case OPEN -> true;
        };
    }
}

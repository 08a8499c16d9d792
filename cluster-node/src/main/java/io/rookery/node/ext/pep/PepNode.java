package io.rookery.node.ext.pep;

import io.rookery.protocol.xep.pubsub.NodeConfig;
import java.util.Map;

/** One personal node as the account holds it: its configuration and the affiliations its owner gave (bare JIDs). */
record PepNode(NodeConfig config, Map<String, String> affiliations) {
    PepNode {
        affiliations = Map.copyOf(affiliations);
    }

    String affiliation(String bareJid) {
        return affiliations.getOrDefault(bareJid, "none");
    }
}

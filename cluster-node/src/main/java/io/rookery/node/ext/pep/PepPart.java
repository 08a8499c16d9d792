package io.rookery.node.ext.pep;

import io.rookery.node.ext.AccountPart;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.pep.PepAffiliationsSet;
import io.rookery.persistence.pep.PepNodeConfigured;
import io.rookery.persistence.pep.PepNodeDeleted;
import io.rookery.persistence.pep.PepNodes;
import io.rookery.persistence.user.UserEvent;
import io.rookery.persistence.user.UserSnapshotV2;
import io.rookery.protocol.xep.pubsub.NodeConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The account's personal nodes by name; null when it has none. */
final class PepPart implements AccountPart<HashMap<String, PepNode>> {
    @Override
    public Class<? extends KryoSerializable> snapshotType() {
        return PepNodes.class;
    }

    @Override
    public HashMap<String, PepNode> apply(HashMap<String, PepNode> nodes, UserEvent event) {
        if (event instanceof PepNodeConfigured c) {
            if (nodes == null) nodes = new HashMap<>(8);
            PepNode before = nodes.get(c.node());
            nodes.put(c.node(), new PepNode(NodeConfig.fromMap(NodeConfig.PEP_DEFAULT, c.config()),
                    before == null ? Map.of() : before.affiliations()));
        } else if (event instanceof PepNodeDeleted d && nodes != null) {
            nodes.remove(d.node());
            if (nodes.isEmpty()) nodes = null;
        } else if (event instanceof PepAffiliationsSet a && nodes != null) {
            PepNode before = nodes.get(a.node());
            if (before != null) {
                Map<String, String> after = new HashMap<>(before.affiliations());
                a.affiliations().forEach((jid, affiliation) -> {
                    if ("none".equals(affiliation)) after.remove(jid);
                    else after.put(jid, affiliation);
                });
                nodes.put(a.node(), new PepNode(before.config(), after));
            }
        }
        return nodes;
    }

    @Override
    public KryoSerializable snapshot(HashMap<String, PepNode> nodes) {
        if (nodes == null || nodes.isEmpty()) return null;
        List<PepNodeConfigured> configured = new ArrayList<>(nodes.size());
        List<PepAffiliationsSet> affiliations = new ArrayList<>();
        for (Map.Entry<String, PepNode> n : new TreeMap<>(nodes).entrySet()) {
            configured.add(new PepNodeConfigured(n.getKey(), n.getValue().config().toMap()));
            if (!n.getValue().affiliations().isEmpty()) {
                affiliations.add(new PepAffiliationsSet(n.getKey(), n.getValue().affiliations()));
            }
        }
        return new PepNodes(configured, affiliations);
    }

    @Override
    public HashMap<String, PepNode> restore(KryoSerializable snapshot) {
        HashMap<String, PepNode> nodes = null;
        PepNodes s = (PepNodes) snapshot;
        for (PepNodeConfigured c : s.nodes()) nodes = apply(nodes, c);
        for (PepAffiliationsSet a : s.affiliations()) nodes = apply(nodes, a);
        return nodes;
    }

    @Override
    public HashMap<String, PepNode> fromV2(UserSnapshotV2 old) {
        return null;
    }
}

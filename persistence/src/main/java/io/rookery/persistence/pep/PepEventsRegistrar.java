package io.rookery.persistence.pep;

import static io.rookery.persistence.user.PersistedFields.readCount;
import static io.rookery.persistence.user.PersistedFields.layout;
import static io.rookery.persistence.user.PersistedFields.readString;
import static io.rookery.persistence.user.PersistedFields.readStringMap;
import static io.rookery.persistence.user.PersistedFields.writeCount;
import static io.rookery.persistence.user.PersistedFields.writeString;
import static io.rookery.persistence.user.PersistedFields.writeStringMap;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.rookery.persistence.kryo.KryoRegistrar;
import io.rookery.persistence.kryo.KryoRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Kryo ids 450-459: XEP-0163 personal node events and their snapshot part, in the formats of
 * {@code io.rookery.persistence.user.PersistedFields}. Append only: the next free id is 456.
 */
public final class PepEventsRegistrar implements KryoRegistrar {
    /** A node name: OMEMO's bundle nodes carry a device id, others a namespace. */
    private static final int MAX_NODE_BYTES = 1024;
    private static final int MAX_FIELD_BYTES = 64 * 1024;
    private static final int MAX_JID_BYTES = io.rookery.persistence.user.PersistedFields.MAX_JID_BYTES;
    /** A SHA-1 in hex is 40 characters; room for a longer hash later. */
    private static final int MAX_HASH_BYTES = 128;
    /** More nodes or affiliation sets than this in one snapshot is refused as corrupt. */
    private static final int MAX_NODES = 100_000;

    @Override
    public void register(KryoRegistry registry) {
        registry.register(PepNodeConfigured.class, 450, layout(PepEventsRegistrar::writeConfigured,
                PepEventsRegistrar::readConfigured));
        registry.register(PepNodeDeleted.class, 451, layout(
                (out, e) -> writeString(out, e.node(), MAX_NODE_BYTES, "node"),
                in -> new PepNodeDeleted(readString(in, MAX_NODE_BYTES, "node"))));
        registry.register(PepAffiliationsSet.class, 452, layout(PepEventsRegistrar::writeAffiliations,
                PepEventsRegistrar::readAffiliations));
        registry.register(PepNodes.class, 453, layout((out, s) -> {
            writeCount(out, s.nodes().size(), MAX_NODES, "nodes");
            for (PepNodeConfigured n : s.nodes()) writeConfigured(out, n);
            writeCount(out, s.affiliations().size(), MAX_NODES, "affiliation sets");
            for (PepAffiliationsSet a : s.affiliations()) writeAffiliations(out, a);
        }, in -> {
            int n = readCount(in, MAX_NODES, "nodes");
            List<PepNodeConfigured> nodes = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) nodes.add(readConfigured(in));
            int a = readCount(in, MAX_NODES, "affiliation sets");
            List<PepAffiliationsSet> affiliations = new ArrayList<>(Math.min(a, 1024));
            for (int i = 0; i < a; i++) affiliations.add(readAffiliations(in));
            return new PepNodes(nodes, affiliations);
        }));
        registry.register(AvatarHashSet.class, 454, layout(
                (out, e) -> writeString(out, e.sha1(), MAX_HASH_BYTES, "avatar hash"),
                in -> new AvatarHashSet(readString(in, MAX_HASH_BYTES, "avatar hash"))));
        registry.register(AvatarHash.class, 455, layout(
                (out, e) -> writeString(out, e.sha1(), MAX_HASH_BYTES, "avatar hash"),
                in -> new AvatarHash(readString(in, MAX_HASH_BYTES, "avatar hash"))));
    }

    private static void writeConfigured(Output out, PepNodeConfigured e) {
        writeString(out, e.node(), MAX_NODE_BYTES, "node");
        writeStringMap(out, e.config(), 256, MAX_FIELD_BYTES, "node config");
    }

    private static PepNodeConfigured readConfigured(Input in) {
        return new PepNodeConfigured(readString(in, MAX_NODE_BYTES, "node"),
                readStringMap(in, 256, MAX_FIELD_BYTES, "node config"));
    }

    private static void writeAffiliations(Output out, PepAffiliationsSet e) {
        writeString(out, e.node(), MAX_NODE_BYTES, "node");
        writeStringMap(out, e.affiliations(), MAX_JID_BYTES, 16, "affiliations");
    }

    private static PepAffiliationsSet readAffiliations(Input in) {
        return new PepAffiliationsSet(readString(in, MAX_NODE_BYTES, "node"),
                readStringMap(in, MAX_JID_BYTES, 16, "affiliations"));
    }

}

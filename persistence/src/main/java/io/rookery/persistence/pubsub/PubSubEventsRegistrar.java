package io.rookery.persistence.pubsub;

import static io.rookery.persistence.user.PersistedFields.MAX_JID_BYTES;
import static io.rookery.persistence.user.PersistedFields.readCount;
import static io.rookery.persistence.user.PersistedFields.readFlag;
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
 * Kryo ids 460-469: the events of the XEP-0060 service's node entities and their snapshot, in the formats of
 * {@code io.rookery.persistence.user.PersistedFields} (ids 470-479 are the node entities' messages, in
 * cluster-node). Append only: the next free id is 467; a line here is never removed or renumbered, and a
 * registered class's layout never changes.
 */
public final class PubSubEventsRegistrar implements KryoRegistrar {
    /** A configuration or options field's var is short; its value may be a title or a list. */
    private static final int MAX_VAR_BYTES = 256;
    private static final int MAX_FIELD_BYTES = 64 * 1024;
    private static final int MAX_SUBID_BYTES = 256;
    /** More subscriptions than this in one snapshot is refused as corrupt. */
    private static final int MAX_SUBSCRIPTIONS = 10_000_000;

    @Override
    public void register(KryoRegistry registry) {
        registry.register(NodeCreated.class, 460, layout((out, e) -> {
            writeString(out, e.owner(), MAX_JID_BYTES, "owner");
            writeStringMap(out, e.config(), MAX_VAR_BYTES, MAX_FIELD_BYTES, "node config");
        }, in -> new NodeCreated(readString(in, MAX_JID_BYTES, "owner"),
                readStringMap(in, MAX_VAR_BYTES, MAX_FIELD_BYTES, "node config"))));
        registry.register(NodeConfigured.class, 461, layout(
                (out, e) -> writeStringMap(out, e.config(), MAX_VAR_BYTES, MAX_FIELD_BYTES, "node config"),
                in -> new NodeConfigured(readStringMap(in, MAX_VAR_BYTES, MAX_FIELD_BYTES, "node config"))));
        registry.register(NodeAffiliationSet.class, 462, layout((out, e) -> {
            writeString(out, e.jid(), MAX_JID_BYTES, "jid");
            writeString(out, e.affiliation(), 16, "affiliation");
        }, in -> new NodeAffiliationSet(readString(in, MAX_JID_BYTES, "jid"), readString(in, 16, "affiliation"))));
        registry.register(NodeSubscribed.class, 463, layout(PubSubEventsRegistrar::writeSubscribed,
                PubSubEventsRegistrar::readSubscribed));
        registry.register(NodeUnsubscribed.class, 464, layout(
                (out, e) -> writeString(out, e.subid(), MAX_SUBID_BYTES, "subid"),
                in -> new NodeUnsubscribed(readString(in, MAX_SUBID_BYTES, "subid"))));
        registry.register(NodeDeleted.class, 465, layout((out, e) -> { }, in -> new NodeDeleted()));
        registry.register(NodeSnapshot.class, 466, layout((out, s) -> {
            out.writeByte(s.exists() ? 1 : 0);
            writeStringMap(out, s.config(), MAX_VAR_BYTES, MAX_FIELD_BYTES, "node config");
            writeStringMap(out, s.affiliations(), MAX_JID_BYTES, 16, "affiliations");
            writeCount(out, s.subscriptions().size(), MAX_SUBSCRIPTIONS, "subscriptions");
            for (NodeSubscribed sub : s.subscriptions()) writeSubscribed(out, sub);
        }, in -> {
            boolean exists = readFlag(in, "exists");
            var config = readStringMap(in, MAX_VAR_BYTES, MAX_FIELD_BYTES, "node config");
            var affiliations = readStringMap(in, MAX_JID_BYTES, 16, "affiliations");
            int n = readCount(in, MAX_SUBSCRIPTIONS, "subscriptions");
            List<NodeSubscribed> subscriptions = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) subscriptions.add(readSubscribed(in));
            return new NodeSnapshot(exists, config, affiliations, subscriptions);
        }));
    }

    private static void writeSubscribed(Output out, NodeSubscribed e) {
        writeString(out, e.jid(), MAX_JID_BYTES, "jid");
        writeString(out, e.subid(), MAX_SUBID_BYTES, "subid");
        writeStringMap(out, e.options(), MAX_VAR_BYTES, MAX_FIELD_BYTES, "subscription options");
    }

    private static NodeSubscribed readSubscribed(Input in) {
        return new NodeSubscribed(readString(in, MAX_JID_BYTES, "jid"), readString(in, MAX_SUBID_BYTES, "subid"),
                readStringMap(in, MAX_VAR_BYTES, MAX_FIELD_BYTES, "subscription options"));
    }

}

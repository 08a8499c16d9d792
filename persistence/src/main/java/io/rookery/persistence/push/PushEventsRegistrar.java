package io.rookery.persistence.push;

import static io.rookery.persistence.user.PersistedFields.layout;
import static io.rookery.persistence.user.PersistedFields.readCount;
import static io.rookery.persistence.user.PersistedFields.readNullableString;
import static io.rookery.persistence.user.PersistedFields.readString;
import static io.rookery.persistence.user.PersistedFields.writeCount;
import static io.rookery.persistence.user.PersistedFields.writeString;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.rookery.persistence.kryo.KryoRegistrar;
import io.rookery.persistence.kryo.KryoRegistry;
import io.rookery.persistence.user.PersistedFields;
import java.util.ArrayList;
import java.util.List;

/**
 * Kryo ids 560-569: XEP-0357 push registration events and their snapshot part, in the formats of
 * {@code io.rookery.persistence.user.PersistedFields}. Append only: the next free id is 563; a line here is never
 * removed or renumbered, and a registered class's layout never changes.
 */
public final class PushEventsRegistrar implements KryoRegistrar {
    /** App servers name nodes with tokens or hashes; Monal's and Conversations' are well under this. */
    public static final int MAX_NODE_BYTES = 1024;
    /** The publish-options form as written (a secret or two, in practice). */
    public static final int MAX_OPTIONS_BYTES = 16 * 1024;
    private static final int MAX_RESOURCE_BYTES = 1023;
    /** More registrations than this in one snapshot is refused as corrupt (the module keeps far fewer). */
    private static final int MAX_REGISTRATIONS = 1000;

    @Override
    public void register(KryoRegistry registry) {
        registry.register(PushEnabled.class, 560, layout(PushEventsRegistrar::writeEnabled,
                PushEventsRegistrar::readEnabled));
        registry.register(PushDisabled.class, 561, layout((out, e) -> {
            writeString(out, e.service(), PersistedFields.MAX_JID_BYTES, "push service");
            writeString(out, e.node(), MAX_NODE_BYTES, "push node");
        }, in -> new PushDisabled(readString(in, PersistedFields.MAX_JID_BYTES, "push service"),
                readNullableString(in, MAX_NODE_BYTES, "push node"))));
        registry.register(PushRegistrations.class, 562, layout((out, s) -> {
            writeCount(out, s.registrations().size(), MAX_REGISTRATIONS, "push registrations");
            for (PushEnabled e : s.registrations()) writeEnabled(out, e);
        }, in -> {
            int n = readCount(in, MAX_REGISTRATIONS, "push registrations");
            List<PushEnabled> registrations = new ArrayList<>(n);
            for (int i = 0; i < n; i++) registrations.add(readEnabled(in));
            return new PushRegistrations(registrations);
        }));
    }

    private static void writeEnabled(Output out, PushEnabled e) {
        writeString(out, e.service(), PersistedFields.MAX_JID_BYTES, "push service");
        writeString(out, e.node(), MAX_NODE_BYTES, "push node");
        writeString(out, e.publishOptions(), MAX_OPTIONS_BYTES, "push publish options");
        writeString(out, e.resource(), MAX_RESOURCE_BYTES, "push resource");
        out.writeVarLong(e.at(), true);
    }

    private static PushEnabled readEnabled(Input in) {
        return new PushEnabled(readString(in, PersistedFields.MAX_JID_BYTES, "push service"),
                readString(in, MAX_NODE_BYTES, "push node"),
                readNullableString(in, MAX_OPTIONS_BYTES, "push publish options"),
                readNullableString(in, MAX_RESOURCE_BYTES, "push resource"), in.readVarLong(true));
    }
}

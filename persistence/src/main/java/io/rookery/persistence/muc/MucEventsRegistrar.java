package io.rookery.persistence.muc;

import static io.rookery.persistence.user.PersistedFields.MAX_JID_BYTES;
import static io.rookery.persistence.user.PersistedFields.MAX_TEXT_BYTES;
import static io.rookery.persistence.user.PersistedFields.readFlag;
import static io.rookery.persistence.user.PersistedFields.readNullableString;
import static io.rookery.persistence.user.PersistedFields.layout;
import static io.rookery.persistence.user.PersistedFields.readString;
import static io.rookery.persistence.user.PersistedFields.readStringMap;
import static io.rookery.persistence.user.PersistedFields.writeString;
import static io.rookery.persistence.user.PersistedFields.writeStringMap;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.rookery.persistence.kryo.KryoRegistrar;
import io.rookery.persistence.kryo.KryoRegistry;

/**
 * Kryo ids 400-419: XEP-0045 room events and the room snapshot, in the formats of
 * {@code io.rookery.persistence.user.PersistedFields}. Append only: the next free id is 410; a line here is never
 * removed or renumbered, and a registered class's layout never changes.
 */
public final class MucEventsRegistrar implements KryoRegistrar {
    /** A configuration field's var, its value: a description or a list of JIDs fits. */
    private static final int MAX_FIELD_BYTES = 64 * 1024;

    @Override
    public void register(KryoRegistry registry) {
        registry.register(RoomCreated.class, 400, layout(
                (out, e) -> writeString(out, e.owner(), MAX_JID_BYTES, "owner"),
                in -> new RoomCreated(readString(in, MAX_JID_BYTES, "owner"))));
        registry.register(RoomConfigured.class, 401, layout(
                (out, e) -> writeStringMap(out, e.fields(), MAX_FIELD_BYTES, MAX_FIELD_BYTES, "room config"),
                in -> new RoomConfigured(readStringMap(in, MAX_FIELD_BYTES, MAX_FIELD_BYTES, "room config"))));
        registry.register(AffiliationSet.class, 402, layout((out, e) -> {
            writeString(out, e.jid(), MAX_JID_BYTES, "jid");
            writeString(out, e.affiliation(), 16, "affiliation");
            writeString(out, e.reason(), MAX_TEXT_BYTES, "reason");
        }, in -> new AffiliationSet(readString(in, MAX_JID_BYTES, "jid"), readString(in, 16, "affiliation"),
                readNullableString(in, MAX_TEXT_BYTES, "reason"))));
        registry.register(NickRegistered.class, 403, layout((out, e) -> {
            writeString(out, e.jid(), MAX_JID_BYTES, "jid");
            writeString(out, e.nick(), MAX_JID_BYTES, "nick");
        }, in -> new NickRegistered(readString(in, MAX_JID_BYTES, "jid"),
                readNullableString(in, MAX_JID_BYTES, "nick"))));
        registry.register(SubjectSet.class, 404, layout((out, e) -> {
            writeString(out, e.subject(), MAX_TEXT_BYTES, "subject");
            writeString(out, e.nick(), MAX_JID_BYTES, "nick");
        }, in -> new SubjectSet(readString(in, MAX_TEXT_BYTES, "subject"),
                readNullableString(in, MAX_JID_BYTES, "nick"))));
        registry.register(RoomDestroyed.class, 405, layout((out, e) -> {
            writeString(out, e.alternate(), MAX_JID_BYTES, "alternate");
            writeString(out, e.reason(), MAX_TEXT_BYTES, "reason");
        }, in -> new RoomDestroyed(readNullableString(in, MAX_JID_BYTES, "alternate"),
                readNullableString(in, MAX_TEXT_BYTES, "reason"))));
        registry.register(RoomSnapshot.class, 406, layout((out, s) -> {
            out.writeByte(s.exists() ? 1 : 0);
            writeStringMap(out, s.config(), MAX_FIELD_BYTES, MAX_FIELD_BYTES, "room config");
            writeStringMap(out, s.affiliations(), MAX_JID_BYTES, 16, "affiliations");
            writeStringMap(out, s.reasons(), MAX_JID_BYTES, MAX_TEXT_BYTES, "reasons");
            writeStringMap(out, s.nicks(), MAX_JID_BYTES, MAX_JID_BYTES, "nicks");
            writeString(out, s.subject(), MAX_TEXT_BYTES, "subject");
            writeString(out, s.subjectBy(), MAX_JID_BYTES, "subject's nick");
        }, in -> new RoomSnapshot(readFlag(in, "exists"),
                readStringMap(in, MAX_FIELD_BYTES, MAX_FIELD_BYTES, "room config"),
                readStringMap(in, MAX_JID_BYTES, 16, "affiliations"),
                readStringMap(in, MAX_JID_BYTES, MAX_TEXT_BYTES, "reasons"),
                readStringMap(in, MAX_JID_BYTES, MAX_JID_BYTES, "nicks"),
                readNullableString(in, MAX_TEXT_BYTES, "subject"),
                readNullableString(in, MAX_JID_BYTES, "subject's nick"))));
        registry.register(OccupantEntered.class, 407, layout((out, e) -> writeOccupant(out, e),
                MucEventsRegistrar::readOccupant));
        registry.register(OccupantLeft.class, 408, layout(
                (out, e) -> writeString(out, e.nick(), MAX_JID_BYTES, "nick"),
                in -> new OccupantLeft(readString(in, MAX_JID_BYTES, "nick"))));
        registry.register(RoomSnapshotV2.class, 409, new Serializer<RoomSnapshotV2>() {
            {
                setImmutable(true);
            }

            @Override
            public void write(Kryo kryo, Output out, RoomSnapshotV2 s) {
                kryo.writeObject(out, s.room());
                io.rookery.persistence.user.PersistedFields.writeCount(out, s.occupants().size(), MAX_OCCUPANTS,
                        "occupants");
                for (OccupantEntered o : s.occupants()) writeOccupant(out, o);
            }

            @Override
            public RoomSnapshotV2 read(Kryo kryo, Input in, Class<? extends RoomSnapshotV2> type) {
                RoomSnapshot room = kryo.readObject(in, RoomSnapshot.class);
                int n = io.rookery.persistence.user.PersistedFields.readCount(in, MAX_OCCUPANTS, "occupants");
                java.util.List<OccupantEntered> occupants = new java.util.ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) occupants.add(readOccupant(in));
                return new RoomSnapshotV2(room, occupants);
            }
        });
    }

    /** The most occupants a snapshot may list; more is refused as corrupt. */
    private static final int MAX_OCCUPANTS = 1_000_000;

    private static void writeOccupant(Output out, OccupantEntered e) {
        writeString(out, e.nick(), MAX_JID_BYTES, "nick");
        writeString(out, e.jid(), MAX_JID_BYTES, "jid");
        writeString(out, e.session(), MAX_JID_BYTES, "session");
        writeString(out, e.role(), 16, "role");
    }

    private static OccupantEntered readOccupant(Input in) {
        return new OccupantEntered(readString(in, MAX_JID_BYTES, "nick"), readString(in, MAX_JID_BYTES, "jid"),
                readNullableString(in, MAX_JID_BYTES, "session"), readString(in, 16, "role"));
    }

}

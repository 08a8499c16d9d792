package io.rookery.persistence.user;

import static io.rookery.persistence.user.PersistedFields.MAX_ITEMS;
import static io.rookery.persistence.user.PersistedFields.MAX_JID_BYTES;
import static io.rookery.persistence.user.PersistedFields.MAX_TEXT_BYTES;
import static io.rookery.persistence.user.PersistedFields.readCount;
import static io.rookery.persistence.user.PersistedFields.readObjects;
import static io.rookery.persistence.user.PersistedFields.readString;
import static io.rookery.persistence.user.PersistedFields.readStringMap;
import static io.rookery.persistence.user.PersistedFields.readStrings;
import static io.rookery.persistence.user.PersistedFields.writeCount;
import static io.rookery.persistence.user.PersistedFields.writeObjects;
import static io.rookery.persistence.user.PersistedFields.writeString;
import static io.rookery.persistence.user.PersistedFields.writeStringMap;
import static io.rookery.persistence.user.PersistedFields.writeStrings;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.rookery.persistence.blocking.Blocklist;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.mam.ArchivePrefs;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineQueue;
import io.rookery.persistence.offline.OfflineSpool;
import io.rookery.persistence.privatexml.PrivateXmlEntries;
import io.rookery.persistence.vcard.StoredVCard;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-written layouts of {@link UserSnapshotV3} and of the modules' snapshot parts, in the formats of
 * {@link PersistedFields}. Frozen by {@code SnapshotV3FrozenBytesTest}.
 */
final class SnapshotPartSerializers {
    /** Modules that keep account state; a snapshot with more parts than this is refused as corrupt. */
    static final int MAX_PARTS = 64;

    private SnapshotPartSerializers() {}

    static final class UserSnapshotV3Serializer extends Serializer<UserSnapshotV3> {
        UserSnapshotV3Serializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, UserSnapshotV3 s) {
            AccountFields.write(kryo, output, s.credentials(), s.exists(), s.roster(), s.rosterVersion(), s.pendingIn());
            writeCount(output, s.parts().size(), MAX_PARTS, "snapshot parts");
            // Each part with its registered class id: a reader knows every module's part, or fails on an unknown id.
            for (KryoSerializable part : s.parts()) kryo.writeClassAndObject(output, part);
        }

        @Override
        public UserSnapshotV3 read(Kryo kryo, Input input, Class<? extends UserSnapshotV3> type) {
            AccountFields a = AccountFields.read(kryo, input);
            int count = readCount(input, MAX_PARTS, "snapshot parts");
            List<KryoSerializable> parts = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                Object part = kryo.readClassAndObject(input);
                if (!(part instanceof KryoSerializable k)) throw new KryoException("not a snapshot part: " + part);
                parts.add(k);
            }
            return new UserSnapshotV3(a.credentials(), a.exists(), a.roster(), a.rosterVersion(), a.pendingIn(), parts);
        }
    }

    /** legacy messages (count, then OfflineMessage layouts), first, next, bytes (varlongs). */
    static final class OfflineSpoolSerializer extends Serializer<OfflineSpool> {
        OfflineSpoolSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, OfflineSpool s) {
            writeObjects(kryo, output, s.legacy(), MAX_ITEMS, "legacy offline messages");
            output.writeVarLong(s.first(), true);
            output.writeVarLong(s.next(), true);
            output.writeVarLong(s.bytes(), true);
        }

        @Override
        public OfflineSpool read(Kryo kryo, Input input, Class<? extends OfflineSpool> type) {
            List<OfflineMessage> legacy = readObjects(kryo, input, OfflineMessage.class, MAX_ITEMS,
                    "legacy offline messages");
            long first = input.readVarLong(true);
            long next = input.readVarLong(true);
            long bytes = input.readVarLong(true);
            try {
                return new OfflineSpool(legacy, first, next, bytes);
            } catch (IllegalArgumentException e) {
                throw new KryoException("corrupt offline spool: " + e.getMessage());
            }
        }
    }

    static final class OfflineQueueSerializer extends Serializer<OfflineQueue> {
        OfflineQueueSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, OfflineQueue q) {
            writeObjects(kryo, output, q.messages(), MAX_ITEMS, "offline messages");
        }

        @Override
        public OfflineQueue read(Kryo kryo, Input input, Class<? extends OfflineQueue> type) {
            return new OfflineQueue(readObjects(kryo, input, OfflineMessage.class, MAX_ITEMS, "offline messages"));
        }
    }

    static final class BlocklistSerializer extends Serializer<Blocklist> {
        BlocklistSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, Blocklist b) {
            writeStrings(output, b.jids(), MAX_JID_BYTES, "blocked JID");
        }

        @Override
        public Blocklist read(Kryo kryo, Input input, Class<? extends Blocklist> type) {
            return new Blocklist(readStrings(input, MAX_JID_BYTES, "blocked JID"));
        }
    }

    static final class StoredVCardSerializer extends Serializer<StoredVCard> {
        StoredVCardSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, StoredVCard v) {
            writeString(output, v.vcardXml(), MAX_TEXT_BYTES, "vCard");
        }

        @Override
        public StoredVCard read(Kryo kryo, Input input, Class<? extends StoredVCard> type) {
            return new StoredVCard(readString(input, MAX_TEXT_BYTES, "vCard"));
        }
    }

    static final class PrivateXmlEntriesSerializer extends Serializer<PrivateXmlEntries> {
        PrivateXmlEntriesSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, PrivateXmlEntries p) {
            writeStringMap(output, p.entries(), MAX_TEXT_BYTES, MAX_TEXT_BYTES, "private XML");
        }

        @Override
        public PrivateXmlEntries read(Kryo kryo, Input input, Class<? extends PrivateXmlEntries> type) {
            return new PrivateXmlEntries(readStringMap(input, MAX_TEXT_BYTES, MAX_TEXT_BYTES, "private XML"));
        }
    }

    /** mode (a byte), the bare JIDs always archived, those never archived. */
    static final class ArchivePrefsSerializer extends Serializer<ArchivePrefs> {
        ArchivePrefsSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, ArchivePrefs p) {
            output.writeByte(p.mode());
            writeStrings(output, p.always(), MAX_JID_BYTES, "always-archived JID");
            writeStrings(output, p.never(), MAX_JID_BYTES, "never-archived JID");
        }

        @Override
        public ArchivePrefs read(Kryo kryo, Input input,
                Class<? extends ArchivePrefs> type) {
            int mode = input.readByte();
            List<String> always = readStrings(input, MAX_JID_BYTES, "always-archived JID");
            List<String> never = readStrings(input, MAX_JID_BYTES, "never-archived JID");
            try {
                return new ArchivePrefs(mode, always, never);
            } catch (IllegalArgumentException e) {
                throw new KryoException("corrupt archive preferences: " + e.getMessage());
            }
        }
    }
}

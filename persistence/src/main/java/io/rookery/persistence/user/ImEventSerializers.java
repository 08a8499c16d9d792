package io.rookery.persistence.user;

import static io.rookery.persistence.user.PersistedFields.MAX_ITEMS;
import static io.rookery.persistence.user.PersistedFields.MAX_JID_BYTES;
import static io.rookery.persistence.user.PersistedFields.MAX_TEXT_BYTES;
import static io.rookery.persistence.user.PersistedFields.readFlag;
import static io.rookery.persistence.user.PersistedFields.readNullableString;
import static io.rookery.persistence.user.PersistedFields.readObjects;
import static io.rookery.persistence.user.PersistedFields.readString;
import static io.rookery.persistence.user.PersistedFields.readStringMap;
import static io.rookery.persistence.user.PersistedFields.readStrings;
import static io.rookery.persistence.user.PersistedFields.writeObjects;
import static io.rookery.persistence.user.PersistedFields.writeString;
import static io.rookery.persistence.user.PersistedFields.writeStringMap;
import static io.rookery.persistence.user.PersistedFields.writeStrings;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.rookery.persistence.blocking.JidsBlocked;
import io.rookery.persistence.blocking.JidsUnblocked;
import io.rookery.persistence.mam.ArchivePrefs;
import io.rookery.persistence.mam.ArchivePrefsSet;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineMessageSpooled;
import io.rookery.persistence.offline.OfflineMessageStored;
import io.rookery.persistence.offline.OfflineMessagesDelivered;
import io.rookery.persistence.offline.OfflineSpoolDelivered;
import io.rookery.persistence.privatexml.PrivateXmlStored;
import io.rookery.persistence.roster.RosterItem;
import io.rookery.persistence.roster.RosterItemRemoved;
import io.rookery.persistence.roster.RosterItemSaved;
import io.rookery.persistence.roster.Subscription;
import io.rookery.persistence.roster.SubscriptionRequestCleared;
import io.rookery.persistence.roster.SubscriptionRequestStored;
import io.rookery.persistence.vcard.VCardStored;
import io.rookery.protocol.sasl.ScramCredentials;
import java.util.List;

/**
 * Hand-written layouts for the instant-messaging events and {@link UserSnapshotV2}: every field is written
 * explicitly, in a fixed order, in the formats of {@link PersistedFields}. Frozen by {@code ImEventsFrozenBytesTest}.
 */
final class ImEventSerializers {

    private ImEventSerializers() {
    }

    /** A stable code per state (1 byte), independent of the enum's declaration order. */
    static final class SubscriptionSerializer extends Serializer<Subscription> {
        SubscriptionSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, Subscription s) {
            output.writeByte(code(s));
        }

        @Override
        public Subscription read(Kryo kryo, Input input, Class<? extends Subscription> type) {
            return subscription(input.readByte());
        }

        /** Exhaustive on purpose: a new state does not compile until it has a code here. */
        static int code(Subscription s) {
            return switch (s) {
                case NONE -> 0;
                case TO -> 1;
                case FROM -> 2;
                case BOTH -> 3;
            };
        }

        static Subscription subscription(int code) {
            return switch (code) {
                case 0 -> Subscription.NONE;
                case 1 -> Subscription.TO;
                case 2 -> Subscription.FROM;
                case 3 -> Subscription.BOTH;
                default -> throw new KryoException("unknown subscription code " + code);
            };
        }
    }

    /** jid, name (nullable), groups, subscription code (1 byte), pendingOut (1 byte), approved (1 byte). */
    static final class RosterItemSerializer extends Serializer<RosterItem> {
        RosterItemSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, RosterItem item) {
            writeString(output, item.jid(), MAX_JID_BYTES, "roster item JID");
            writeString(output, item.name(), MAX_TEXT_BYTES, "roster item name");
            writeStrings(output, item.groups(), MAX_TEXT_BYTES, "roster group");
            output.writeByte(SubscriptionSerializer.code(item.subscription()));
            output.writeBoolean(item.pendingOut());
            output.writeBoolean(item.approved());
        }

        @Override
        public RosterItem read(Kryo kryo, Input input, Class<? extends RosterItem> type) {
            String jid = readString(input, MAX_JID_BYTES, "roster item JID");
            String name = readNullableString(input, MAX_TEXT_BYTES, "roster item name");
            List<String> groups = readStrings(input, MAX_TEXT_BYTES, "roster group");
            Subscription subscription = SubscriptionSerializer.subscription(input.readByte());
            boolean pendingOut = readFlag(input, "pending-out");
            boolean approved = readFlag(input, "approved");
            return new RosterItem(jid, name, groups, subscription, pendingOut, approved);
        }
    }

    /** item (RosterItem's layout), rosterVersion (8 bytes). */
    static final class RosterItemSavedSerializer extends Serializer<RosterItemSaved> {
        RosterItemSavedSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, RosterItemSaved e) {
            kryo.writeObject(output, e.item());
            output.writeLong(e.rosterVersion());
        }

        @Override
        public RosterItemSaved read(Kryo kryo, Input input, Class<? extends RosterItemSaved> type) {
            RosterItem item = kryo.readObject(input, RosterItem.class);
            return new RosterItemSaved(item, input.readLong());
        }
    }

    /** jid, rosterVersion (8 bytes). */
    static final class RosterItemRemovedSerializer extends Serializer<RosterItemRemoved> {
        RosterItemRemovedSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, RosterItemRemoved e) {
            writeString(output, e.jid(), MAX_JID_BYTES, "roster item JID");
            output.writeLong(e.rosterVersion());
        }

        @Override
        public RosterItemRemoved read(Kryo kryo, Input input, Class<? extends RosterItemRemoved> type) {
            String jid = readString(input, MAX_JID_BYTES, "roster item JID");
            return new RosterItemRemoved(jid, input.readLong());
        }
    }

    /** fromJid, presenceXml. */
    static final class SubscriptionRequestStoredSerializer extends Serializer<SubscriptionRequestStored> {
        SubscriptionRequestStoredSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, SubscriptionRequestStored e) {
            writeString(output, e.fromJid(), MAX_JID_BYTES, "subscription request JID");
            writeString(output, e.presenceXml(), MAX_TEXT_BYTES, "subscription request presence");
        }

        @Override
        public SubscriptionRequestStored read(Kryo kryo, Input input,
                Class<? extends SubscriptionRequestStored> type) {
            String fromJid = readString(input, MAX_JID_BYTES, "subscription request JID");
            return new SubscriptionRequestStored(fromJid,
                    readString(input, MAX_TEXT_BYTES, "subscription request presence"));
        }
    }

    /** fromJid. */
    static final class SubscriptionRequestClearedSerializer extends Serializer<SubscriptionRequestCleared> {
        SubscriptionRequestClearedSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, SubscriptionRequestCleared e) {
            writeString(output, e.fromJid(), MAX_JID_BYTES, "subscription request JID");
        }

        @Override
        public SubscriptionRequestCleared read(Kryo kryo, Input input,
                Class<? extends SubscriptionRequestCleared> type) {
            return new SubscriptionRequestCleared(readString(input, MAX_JID_BYTES, "subscription request JID"));
        }
    }

    /** stanzaXml, receivedAtMillis (8 bytes). */
    static final class OfflineMessageSerializer extends Serializer<OfflineMessage> {
        OfflineMessageSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, OfflineMessage m) {
            writeString(output, m.stanzaXml(), MAX_TEXT_BYTES, "offline message");
            output.writeLong(m.receivedAtMillis());
        }

        @Override
        public OfflineMessage read(Kryo kryo, Input input, Class<? extends OfflineMessage> type) {
            String stanzaXml = readString(input, MAX_TEXT_BYTES, "offline message");
            return new OfflineMessage(stanzaXml, input.readLong());
        }
    }

    /** message (OfflineMessage's layout). */
    static final class OfflineMessageStoredSerializer extends Serializer<OfflineMessageStored> {
        OfflineMessageStoredSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, OfflineMessageStored e) {
            kryo.writeObject(output, e.message());
        }

        @Override
        public OfflineMessageStored read(Kryo kryo, Input input, Class<? extends OfflineMessageStored> type) {
            return new OfflineMessageStored(kryo.readObject(input, OfflineMessage.class));
        }
    }

    /** seq (varlong), bytes (varint). */
    static final class OfflineMessageSpooledSerializer extends Serializer<OfflineMessageSpooled> {
        OfflineMessageSpooledSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, OfflineMessageSpooled e) {
            output.writeVarLong(e.seq(), true);
            output.writeVarInt(e.bytes(), true);
        }

        @Override
        public OfflineMessageSpooled read(Kryo kryo, Input input, Class<? extends OfflineMessageSpooled> type) {
            long seq = input.readVarLong(true);
            int bytes = input.readVarInt(true);
            if (seq < 0 || bytes < 0) throw new KryoException("corrupt spooled message: " + seq + ", " + bytes);
            return new OfflineMessageSpooled(seq, bytes);
        }
    }

    /** upToSeq, bytes (varlongs). */
    static final class OfflineSpoolDeliveredSerializer extends Serializer<OfflineSpoolDelivered> {
        OfflineSpoolDeliveredSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, OfflineSpoolDelivered e) {
            output.writeVarLong(e.upToSeq(), true);
            output.writeVarLong(e.bytes(), true);
        }

        @Override
        public OfflineSpoolDelivered read(Kryo kryo, Input input, Class<? extends OfflineSpoolDelivered> type) {
            long upTo = input.readVarLong(true);
            long bytes = input.readVarLong(true);
            if (upTo < 0 || bytes < 0) throw new KryoException("corrupt spool delivery: " + upTo + ", " + bytes);
            return new OfflineSpoolDelivered(upTo, bytes);
        }
    }

    /** count (varint). */
    static final class OfflineMessagesDeliveredSerializer extends Serializer<OfflineMessagesDelivered> {
        OfflineMessagesDeliveredSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, OfflineMessagesDelivered e) {
            output.writeVarInt(e.count(), true);
        }

        @Override
        public OfflineMessagesDelivered read(Kryo kryo, Input input,
                Class<? extends OfflineMessagesDelivered> type) {
            return new OfflineMessagesDelivered(input.readVarInt(true));
        }
    }

    /** jids. */
    static final class JidsBlockedSerializer extends Serializer<JidsBlocked> {
        JidsBlockedSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, JidsBlocked e) {
            writeStrings(output, e.jids(), MAX_JID_BYTES, "blocked JID");
        }

        @Override
        public JidsBlocked read(Kryo kryo, Input input, Class<? extends JidsBlocked> type) {
            return new JidsBlocked(readStrings(input, MAX_JID_BYTES, "blocked JID"));
        }
    }

    /** jids (none: all were unblocked). */
    static final class JidsUnblockedSerializer extends Serializer<JidsUnblocked> {
        JidsUnblockedSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, JidsUnblocked e) {
            writeStrings(output, e.jids(), MAX_JID_BYTES, "unblocked JID");
        }

        @Override
        public JidsUnblocked read(Kryo kryo, Input input, Class<? extends JidsUnblocked> type) {
            return new JidsUnblocked(readStrings(input, MAX_JID_BYTES, "unblocked JID"));
        }
    }

    /** vcardXml (nullable). */
    static final class VCardStoredSerializer extends Serializer<VCardStored> {
        VCardStoredSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, VCardStored e) {
            writeString(output, e.vcardXml(), MAX_TEXT_BYTES, "vCard");
        }

        @Override
        public VCardStored read(Kryo kryo, Input input, Class<? extends VCardStored> type) {
            return new VCardStored(readNullableString(input, MAX_TEXT_BYTES, "vCard"));
        }
    }

    /** key, xml. */
    static final class PrivateXmlStoredSerializer extends Serializer<PrivateXmlStored> {
        PrivateXmlStoredSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, PrivateXmlStored e) {
            writeString(output, e.key(), MAX_TEXT_BYTES, "private XML key");
            writeString(output, e.xml(), MAX_TEXT_BYTES, "private XML");
        }

        @Override
        public PrivateXmlStored read(Kryo kryo, Input input, Class<? extends PrivateXmlStored> type) {
            String key = readString(input, MAX_TEXT_BYTES, "private XML key");
            return new PrivateXmlStored(key, readString(input, MAX_TEXT_BYTES, "private XML"));
        }
    }

    /**
     * credentials (count, then ScramCredentials' layout each), exists (1 byte), roster (count, then RosterItem's
     * layout each), rosterVersion (8 bytes), pendingIn (JID to presence, by key), offline (count, then
     * OfflineMessage's layout each), blocklist, vcardXml (nullable), privateXml (key to element, by key).
     */
    static final class UserSnapshotV2Serializer extends Serializer<UserSnapshotV2> {
        UserSnapshotV2Serializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, UserSnapshotV2 s) {
            AccountFields.write(kryo, output, s.credentials(), s.exists(), s.roster(), s.rosterVersion(), s.pendingIn());
            writeObjects(kryo, output, s.offline(), MAX_ITEMS, "offline messages");
            writeStrings(output, s.blocklist(), MAX_JID_BYTES, "blocked JID");
            writeString(output, s.vcardXml(), MAX_TEXT_BYTES, "vCard");
            writeStringMap(output, s.privateXml(), MAX_TEXT_BYTES, MAX_TEXT_BYTES, "private XML");
        }

        @Override
        public UserSnapshotV2 read(Kryo kryo, Input input, Class<? extends UserSnapshotV2> type) {
            AccountFields a = AccountFields.read(kryo, input);
            List<OfflineMessage> offline =
                    readObjects(kryo, input, OfflineMessage.class, MAX_ITEMS, "offline messages");
            List<String> blocklist = readStrings(input, MAX_JID_BYTES, "blocked JID");
            String vcardXml = readNullableString(input, MAX_TEXT_BYTES, "vCard");
            var privateXml = readStringMap(input, MAX_TEXT_BYTES, MAX_TEXT_BYTES, "private XML");
            return new UserSnapshotV2(a.credentials(), a.exists(), a.roster(), a.rosterVersion(), a.pendingIn(),
                    offline, blocklist, vcardXml, privateXml);
        }
    }

    /** The preferences, written as their snapshot part is. */
    static final class ArchivePrefsSetSerializer extends Serializer<ArchivePrefsSet> {
        private final SnapshotPartSerializers.ArchivePrefsSerializer prefs =
                new SnapshotPartSerializers.ArchivePrefsSerializer();

        ArchivePrefsSetSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, ArchivePrefsSet e) {
            prefs.write(kryo, output, e.prefs());
        }

        @Override
        public ArchivePrefsSet read(Kryo kryo, Input input,
                Class<? extends ArchivePrefsSet> type) {
            return new ArchivePrefsSet(
                    prefs.read(kryo, input, ArchivePrefs.class));
        }
    }
}

package io.rookery.persistence.user;

import io.rookery.persistence.blocking.Blocklist;
import io.rookery.persistence.blocking.JidsBlocked;
import io.rookery.persistence.blocking.JidsUnblocked;
import io.rookery.persistence.kryo.KryoRegistrar;
import io.rookery.persistence.kryo.KryoRegistry;
import io.rookery.persistence.mam.ArchivePrefs;
import io.rookery.persistence.mam.ArchivePrefsSet;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineMessageSpooled;
import io.rookery.persistence.offline.OfflineMessageStored;
import io.rookery.persistence.offline.OfflineMessagesDelivered;
import io.rookery.persistence.offline.OfflineQueue;
import io.rookery.persistence.offline.OfflineSpool;
import io.rookery.persistence.offline.OfflineSpoolDelivered;
import io.rookery.persistence.privatexml.PrivateXmlEntries;
import io.rookery.persistence.privatexml.PrivateXmlStored;
import io.rookery.persistence.roster.RosterItem;
import io.rookery.persistence.roster.RosterItemRemoved;
import io.rookery.persistence.roster.RosterItemSaved;
import io.rookery.persistence.roster.Subscription;
import io.rookery.persistence.roster.SubscriptionRequestCleared;
import io.rookery.persistence.roster.SubscriptionRequestStored;
import io.rookery.persistence.vcard.StoredVCard;
import io.rookery.persistence.vcard.VCardStored;

/**
 * Kryo ids 106-119 of the user range: instant-messaging events (roster and subscriptions, offline messages,
 * blocking, vCard, private XML), {@link UserSnapshotV2}, then (120-124) {@link UserSnapshotV3} and the modules'
 * snapshot parts, then (125-127) the offline spool, then (128-129) the XEP-0313 archive preferences, then (130-131)
 * accounts disabled and enabled again (XEP-0133). Append only: the next free
 * user id is 132; a line here is never removed or renumbered, and a
 * registered class's serializer never changes its layout.
 */
public final class ImEventsRegistrar implements KryoRegistrar {

    @Override
    public void register(KryoRegistry registry) {
        registry.register(Subscription.class, 106, new ImEventSerializers.SubscriptionSerializer());
        registry.register(RosterItem.class, 107, new ImEventSerializers.RosterItemSerializer());
        registry.register(RosterItemSaved.class, 108, new ImEventSerializers.RosterItemSavedSerializer());
        registry.register(RosterItemRemoved.class, 109, new ImEventSerializers.RosterItemRemovedSerializer());
        registry.register(SubscriptionRequestStored.class, 110,
                new ImEventSerializers.SubscriptionRequestStoredSerializer());
        registry.register(SubscriptionRequestCleared.class, 111,
                new ImEventSerializers.SubscriptionRequestClearedSerializer());
        registry.register(OfflineMessage.class, 112, new ImEventSerializers.OfflineMessageSerializer());
        registry.register(OfflineMessageStored.class, 113, new ImEventSerializers.OfflineMessageStoredSerializer());
        registry.register(OfflineMessagesDelivered.class, 114,
                new ImEventSerializers.OfflineMessagesDeliveredSerializer());
        registry.register(JidsBlocked.class, 115, new ImEventSerializers.JidsBlockedSerializer());
        registry.register(JidsUnblocked.class, 116, new ImEventSerializers.JidsUnblockedSerializer());
        registry.register(VCardStored.class, 117, new ImEventSerializers.VCardStoredSerializer());
        registry.register(PrivateXmlStored.class, 118, new ImEventSerializers.PrivateXmlStoredSerializer());
        registry.register(UserSnapshotV2.class, 119, new ImEventSerializers.UserSnapshotV2Serializer());
        registry.register(UserSnapshotV3.class, 120, new SnapshotPartSerializers.UserSnapshotV3Serializer());
        registry.register(OfflineQueue.class, 121, new SnapshotPartSerializers.OfflineQueueSerializer());
        registry.register(Blocklist.class, 122, new SnapshotPartSerializers.BlocklistSerializer());
        registry.register(StoredVCard.class, 123, new SnapshotPartSerializers.StoredVCardSerializer());
        registry.register(PrivateXmlEntries.class, 124, new SnapshotPartSerializers.PrivateXmlEntriesSerializer());
        registry.register(OfflineMessageSpooled.class, 125, new ImEventSerializers.OfflineMessageSpooledSerializer());
        registry.register(OfflineSpoolDelivered.class, 126, new ImEventSerializers.OfflineSpoolDeliveredSerializer());
        registry.register(OfflineSpool.class, 127, new SnapshotPartSerializers.OfflineSpoolSerializer());
        registry.register(ArchivePrefs.class, 128,
                new SnapshotPartSerializers.ArchivePrefsSerializer());
        registry.register(ArchivePrefsSet.class, 129,
                new ImEventSerializers.ArchivePrefsSetSerializer());
        registry.register(AccountDisabled.class, 130, new UserEventSerializers.AccountDisabledSerializer());
        registry.register(AccountEnabled.class, 131, new UserEventSerializers.AccountEnabledSerializer());
    }
}

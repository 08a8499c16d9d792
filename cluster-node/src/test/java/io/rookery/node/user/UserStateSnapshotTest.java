package io.rookery.node.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Modules;
import io.rookery.node.ext.offline.OfflineModule;
import io.rookery.node.ext.privatexml.PrivateXmlModule;
import io.rookery.node.ext.vcard.VCardModule;
import io.rookery.persistence.blocking.Blocklist;
import io.rookery.persistence.blocking.JidsBlocked;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineMessageStored;
import io.rookery.persistence.offline.OfflineQueue;
import io.rookery.persistence.privatexml.PrivateXmlEntries;
import io.rookery.persistence.privatexml.PrivateXmlStored;
import io.rookery.persistence.roster.RosterItem;
import io.rookery.persistence.roster.RosterItemSaved;
import io.rookery.persistence.roster.Subscription;
import io.rookery.persistence.user.AccountCreated;
import io.rookery.persistence.user.UserSnapshotV2;
import io.rookery.persistence.user.UserSnapshotV3;
import io.rookery.persistence.vcard.StoredVCard;
import io.rookery.persistence.vcard.VCardStored;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The account's state split into the modules' parts: snapshots of both layouts load, nothing stored is dropped. */
class UserStateSnapshotTest {
    private static final ScramCredentials KEYS = new ScramCredentials(ScramHash.SHA_256, new byte[] {1}, 4096,
            new byte[] {2}, new byte[] {3});
    private static final RosterItem ROMEO = new RosterItem("romeo@example.net", "Romeo", List.of(), Subscription.BOTH,
            false, false);
    private static final OfflineMessage HELLO = new OfflineMessage("<message><body>hi</body></message>", 1L);

    private static Modules modules(String overrides) {
        return Modules.fromConfig(ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()),
                Clock.systemUTC(), Instant.now());
    }

    private static UserState filled(Modules modules) {
        UserState s = new UserState(modules.parts());
        s.apply(new AccountCreated(List.of(KEYS), 0L))
                .apply(new RosterItemSaved(ROMEO, 3L))
                .apply(new OfflineMessageStored(HELLO))
                .apply(new io.rookery.persistence.offline.OfflineMessageSpooled(7_000, 40))
                .apply(new io.rookery.persistence.offline.OfflineMessageSpooled(7_001, 60))
                .apply(new io.rookery.persistence.offline.OfflineSpoolDelivered(7_000, 40))
                .apply(new JidsBlocked(List.of("spam@example.org")))
                .apply(new VCardStored("<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>"))
                .apply(new PrivateXmlStored("a b", "<a xmlns='b'/>"));
        return s;
    }

    private static void assertHoldsEverything(UserState s) {
        assertTrue(s.exists());
        assertEquals(ROMEO, s.rosterItem("romeo@example.net"));
        assertEquals(3L, s.rosterVersion);
        assertEquals(List.of(HELLO), s.part(OfflineModule.QUEUE).legacy());
        assertEquals(Set.of("spam@example.org"), Set.copyOf(s.part(io.rookery.node.ext.blocking.BlockingModule.BLOCKLIST)));
        assertEquals("<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>", s.part(VCardModule.VCARD));
        assertEquals(Map.of("a b", "<a xmlns='b'/>"), s.part(PrivateXmlModule.ENTRIES));
    }

    @Test
    void aSnapshotHasOnePartPerModuleThatHoldsSomethingAndLoadsBack() {
        Modules modules = modules("");
        UserSnapshotV3 snapshot = filled(modules).toSnapshot();
        // The spool's range and weight, not its messages (those are in the store).
        assertTrue(snapshot.parts().contains(new io.rookery.persistence.offline.OfflineSpool(List.of(HELLO), 7_001,
                7_002, 60)), snapshot::toString);
        assertEquals(Set.of(io.rookery.persistence.offline.OfflineSpool.class, Blocklist.class, StoredVCard.class, PrivateXmlEntries.class),
                Set.copyOf(snapshot.parts().stream().map(Object::getClass).toList()));
        assertHoldsEverything(UserState.fromSnapshot(modules.parts(), snapshot));
        // An account that used no module has no parts at all.
        UserState bare = new UserState(modules.parts()).apply(new AccountCreated(List.of(KEYS), 0L));
        assertEquals(List.of(), bare.toSnapshot().parts());
    }

    @Test
    void aDisabledAccountStaysDisabledThroughItsSnapshotAndNotAfterEnablingOrDeletion() {
        Modules modules = modules("");
        UserState s = filled(modules).apply(new io.rookery.persistence.user.AccountDisabled(5L));
        UserSnapshotV3 snapshot = s.toSnapshot();
        assertTrue(snapshot.parts().contains(new io.rookery.persistence.user.AccountDisabled(5L)), snapshot::toString);
        UserState loaded = UserState.fromSnapshot(modules.parts(), snapshot);
        assertTrue(loaded.disabled());
        assertHoldsEverything(loaded);
        loaded.apply(new io.rookery.persistence.user.AccountEnabled(6L));
        assertTrue(!loaded.disabled());
        assertTrue(!UserState.fromSnapshot(modules.parts(), loaded.toSnapshot()).disabled());
        UserState gone = filled(modules).apply(new io.rookery.persistence.user.AccountDisabled(5L))
                .apply(new io.rookery.persistence.user.AccountDeleted(7L));
        assertTrue(!gone.disabled(), "a new account of the same name starts enabled");
    }

    @Test
    void aSnapshotWrittenBeforePartsExistedLoadsIntoTheParts() {
        UserSnapshotV2 old = new UserSnapshotV2(List.of(KEYS), true, List.of(ROMEO), 3L, Map.of(), List.of(HELLO),
                List.of("spam@example.org"), "<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>",
                Map.of("a b", "<a xmlns='b'/>"));
        Modules modules = modules("");
        UserState loaded = UserState.fromSnapshot(modules.parts(), old);
        assertHoldsEverything(loaded);
        assertHoldsEverything(UserState.fromSnapshot(modules.parts(), loaded.toSnapshot()));
    }

    @Test
    void anOfflineQueueOfAnEarlierReleaseLoadsAsLegacyMessagesBeforeTheSpool() {
        Modules modules = modules("");
        UserSnapshotV3 old = new UserSnapshotV3(List.of(KEYS), true, List.of(), 0L, Map.of(),
                List.of(new OfflineQueue(List.of(HELLO))));
        UserState loaded = UserState.fromSnapshot(modules.parts(), old);
        assertEquals(List.of(HELLO), loaded.part(OfflineModule.QUEUE).legacy());
        assertEquals(1, loaded.part(OfflineModule.QUEUE).count());
        // Written back in the new form, the old messages kept.
        UserSnapshotV3 again = loaded.toSnapshot();
        assertEquals(List.of(new io.rookery.persistence.offline.OfflineSpool(List.of(HELLO), 0, 0, 0)), again.parts());
    }

    @Test
    void aSwitchedOffModuleAnswersNothingButItsPartIsKept() {
        Modules off = modules("rookery.modules.vcard.enabled = off");
        UserState s = filled(off);
        assertEquals("<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>", s.part(VCardModule.VCARD));
        Element get = Element.builder("iq", Namespaces.CLIENT).attr("type", "get").attr("id", "v")
                .child(Element.of("vCard", "vcard-temp")).build();
        assertNull(off.handle(AddressKind.OWN_ACCOUNT, get, null));
        assertHoldsEverything(UserState.fromSnapshot(off.parts(), s.toSnapshot()));
    }

    @Test
    void aPartOfAModuleThisNodeDoesNotHaveIsWrittenBackUnchanged() {
        UserSnapshotV3 full = filled(modules("")).toSnapshot();
        Modules without = modules("rookery.modules.vcard = null");
        UserState loaded = UserState.fromSnapshot(without.parts(), full);
        assertNull(loaded.part(VCardModule.VCARD));
        UserSnapshotV3 again = loaded.toSnapshot();
        assertTrue(again.parts().contains(new StoredVCard("<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>")),
                again::toString);
        assertHoldsEverything(UserState.fromSnapshot(modules("").parts(), again));
    }
}

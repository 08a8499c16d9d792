package io.rookery.node.user;

import io.rookery.node.ext.AccountParts;
import io.rookery.node.ext.PartKey;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.roster.RosterItem;
import io.rookery.persistence.roster.RosterItemRemoved;
import io.rookery.persistence.roster.RosterItemSaved;
import io.rookery.persistence.roster.SubscriptionRequestCleared;
import io.rookery.persistence.roster.SubscriptionRequestStored;
import io.rookery.persistence.user.AccountCreated;
import io.rookery.persistence.user.AccountDeleted;
import io.rookery.persistence.user.AccountDisabled;
import io.rookery.persistence.user.AccountEnabled;
import io.rookery.persistence.user.PasswordChanged;
import io.rookery.persistence.user.UserEvent;
import io.rookery.persistence.user.UserSnapshot;
import io.rookery.persistence.user.UserSnapshotV2;
import io.rookery.persistence.user.UserSnapshotV3;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What an account owns and persists: the core's SCRAM keys, roster and pending inbound subscription requests, then
 * one part per module that keeps account state ({@link AccountParts}: offline messages, blocklist, vCard, private
 * XML...), read with {@link #part}. Mutable and owned by the entity alone (Pekko allows that for event-sourced state); snapshots are
 * immutable copies. Collections and parts are created on first use: most entities hold few of them.
 */
public final class UserState {
    private final AccountParts parts;
    List<ScramCredentials> credentials;
    private Map<String, RosterItem> roster;
    /** {@link #sizeOf} summed over the roster. */
    private long rosterBytes;
    long rosterVersion;
    private Map<String, String> pendingIn;
    /** The modules' parts by number; null until one holds something. */
    private Object[] partStates;
    /** Snapshot parts of modules this node does not know: written back unchanged so nothing is lost. */
    private List<KryoSerializable> unknownParts;
    /**
     * Set while an administrator has the account disabled (XEP-0133 §4.3): it may not log in. Kept in snapshots as
     * a part of its own (the event itself), so the snapshot layout did not change for it.
     */
    private AccountDisabled disabled;

    UserState(AccountParts parts) {
        this.parts = parts;
    }

    boolean exists() {
        return credentials != null;
    }

    boolean disabled() {
        return disabled != null;
    }

    Optional<ScramCredentials> credentialsFor(ScramHash hash) {
        if (credentials == null) return Optional.empty();
        return credentials.stream().filter(c -> c.hash() == hash).findFirst();
    }

    RosterItem rosterItem(String bareJid) {
        return roster == null ? null : roster.get(bareJid);
    }

    int rosterCount() {
        return roster == null ? 0 : roster.size();
    }

    long rosterBytes() {
        return rosterBytes;
    }

    /** What a roster item weighs for the roster's byte limit: its JID, name and groups, in characters. */
    static long sizeOf(RosterItem item) {
        long size = 16 + item.jid().length() + (item.name() == null ? 0 : item.name().length());
        for (String g : item.groups()) size += 8 + g.length();
        return size;
    }

    List<RosterItem> rosterItems() {
        return roster == null ? List.of() : List.copyOf(roster.values());
    }

    String pendingIn(String bareJid) {
        return pendingIn == null ? null : pendingIn.get(bareJid);
    }

    int pendingInCount() {
        return pendingIn == null ? 0 : pendingIn.size();
    }

    Map<String, String> pendingInRequests() {
        return pendingIn == null ? Map.of() : Map.copyOf(pendingIn);
    }

    /** A module's part, or null when it holds nothing (or no enabled module declared it). */
    @SuppressWarnings("unchecked")
    <S> S part(PartKey<S> key) {
        if (partStates == null) return null;
        int i = parts.indexOf(key);
        return i < 0 ? null : (S) partStates[i];
    }

    UserState apply(UserEvent event) {
        if (event instanceof AccountCreated e) {
            credentials = List.copyOf(e.credentials());
        } else if (event instanceof PasswordChanged e) {
            credentials = List.copyOf(e.credentials());
        } else if (event instanceof AccountDisabled e) {
            disabled = e;
        } else if (event instanceof AccountEnabled) {
            disabled = null;
        } else if (event instanceof AccountDeleted) {
            // Deletion forgets everything the account owned; a new account of the same name starts empty.
            return new UserState(parts);
        } else if (event instanceof RosterItemSaved e) {
            if (roster == null) roster = new LinkedHashMap<>();
            RosterItem old = roster.put(e.item().jid(), e.item());
            rosterBytes += sizeOf(e.item()) - (old == null ? 0 : sizeOf(old));
            rosterVersion = e.rosterVersion();
        } else if (event instanceof RosterItemRemoved e) {
            RosterItem old = roster == null ? null : roster.remove(e.jid());
            if (old != null) rosterBytes -= sizeOf(old);
            rosterVersion = e.rosterVersion();
        } else if (event instanceof SubscriptionRequestStored e) {
            if (pendingIn == null) pendingIn = new LinkedHashMap<>();
            pendingIn.put(e.fromJid(), e.presenceXml());
        } else if (event instanceof SubscriptionRequestCleared e) {
            if (pendingIn != null) pendingIn.remove(e.fromJid());
        } else {
            int i = parts.indexForEvent(event.getClass());
            if (i >= 0) setPart(i, parts.part(i).apply(partState(i), event));
        }
        return this;
    }

    private Object partState(int i) {
        return partStates == null ? null : partStates[i];
    }

    private void setPart(int i, Object state) {
        if (state == null && partStates == null) return;
        if (partStates == null) partStates = new Object[parts.size()];
        partStates[i] = state;
    }

    UserSnapshotV3 toSnapshot() {
        List<KryoSerializable> written = new ArrayList<>(2);
        if (partStates != null) {
            for (int i = 0; i < partStates.length; i++) {
                KryoSerializable part = partStates[i] == null ? null : parts.part(i).snapshot(partStates[i]);
                if (part != null) written.add(part);
            }
        }
        if (disabled != null) written.add(disabled);
        if (unknownParts != null) written.addAll(unknownParts);
        return new UserSnapshotV3(credentials == null ? List.of() : credentials, exists(), rosterItems(),
                rosterVersion, new TreeMap<>(pendingInRequests()), written);
    }

    static UserState fromSnapshot(AccountParts parts, Object snapshot) {
        UserState s = new UserState(parts);
        if (snapshot instanceof UserSnapshot old) {
            if (old.exists()) s.credentials = List.copyOf(old.credentials());
        } else if (snapshot instanceof UserSnapshotV2 v2) {
            if (!v2.exists()) return s;
            s.restoreCore(v2.credentials(), v2.roster(), v2.rosterVersion(), v2.pendingIn());
            for (int i = 0; i < parts.size(); i++) s.setPart(i, parts.part(i).fromV2(v2));
        } else if (snapshot instanceof UserSnapshotV3 v3) {
            if (!v3.exists()) return s;
            s.restoreCore(v3.credentials(), v3.roster(), v3.rosterVersion(), v3.pendingIn());
            for (KryoSerializable part : v3.parts()) {
                if (part instanceof AccountDisabled d) {
                    s.disabled = d;
                    continue;
                }
                int i = parts.indexForSnapshot(part.getClass());
                if (i >= 0) {
                    s.setPart(i, parts.part(i).restore(part));
                } else {
                    if (s.unknownParts == null) s.unknownParts = new ArrayList<>(1);
                    s.unknownParts.add(part);
                }
            }
        }
        return s;
    }

    private void restoreCore(List<ScramCredentials> creds, List<RosterItem> items, long version,
            Map<String, String> pending) {
        credentials = List.copyOf(creds);
        for (RosterItem item : items) apply(new RosterItemSaved(item, version));
        rosterVersion = version;
        pending.forEach((k, v) -> apply(new SubscriptionRequestStored(k, v)));
    }
}

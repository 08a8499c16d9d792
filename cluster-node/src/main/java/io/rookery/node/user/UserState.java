package io.rookery.node.user;

import io.rookery.persistence.blocking.JidsBlocked;
import io.rookery.persistence.blocking.JidsUnblocked;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineMessageStored;
import io.rookery.persistence.offline.OfflineMessagesDelivered;
import io.rookery.persistence.privatexml.PrivateXmlStored;
import io.rookery.persistence.roster.RosterItem;
import io.rookery.persistence.roster.RosterItemRemoved;
import io.rookery.persistence.roster.RosterItemSaved;
import io.rookery.persistence.roster.SubscriptionRequestCleared;
import io.rookery.persistence.roster.SubscriptionRequestStored;
import io.rookery.persistence.user.AccountCreated;
import io.rookery.persistence.user.AccountDeleted;
import io.rookery.persistence.user.PasswordChanged;
import io.rookery.persistence.user.UserEvent;
import io.rookery.persistence.user.UserSnapshot;
import io.rookery.persistence.user.UserSnapshotV2;
import io.rookery.persistence.vcard.VCardStored;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What an account owns and persists: SCRAM keys, roster, pending inbound subscription requests, offline messages,
 * blocklist, vCard and private XML. Mutable and owned by the entity alone (Pekko allows that for event-sourced
 * state); snapshots are immutable copies. Collections are created on first use: most entities hold few of them.
 */
public final class UserState {
    List<ScramCredentials> credentials;
    private Map<String, RosterItem> roster;
    long rosterVersion;
    private Map<String, String> pendingIn;
    private ArrayDeque<OfflineMessage> offline;
    private Set<String> blocklist;
    String vcardXml;
    private Map<String, String> privateXml;

    boolean exists() {
        return credentials != null;
    }

    Optional<ScramCredentials> credentialsFor(ScramHash hash) {
        if (credentials == null) return Optional.empty();
        return credentials.stream().filter(c -> c.hash() == hash).findFirst();
    }

    RosterItem rosterItem(String bareJid) {
        return roster == null ? null : roster.get(bareJid);
    }

    List<RosterItem> rosterItems() {
        return roster == null ? List.of() : List.copyOf(roster.values());
    }

    String pendingIn(String bareJid) {
        return pendingIn == null ? null : pendingIn.get(bareJid);
    }

    Map<String, String> pendingInRequests() {
        return pendingIn == null ? Map.of() : Map.copyOf(pendingIn);
    }

    int offlineCount() {
        return offline == null ? 0 : offline.size();
    }

    List<OfflineMessage> offlineMessages() {
        return offline == null ? List.of() : List.copyOf(offline);
    }

    boolean isBlocked(String bareJid) {
        return blocklist != null && blocklist.contains(bareJid);
    }

    Set<String> blocklist() {
        return blocklist == null ? Set.of() : Set.copyOf(blocklist);
    }

    String privateXml(String key) {
        return privateXml == null ? null : privateXml.get(key);
    }

    UserState apply(UserEvent event) {
        if (event instanceof AccountCreated e) {
            credentials = List.copyOf(e.credentials());
        } else if (event instanceof PasswordChanged e) {
            credentials = List.copyOf(e.credentials());
        } else if (event instanceof AccountDeleted) {
            // Deletion forgets everything the account owned; a new account of the same name starts empty.
            UserState empty = new UserState();
            return empty;
        } else if (event instanceof RosterItemSaved e) {
            if (roster == null) roster = new LinkedHashMap<>();
            roster.put(e.item().jid(), e.item());
            rosterVersion = e.rosterVersion();
        } else if (event instanceof RosterItemRemoved e) {
            if (roster != null) roster.remove(e.jid());
            rosterVersion = e.rosterVersion();
        } else if (event instanceof SubscriptionRequestStored e) {
            if (pendingIn == null) pendingIn = new LinkedHashMap<>();
            pendingIn.put(e.fromJid(), e.presenceXml());
        } else if (event instanceof SubscriptionRequestCleared e) {
            if (pendingIn != null) pendingIn.remove(e.fromJid());
        } else if (event instanceof OfflineMessageStored e) {
            if (offline == null) offline = new ArrayDeque<>();
            offline.addLast(e.message());
        } else if (event instanceof OfflineMessagesDelivered e) {
            for (int i = 0; i < e.count() && offline != null && !offline.isEmpty(); i++) offline.removeFirst();
        } else if (event instanceof JidsBlocked e) {
            if (blocklist == null) blocklist = new LinkedHashSet<>();
            blocklist.addAll(e.jids());
        } else if (event instanceof JidsUnblocked e) {
            if (blocklist != null) {
                if (e.jids().isEmpty()) blocklist.clear();
                else e.jids().forEach(blocklist::remove);
            }
        } else if (event instanceof VCardStored e) {
            vcardXml = e.vcardXml();
        } else if (event instanceof PrivateXmlStored e) {
            if (privateXml == null) privateXml = new LinkedHashMap<>();
            privateXml.put(e.key(), e.xml());
        }
        return this;
    }

    UserSnapshotV2 toSnapshot() {
        return new UserSnapshotV2(credentials == null ? List.of() : credentials, exists(), rosterItems(),
                rosterVersion, new TreeMap<>(pendingInRequests()), offlineMessages(), new ArrayList<>(blocklist()),
                vcardXml, privateXml == null ? Map.of() : new TreeMap<>(privateXml));
    }

    static UserState fromSnapshot(Object snapshot) {
        UserState s = new UserState();
        if (snapshot instanceof UserSnapshot old) {
            if (old.exists()) s.credentials = List.copyOf(old.credentials());
        } else if (snapshot instanceof UserSnapshotV2 v2) {
            if (!v2.exists()) return s;
            s.credentials = List.copyOf(v2.credentials());
            for (RosterItem item : v2.roster()) s.apply(new RosterItemSaved(item, v2.rosterVersion()));
            s.rosterVersion = v2.rosterVersion();
            v2.pendingIn().forEach((k, v) -> s.apply(new SubscriptionRequestStored(k, v)));
            for (OfflineMessage m : v2.offline()) s.apply(new OfflineMessageStored(m));
            if (!v2.blocklist().isEmpty()) s.apply(new JidsBlocked(v2.blocklist()));
            s.vcardXml = v2.vcardXml();
            v2.privateXml().forEach((k, v) -> s.apply(new PrivateXmlStored(k, v)));
        }
        return s;
    }
}

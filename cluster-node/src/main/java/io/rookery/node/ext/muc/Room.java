package io.rookery.node.ext.muc;

import io.rookery.persistence.muc.AffiliationSet;
import io.rookery.persistence.muc.NickRegistered;
import io.rookery.persistence.muc.OccupantEntered;
import io.rookery.persistence.muc.OccupantLeft;
import io.rookery.persistence.muc.RoomSnapshotV2;
import io.rookery.persistence.muc.RoomConfigured;
import io.rookery.persistence.muc.RoomCreated;
import io.rookery.persistence.muc.RoomDestroyed;
import io.rookery.persistence.muc.RoomEvent;
import io.rookery.persistence.muc.RoomSnapshot;
import io.rookery.persistence.muc.SubjectSet;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xep.muc.Muc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One room's state: what its journal holds (whether it exists, its configuration, affiliations, registered nicks,
 * subject) and, in memory only, its occupants and discussion history. Changed only by {@link #apply} for what is
 * persisted; the occupants are the entity's to change.
 */
final class Room {
    final Jid jid;
    final MucSettings settings;
    boolean exists;
    /** §10.1.2: created, its owner has not yet submitted a configuration (or accepted the default). */
    boolean locked;
    RoomConfig config;
    Map<String, String> configFields = Map.of();
    final Map<String, Muc.Affiliation> affiliations = new HashMap<>();
    final Map<String, String> reasons = new HashMap<>();
    final Map<String, String> registeredNicks = new HashMap<>();
    String subject = "";
    String subjectBy;
    /** By nick, in join order. */
    final Map<String, Occupant> occupants = new LinkedHashMap<>();
    final Map<Jid, Occupant> byJid = new HashMap<>();
    final History history;
    /** The occupants as the journal has them (by nick), which the live ones are written back to. */
    final Map<String, OccupantEntered> remembered = new LinkedHashMap<>();
    /** The live occupants changed since they were last written to the journal. */
    boolean occupantsChanged;

    Room(Jid jid, MucSettings settings) {
        this.jid = jid;
        this.settings = settings;
        this.config = RoomConfig.defaults(settings);
        this.history = new History(settings.maxHistory(), settings.maxHistoryBytes());
    }

    Room apply(RoomEvent event) {
        if (event instanceof RoomCreated c) {
            clear();
            exists = true;
            locked = true;
            affiliations.put(c.owner(), Muc.Affiliation.OWNER);
        } else if (event instanceof RoomConfigured c) {
            configFields = c.fields();
            config = RoomConfig.from(c.fields(), settings);
            locked = false;
        } else if (event instanceof AffiliationSet a) {
            Muc.Affiliation aff = Muc.Affiliation.of(a.affiliation());
            if (aff == null || aff == Muc.Affiliation.NONE) {
                affiliations.remove(a.jid());
                reasons.remove(a.jid());
            } else {
                affiliations.put(a.jid(), aff);
                if (a.reason() == null) reasons.remove(a.jid());
                else reasons.put(a.jid(), a.reason());
            }
        } else if (event instanceof NickRegistered n) {
            if (n.nick() == null) registeredNicks.remove(n.jid());
            else registeredNicks.put(n.jid(), n.nick());
        } else if (event instanceof SubjectSet s) {
            subject = s.subject();
            subjectBy = s.nick();
        } else if (event instanceof RoomDestroyed) {
            clear();
        } else if (event instanceof OccupantEntered o) {
            remembered.put(o.nick(), o);
        } else if (event instanceof OccupantLeft o) {
            remembered.remove(o.nick());
        }
        return this;
    }

    private void clear() {
        exists = false;
        locked = false;
        config = RoomConfig.defaults(settings);
        configFields = Map.of();
        affiliations.clear();
        reasons.clear();
        registeredNicks.clear();
        subject = "";
        subjectBy = null;
        history.clear();
        remembered.clear();
    }

    RoomSnapshotV2 snapshotV2() {
        return new RoomSnapshotV2(snapshot(), new java.util.ArrayList<>(remembered.values()));
    }

    void restore(RoomSnapshotV2 s) {
        restore(s.room());
        for (OccupantEntered o : s.occupants()) remembered.put(o.nick(), o);
    }

    RoomSnapshot snapshot() {
        Map<String, String> affs = new HashMap<>();
        affiliations.forEach((k, v) -> affs.put(k, v.value()));
        Map<String, String> config = new HashMap<>(configFields);
        if (locked) config.put(LOCKED, "1");
        return new RoomSnapshot(exists, config, affs, reasons, registeredNicks, subject, subjectBy);
    }

    /** Kept in the snapshot's configuration map: the room was created and not yet configured. */
    private static final String LOCKED = "rookery#locked";

    void restore(RoomSnapshot s) {
        clear();
        exists = s.exists();
        Map<String, String> fields = new HashMap<>(s.config());
        locked = fields.remove(LOCKED) != null;
        configFields = Map.copyOf(fields);
        config = RoomConfig.from(configFields, settings);
        s.affiliations().forEach((k, v) -> {
            Muc.Affiliation a = Muc.Affiliation.of(v);
            if (a != null) affiliations.put(k, a);
        });
        reasons.putAll(s.reasons());
        registeredNicks.putAll(s.nicks());
        subject = s.subject() == null ? "" : s.subject();
        subjectBy = s.subjectBy();
    }

    Muc.Affiliation affiliation(Jid user) {
        return affiliations.getOrDefault(user.bare().toString(), Muc.Affiliation.NONE);
    }

    List<String> withAffiliation(Muc.Affiliation a) {
        List<String> out = new ArrayList<>();
        affiliations.forEach((k, v) -> {
            if (v == a) out.add(k);
        });
        out.sort(null);
        return out;
    }

    /** §5.1: the role an occupant of this affiliation gets on entering. */
    Muc.Role defaultRole(Muc.Affiliation a) {
        return switch (a) {
            case OWNER, ADMIN -> Muc.Role.MODERATOR;
            case MEMBER -> Muc.Role.PARTICIPANT;
            case NONE -> config.moderated() ? Muc.Role.VISITOR : Muc.Role.PARTICIPANT;
            case OUTCAST -> Muc.Role.NONE;
        };
    }

    /** The user's registered nick, or null. */
    String registeredNick(Jid user) {
        return registeredNicks.get(user.bare().toString());
    }

    /** Whether another user registered this nick. */
    boolean nickReservedForOther(String nick, Jid user) {
        String me = user.bare().toString();
        for (Map.Entry<String, String> e : registeredNicks.entrySet()) {
            if (e.getValue().equals(nick) && !e.getKey().equals(me)) return true;
        }
        return false;
    }

    Occupant occupant(Jid realFull) {
        return byJid.get(realFull);
    }

    int count() {
        return occupants.size();
    }
}

package io.rookery.node.ext;

import io.rookery.persistence.roster.RosterItem;
import io.rookery.persistence.roster.Subscription;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An account as a module's handler sees it, filled in by a test: no entity, no journal. */
public final class TestAccount implements AccountView {
    private final Jid jid;
    private final Map<PartKey<?>, Object> parts = new HashMap<>();
    private final Map<String, Subscription> roster = new HashMap<>();
    private final Map<String, List<String>> groups = new HashMap<>();
    private final List<BoundResource> resources = new ArrayList<>();
    private long lastActivitySeconds = -1;
    private final Map<PartKey<?>, Object> memos = new HashMap<>();

    private TestAccount(Jid jid) {
        this.jid = jid;
    }

    public static TestAccount of(String bareJid) {
        try {
            return new TestAccount(Jid.parse(bareJid));
        } catch (InvalidJidException e) {
            throw new IllegalArgumentException(bareJid, e);
        }
    }

    public <S> TestAccount with(PartKey<S> key, S state) {
        parts.put(key, state);
        return this;
    }

    public TestAccount contact(String bareJid, Subscription subscription) {
        roster.put(bareJid, subscription);
        return this;
    }

    /** A contact in these roster groups. */
    public TestAccount contact(String bareJid, Subscription subscription, String... inGroups) {
        groups.put(bareJid, List.of(inGroups));
        return contact(bareJid, subscription);
    }

    public TestAccount bound(String resource, int flags) {
        resources.add(new BoundResource(resource, Element.builder("presence", Namespaces.CLIENT)
                .attr("from", jid + "/" + resource).build(), 0, flags));
        return this;
    }

    public TestAccount idleFor(long seconds) {
        lastActivitySeconds = seconds;
        return this;
    }

    @Override
    public Jid jid() {
        return jid;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S> S part(PartKey<S> key) {
        return (S) parts.get(key);
    }

    @Override
    public RosterItem rosterItem(String bareJid) {
        Subscription s = roster.get(bareJid);
        return s == null ? null
                : new RosterItem(bareJid, null, groups.getOrDefault(bareJid, List.of()), s, false, false);
    }

    @Override
    public List<RosterItem> rosterItems() {
        return roster.keySet().stream().map(this::rosterItem).toList();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S> S memo(PartKey<S> key, java.util.function.Supplier<S> create) {
        S kept = (S) memos.get(key);
        if (kept == null && create != null) {
            kept = create.get();
            memos.put(key, kept);
        }
        return kept;
    }

    @Override
    public long lastActivitySeconds() {
        return lastActivitySeconds;
    }

    @Override
    public List<BoundResource> resources() {
        return List.copyOf(resources);
    }
}

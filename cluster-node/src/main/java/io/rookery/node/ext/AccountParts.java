package io.rookery.node.ext;

import io.rookery.persistence.user.UserEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** The account parts the enabled modules declared, numbered in declaration order; read-only once built. */
public final class AccountParts {
    private final List<AccountPart<Object>> parts = new ArrayList<>();
    private final Map<PartKey<?>, Integer> byKey = new IdentityHashMap<>();
    private final Map<String, PartKey<?>> keysByName = new HashMap<>();
    private final Map<Class<?>, Integer> byEvent = new HashMap<>();
    private final Map<Class<?>, Integer> bySnapshot = new HashMap<>();

    @SuppressWarnings("unchecked")
    void add(String module, PartKey<?> key, AccountPart<?> part, List<Class<? extends UserEvent>> events) {
        int index = parts.size();
        if (byKey.putIfAbsent(key, index) != null) throw new IllegalStateException(module + " declares " + key + " twice");
        if (keysByName.putIfAbsent(key.name(), key) != null) {
            throw new IllegalStateException("module '" + module + "' declares " + key + ", a name already taken");
        }
        for (Class<? extends UserEvent> e : events) {
            if (byEvent.putIfAbsent(e, index) != null) {
                throw new IllegalStateException("module '" + module + "' declares " + e.getName()
                        + ", which another module's part applies already");
            }
        }
        List<Class<?>> snapshotTypes = new ArrayList<>(part.legacySnapshotTypes());
        snapshotTypes.add(part.snapshotType());
        for (Class<?> type : snapshotTypes) {
            if (bySnapshot.putIfAbsent(type, index) != null) {
                throw new IllegalStateException("module '" + module + "' declares the snapshot part "
                        + type.getName() + " twice");
            }
        }
        parts.add((AccountPart<Object>) part);
    }

    public int size() {
        return parts.size();
    }

    public AccountPart<Object> part(int index) {
        return parts.get(index);
    }

    /** The part's number, or -1 when no enabled module declared it. */
    public int indexOf(PartKey<?> key) {
        Integer i = byKey.get(key);
        return i == null ? -1 : i;
    }

    /** The key of the part of that name, or null when no module declared it. */
    public PartKey<?> key(String name) {
        return keysByName.get(name);
    }

    /** The number of the part an event belongs to, or -1 when it is none of the modules'. */
    public int indexForEvent(Class<?> eventType) {
        Integer i = byEvent.get(eventType);
        return i == null ? -1 : i;
    }

    /** The number of the part a snapshot record belongs to, or -1 when no enabled module reads it. */
    public int indexForSnapshot(Class<?> snapshotType) {
        Integer i = bySnapshot.get(snapshotType);
        return i == null ? -1 : i;
    }
}

package io.rookery.node.ext.privatexml;

import io.rookery.node.ext.AccountPart;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.privatexml.PrivateXmlEntries;
import io.rookery.persistence.privatexml.PrivateXmlStored;
import io.rookery.persistence.user.UserEvent;
import io.rookery.persistence.user.UserSnapshotV2;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The stored elements by key {@code "<local name> <namespace>"}; a set replaces the element under its key. */
final class PrivateXmlPart implements AccountPart<LinkedHashMap<String, String>> {
    @Override
    public Class<? extends KryoSerializable> snapshotType() {
        return PrivateXmlEntries.class;
    }

    @Override
    public LinkedHashMap<String, String> apply(LinkedHashMap<String, String> entries, UserEvent event) {
        if (event instanceof PrivateXmlStored e) {
            if (entries == null) entries = new LinkedHashMap<>();
            entries.put(e.key(), e.xml());
        }
        return entries;
    }

    @Override
    public KryoSerializable snapshot(LinkedHashMap<String, String> entries) {
        return entries.isEmpty() ? null : new PrivateXmlEntries(new TreeMap<>(entries));
    }

    @Override
    public LinkedHashMap<String, String> restore(KryoSerializable snapshot) {
        return map(((PrivateXmlEntries) snapshot).entries());
    }

    @Override
    public LinkedHashMap<String, String> fromV2(UserSnapshotV2 old) {
        return map(old.privateXml());
    }

    private static LinkedHashMap<String, String> map(Map<String, String> entries) {
        return entries.isEmpty() ? null : new LinkedHashMap<>(entries);
    }
}

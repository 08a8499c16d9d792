package io.rookery.node.ext.pep;

import java.util.HashMap;
import java.util.Map;

/**
 * The full JIDs that may get the account's notifications, with the XEP-0115 hash their last presence carried
 * while it asks for some notification or is not known yet: the user's own resources and the contacts whose presence reached the account. Kept while
 * the account's entity runs; a contact's unavailable presence or a resource going away removes it.
 */
final class Watchers {
    private final HashMap<String, String> verByJid = new HashMap<>(8);

    /** Records the hash; returns the one it had before (null when it was not watching). */
    String put(String fullJid, String ver) {
        return verByJid.put(fullJid, ver);
    }

    boolean contains(String fullJid) {
        return verByJid.containsKey(fullJid);
    }

    void remove(String fullJid) {
        verByJid.remove(fullJid);
    }

    Iterable<Map.Entry<String, String>> all() {
        return verByJid.entrySet();
    }

    int size() {
        return verByJid.size();
    }
}

package io.rookery.loadtest;

import java.util.Locale;

/**
 * Who is whose contact in the presence-churn and roster scenarios: users sit on a ring by position (index minus
 * {@code --first}), and user p's K contacts are the K/2 users after it and the K/2 before it, plus, when K is odd,
 * the user opposite (p + N/2, which needs N even). The relation is symmetric, so every subscription can be mutual
 * ({@code both}) and every roster holds exactly K items. Pure arithmetic: nothing per user is stored.
 *
 * <p>A contact's slot (0 .. K-1) is its place in that order: offsets +1 .. +K/2, then -1 .. -K/2, then N/2.
 */
final class ContactRing {
    private final int users;
    private final int contacts;
    private final int half;
    private final int first;
    private final String prefix;
    private final String suffix;
    private final String domain;

    ContactRing(Options o) {
        this(o.users, o.contacts, o.first, o.userPattern, o.domain);
    }

    ContactRing(int users, int contacts, int first, String userPattern, String domain) {
        if (contacts < 1 || contacts > users - 1) {
            throw new IllegalArgumentException("contacts must be 1.." + (users - 1));
        }
        if (contacts % 2 == 1 && users % 2 == 1) throw new IllegalArgumentException("odd contacts need even users");
        this.users = users;
        this.contacts = contacts;
        this.half = contacts / 2;
        this.first = first;
        int at = userPattern.indexOf("%d");
        this.prefix = userPattern.substring(0, at);
        this.suffix = userPattern.substring(at + 2);
        this.domain = domain;
    }

    /** K: contacts per user, the roster size. */
    int size() {
        return contacts;
    }

    int users() {
        return users;
    }

    int position(int userIndex) {
        return userIndex - first;
    }

    int userIndex(int position) {
        return position + first;
    }

    /** The position of the contact in this slot of user p's contacts. */
    int contact(int p, int slot) {
        return Math.floorMod(p + offset(slot), users);
    }

    /** The slot of q among p's contacts, or -1 when q is not a contact of p. */
    int slotOf(int p, int q) {
        if (q < 0 || q >= users || p == q) return -1;
        int d = Math.floorMod(q - p, users);
        if (d <= half) return d - 1;
        if (d >= users - half) return half + (users - d) - 1;
        if (contacts % 2 == 1 && d == users / 2) return 2 * half;
        return -1;
    }

    private int offset(int slot) {
        if (slot < 0 || slot >= contacts) throw new IndexOutOfBoundsException("slot " + slot);
        if (slot < half) return slot + 1;
        if (slot < 2 * half) return -(slot - half + 1);
        return users / 2;
    }

    /**
     * The position of the user a JID (bare or full) names, or -1 when it is no user of this run: local part from
     * the --user pattern, the --domain, an index in range. Compared without case, as servers normalise JIDs.
     */
    int positionOf(String jid) {
        if (jid == null) return -1;
        int at = jid.indexOf('@');
        int slash = jid.indexOf('/');
        int end = slash < 0 ? jid.length() : slash;
        if (at < 0 || at > end) return -1;
        if (end - at - 1 != domain.length() || !jid.regionMatches(true, at + 1, domain, 0, domain.length())) return -1;
        int digitsEnd = at - suffix.length();
        int digitsStart = prefix.length();
        if (digitsEnd <= digitsStart) return -1;
        if (!jid.regionMatches(true, 0, prefix, 0, prefix.length())
                || !jid.regionMatches(true, digitsEnd, suffix, 0, suffix.length())) {
            return -1;
        }
        long index = 0;
        for (int i = digitsStart; i < digitsEnd; i++) {
            char c = jid.charAt(i);
            if (c < '0' || c > '9' || index > Integer.MAX_VALUE) return -1;
            index = index * 10 + (c - '0');
        }
        if (digitsEnd - digitsStart > 1 && jid.charAt(digitsStart) == '0') return -1; // %d never pads
        long p = index - first;
        return p >= 0 && p < users ? (int) p : -1;
    }

    /** The bare JID of the user at position p. */
    String bareJid(int p) {
        return (prefix + userIndex(p) + suffix + "@" + domain).toLowerCase(Locale.ROOT);
    }
}

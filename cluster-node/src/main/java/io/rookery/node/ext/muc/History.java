package io.rookery.node.ext.muc;

import io.rookery.protocol.xep.muc.Muc;
import io.rookery.protocol.xml.Element;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * §7.2.15 discussion history: the room's last messages (at most max-history), each as broadcast (from the sender's
 * occupant JID, no 'to') with when the room took it.
 */
final class History {
    record Entry(Element message, Instant at, int chars) {}

    private final int max;
    private final long maxChars;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long chars;

    History(int max) {
        this(max, Long.MAX_VALUE);
    }

    /** At most max messages and, together, maxChars characters of XML (the oldest leave first). */
    History(int max, long maxChars) {
        this.max = max;
        this.maxChars = maxChars;
    }

    void add(Element message, Instant at) {
        if (max == 0) return;
        Entry e = new Entry(message, at, message.toString().length());
        if (e.chars() > maxChars) return;
        entries.addLast(e);
        chars += e.chars();
        while (entries.size() > max || chars > maxChars) chars -= entries.removeFirst().chars();
    }

    /** Entries older than every entry held (read back from the archive), oldest first, within the limit. */
    void prependOlder(List<Entry> older) {
        Instant first = entries.isEmpty() ? null : entries.peekFirst().at();
        for (int i = older.size() - 1; i >= 0 && entries.size() < max; i--) {
            Entry e = older.get(i);
            if (first != null && !e.at().isBefore(first)) continue;
            if (chars + e.chars() > maxChars) break;
            entries.addFirst(e);
            chars += e.chars();
        }
    }

    void clear() {
        entries.clear();
        chars = 0;
    }

    int size() {
        return entries.size();
    }

    /**
     * The entries a joining occupant gets, oldest first: at most the room's maxhistoryfetch, and within what the
     * request limits (maxstanzas, maxchars counting each message's XML, seconds, since; XEP-0045 §7.2.15).
     */
    List<Entry> select(Muc.History request, int roomMax, Instant now) {
        int stanzas = request.maxstanzas() < 0 ? roomMax : Math.min(roomMax, request.maxstanzas());
        long chars = request.maxchars() < 0 ? Long.MAX_VALUE : request.maxchars();
        Instant after = request.since();
        if (request.seconds() >= 0) {
            Instant s = now.minusSeconds(request.seconds());
            if (after == null || s.isAfter(after)) after = s;
        }
        List<Entry> out = new ArrayList<>();
        long used = 0;
        for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext() && out.size() < stanzas; ) {
            Entry e = it.next();
            if (after != null && !e.at().isAfter(after)) break;
            if (used + e.chars() > chars) break;
            used += e.chars();
            out.add(e);
        }
        java.util.Collections.reverse(out);
        return out;
    }
}

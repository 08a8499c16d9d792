package io.rookery.protocol.xep.rsm;

import io.rookery.protocol.xml.Element;

/**
 * XEP-0059: a request's paging ({@code max}, {@code after}, {@code before}; an empty {@code <before/>} asks for the
 * last page) and an answer's ({@code first}, {@code last}, {@code count}). {@code <index/>} (jumping to an offset)
 * is refused by the caller: Rookery pages by position only, never by offset.
 */
public final class ResultSet {
    public static final String NS = "http://jabber.org/protocol/rsm";

    private ResultSet() {}

    /**
     * A request's paging.
     *
     * @param max the page size asked for, or -1 when none was
     * @param after the id the page starts after, or null
     * @param before the id the page ends before, "" for the last page, or null
     * @param index the offset asked for, or -1 when none was
     */
    public record Request(int max, String after, String before, int index) {
        public static final Request NONE = new Request(-1, null, null, -1);

        /** Paging backward: from {@code before}, or from the end when {@code before} is empty. */
        public boolean backward() {
            return before != null;
        }
    }

    /** The paging of {@code <set xmlns='http://jabber.org/protocol/rsm'/>} in parent, {@link Request#NONE} without. */
    public static Request parse(Element parent) {
        Element set = parent.child("set", NS);
        if (set == null) return Request.NONE;
        int max = number(set.childText("max", NS), "max");
        Element before = set.child("before", NS);
        int index = number(set.childText("index", NS), "index");
        return new Request(max, emptyToNull(set.childText("after", NS)), before == null ? null : before.text(), index);
    }

    /** The answer's {@code <set/>}: first and last null for an empty page; count -1 when not given. */
    public static Element answer(String first, String last, long count) {
        Element.Builder set = Element.builder("set", NS);
        if (first != null) set.child(Element.builder("first", NS).text(first).build());
        if (last != null) set.child(Element.builder("last", NS).text(last).build());
        if (count >= 0) set.child(Element.builder("count", NS).text(Long.toString(count)).build());
        return set.build();
    }

    private static int number(String text, String what) {
        if (text == null) return -1;
        try {
            int n = Integer.parseInt(text.trim());
            if (n < 0) throw new IllegalArgumentException("negative " + what);
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number in " + what + ": " + text);
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}

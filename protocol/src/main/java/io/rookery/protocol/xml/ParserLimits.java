package io.rookery.protocol.xml;

/**
 * What one {@link XmppStreamParser} lets a peer make it hold; exceeding any of these ends the stream with
 * {@code policy-violation} (RFC 6120 §4.9.3.14). The parser's class comment says what each one bounds and how.
 *
 * @param maxStanzaBytes bytes of input in one top-level element, in the stream header, or between two elements
 * @param maxRetainedBytes estimated heap that an unfinished top-level element may hold: its tree so far plus the
 *     token aalto is still reading
 * @param maxDepth elements open at once inside one top-level element, itself included
 */
public record ParserLimits(int maxStanzaBytes, int maxRetainedBytes, int maxDepth) {

    /** {@link #forMaxStanzaBytes} of reference.conf's {@code max-stanza-bytes} (256 KiB). */
    public static final ParserLimits DEFAULTS = forMaxStanzaBytes(256 * 1024);

    public ParserLimits {
        positive("maxStanzaBytes", maxStanzaBytes);
        positive("maxRetainedBytes", maxRetainedBytes);
        positive("maxDepth", maxDepth);
    }

    /**
     * The defaults for a given stanza size. Four times as much retained heap: an element of that size made of text,
     * of one CDATA section or of one long attribute value fits, while one made of many small elements is cut off at
     * about a tenth of it. 128 levels of nesting: nothing in XMPP nests deeper, and code that walks a tree
     * recursively needs a bound.
     */
    public static ParserLimits forMaxStanzaBytes(int maxStanzaBytes) {
        positive("maxStanzaBytes", maxStanzaBytes);
        return new ParserLimits(maxStanzaBytes, (int) Math.min(Integer.MAX_VALUE, 4L * maxStanzaBytes), 128);
    }

    public ParserLimits withMaxRetainedBytes(int n) {
        return new ParserLimits(maxStanzaBytes, n, maxDepth);
    }

    public ParserLimits withMaxDepth(int n) {
        return new ParserLimits(maxStanzaBytes, maxRetainedBytes, n);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}

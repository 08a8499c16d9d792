package io.rookery.protocol.xml;

/**
 * What one {@link XmppStreamParser} lets a peer make it hold or do; exceeding any of these ends the stream with
 * {@code policy-violation} (RFC 6120 §4.9.3.14). The parser's class comment says what each one bounds and how.
 *
 * @param maxStanzaBytes bytes of input in one top-level element, in the stream header, or between two elements
 * @param maxRetainedBytes estimated heap that an unfinished top-level element may hold: its tree so far plus the
 *     token aalto is still reading
 * @param maxDepth elements open at once inside one top-level element, itself included
 * @param maxAttributes attributes of one element, namespace declarations not counted
 * @param maxNamespaceDeclarations namespace declarations ({@code xmlns}, {@code xmlns:p}) on one element
 * @param maxNewNames distinct element, attribute and prefixed names that one top-level element (or the stream
 *     header) may add to those the parser already knows
 */
public record ParserLimits(int maxStanzaBytes, int maxRetainedBytes, int maxDepth, int maxAttributes,
        int maxNamespaceDeclarations, int maxNewNames) {

    /** {@link #forMaxStanzaBytes} of reference.conf's {@code max-stanza-bytes} (256 KiB). */
    public static final ParserLimits DEFAULTS = forMaxStanzaBytes(256 * 1024);

    public ParserLimits {
        positive("maxStanzaBytes", maxStanzaBytes);
        positive("maxRetainedBytes", maxRetainedBytes);
        positive("maxDepth", maxDepth);
        positive("maxAttributes", maxAttributes);
        positive("maxNamespaceDeclarations", maxNamespaceDeclarations);
        positive("maxNewNames", maxNewNames);
    }

    /**
     * The defaults for a given stanza size.
     * <ul>
     *   <li>Four times as much retained heap. Text costs about two bytes of heap a byte, structured payloads such as
     *       rosters, bookmarks or data forms four to six, so a text stanza of the maximum size fits and a
     *       structured one is cut off somewhere past two thirds of it; 250 KB of {@code <x a='b'/>} (13 bytes a
     *       byte) is cut off at about 80 KB.
     *   <li>128 levels of nesting: nothing in XMPP nests that deep, and code that walks a tree recursively needs a
     *       bound.
     *   <li>64 attributes and 32 namespace declarations on one element, 1024 new names in one top-level element:
     *       XMPP payloads use a handful of each; past a few thousand, aalto's costs grow with their square.
     * </ul>
     */
    public static ParserLimits forMaxStanzaBytes(int maxStanzaBytes) {
        positive("maxStanzaBytes", maxStanzaBytes);
        return new ParserLimits(maxStanzaBytes, (int) Math.min(Integer.MAX_VALUE, 4L * maxStanzaBytes), 128, 64, 32,
                1024);
    }

    public ParserLimits withMaxRetainedBytes(int n) {
        return new ParserLimits(maxStanzaBytes, n, maxDepth, maxAttributes, maxNamespaceDeclarations, maxNewNames);
    }

    public ParserLimits withMaxDepth(int n) {
        return new ParserLimits(maxStanzaBytes, maxRetainedBytes, n, maxAttributes, maxNamespaceDeclarations,
                maxNewNames);
    }

    public ParserLimits withMaxAttributes(int n) {
        return new ParserLimits(maxStanzaBytes, maxRetainedBytes, maxDepth, n, maxNamespaceDeclarations, maxNewNames);
    }

    public ParserLimits withMaxNamespaceDeclarations(int n) {
        return new ParserLimits(maxStanzaBytes, maxRetainedBytes, maxDepth, maxAttributes, n, maxNewNames);
    }

    public ParserLimits withMaxNewNames(int n) {
        return new ParserLimits(maxStanzaBytes, maxRetainedBytes, maxDepth, maxAttributes, maxNamespaceDeclarations,
                n);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}

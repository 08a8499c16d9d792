package io.rookery.protocol.xml;

import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.stanza.XmppStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * One parser's {@link ParserLimits}, held against the unit it is reading: the stream header, a top-level element,
 * or the run of bytes between two. Everything beyond a limit is {@code policy-violation} (RFC 6120 §4.9.3.14);
 * XmppStreamParser's class comment says what each limit bounds.
 *
 * <p>Offsets are the parser's: bytes of the stream aalto has consumed. Depth is the parser's too: 0 in the header,
 * 1 between elements, 2 and more inside a top-level element.
 */
final class UnitLimits {
    /** What aalto's buffers may cost per byte of a token it has not finished: chars in an array that doubles. */
    static final int PENDING_BYTE_COST = 4;

    private final ParserLimits limits;
    /** Where the current unit began. */
    private long unitStart;
    /** Where the last complete token ended: what aalto has read since is buffered inside it. */
    private long tokenEnd;
    /** How many names the reader knew when the current unit began. */
    private int namesAtStart;
    /** The current unit's retained heap as last checked; 0 when a unit begins. */
    private long retained;

    UnitLimits(ParserLimits limits, int names) {
        this.limits = limits;
        this.namesAtStart = names;
    }

    long unitStart() {
        return unitStart;
    }

    /** A unit begins at {@code pos}, the reader knowing {@code names} names. */
    void begin(long pos, int names) {
        unitStart = pos;
        tokenEnd = pos;
        namesAtStart = names;
        retained = 0;
    }

    /** Whitespace between elements is done with: the gap counts from here. */
    void restartGap(long pos) {
        unitStart = pos;
        tokenEnd = pos;
        retained = 0;
    }

    /** The heap the current unit holds, as last checked against {@link ParserLimits#maxRetainedBytes()}. */
    long retained() {
        return retained;
    }

    /** A fresh reader takes over in the middle of the unit, knowing {@code names} names. */
    void readerReplaced(int names) {
        namesAtStart = names;
    }

    /**
     * aalto waits for input, perhaps inside a token: the unit's size so far, counting what aalto has read since the
     * last complete token as buffered inside it, and the start tag it may be reading, whose attributes and
     * namespace declarations it has so far not reported.
     */
    void waiting(long pos, ElementStack stack, int depth, XMLStreamReader reader) throws XmppStreamException {
        checkSize(pos, stack, depth);
        checkTag(AaltoInternals.attributes(reader), AaltoInternals.namespaceDeclarations(reader));
        checkNewNames(AaltoInternals.names(reader), depth);
    }

    /**
     * A token other than text is complete. It is checked as if still buffered, before the tree takes it over, so
     * that the check at its end is never weaker than one in its middle: where input happens to be cut must not
     * decide whether a stanza passes.
     */
    void tokenDone(long pos, ElementStack stack, int depth) throws XmppStreamException {
        checkSize(pos, stack, depth);
        tokenEnd = pos;
    }

    /** Text has gone into the tree; aalto hands text over as it arrives and buffers none of it. */
    void textTaken(long pos, ElementStack stack, int depth) throws XmppStreamException {
        tokenEnd = pos;
        checkRetained(stack, 0, depth);
    }

    /** An element has gone into the tree. */
    void elementTaken(ElementStack stack, int depth) throws XmppStreamException {
        checkRetained(stack, 0, depth);
    }

    /** One start tag, when complete and (through {@link #waiting}) while aalto reads it. */
    void checkTag(int attributes, int namespaceDeclarations) throws XmppStreamException {
        if (attributes > limits.maxAttributes()) {
            throw policy("an element with more than " + limits.maxAttributes() + " attributes");
        }
        if (namespaceDeclarations > limits.maxNamespaceDeclarations()) {
            throw policy("an element with more than " + limits.maxNamespaceDeclarations() + " namespace declarations");
        }
    }

    /**
     * Names only ever grow within a unit, so checking them whenever aalto waits for input and once more when the
     * unit ends refuses the same units however the input is cut, and lets aalto learn at most one slice's worth
     * past the limit.
     */
    void checkNewNames(int names, int depth) throws XmppStreamException {
        if (names - namesAtStart > limits.maxNewNames()) {
            throw policy(unitName(depth) + " with more than " + limits.maxNewNames() + " new names");
        }
    }

    /** Before an element opens inside {@code openElements} others of its top-level element. */
    void checkDepth(int openElements) throws XmppStreamException {
        if (openElements >= limits.maxDepth()) {
            throw policy("elements nested deeper than " + limits.maxDepth());
        }
    }

    private void checkSize(long pos, ElementStack stack, int depth) throws XmppStreamException {
        if (pos - unitStart > limits.maxStanzaBytes()) {
            throw policy(unitName(depth) + " larger than " + limits.maxStanzaBytes() + " bytes");
        }
        checkRetained(stack, pos - tokenEnd, depth);
    }

    private void checkRetained(ElementStack stack, long pendingBytes, int depth) throws XmppStreamException {
        retained = (stack == null ? 0 : stack.retainedBytes()) + PENDING_BYTE_COST * pendingBytes;
        if (retained > limits.maxRetainedBytes()) {
            throw policy(unitName(depth) + " would hold more than " + limits.maxRetainedBytes() + " bytes of memory");
        }
    }

    private static String unitName(int depth) {
        return depth == 0 ? "stream header" : depth == 1 ? "data between elements" : "element";
    }

    private static XmppStreamException policy(String why) {
        return new XmppStreamException(StreamErrorCondition.POLICY_VIOLATION, why);
    }
}

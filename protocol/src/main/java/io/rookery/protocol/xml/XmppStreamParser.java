package io.rookery.protocol.xml;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLInputFactory;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.stanza.XmppStreamException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;

/**
 * Incremental parser for one XML stream (RFC 6120 §4) received from a client; a stream restart needs a new one.
 *
 * <p>Use: while {@link #needsInput()}, {@link #feed} the next bytes (cut anywhere, also inside a UTF-8 sequence),
 * then call {@link #next()} until it returns null. The parser reads the fed array in place until it has consumed
 * it, so the caller must not reuse that array before {@code needsInput()} is true again.
 *
 * <p>Limits ({@link ParserLimits}): anything beyond them ends the stream with {@code policy-violation} (RFC 6120
 * §4.9.3.14). All are checked while bytes arrive, not when an element completes, and aalto is fed at most {@value
 * #SLICE_BYTES} bytes at a time, so a peer gets at most one such slice of input past a limit.
 * <ul>
 *   <li>{@code maxStanzaBytes}: bytes of input in one top-level element, in the stream header, or in the run of
 *       bytes between two elements. Bounds what we hold of the peer's input.
 *   <li>{@code maxRetainedBytes}: the heap an unfinished top-level element may hold, estimated as the tree built so
 *       far (elements, attributes, text: see ElementStack for the costs) plus {@value UnitLimits#PENDING_BYTE_COST}
 *       bytes per byte of the token aalto is still reading (a start tag, a CDATA section, a comment: aalto buffers
 *       those whole, in a char array that doubles as it grows). Bytes alone do not bound memory: 250 KB of {@code
 *       <x a='b'/>} held 3.2 MiB, 250 KB of {@code a<x/>} 5.2 MiB.
 *   <li>{@code maxDepth}: elements open at once inside a top-level element.
 *   <li>{@code maxAttributes}, {@code maxNamespaceDeclarations}: on one element, the stream header included.
 *       Checked inside the start tag as aalto reads it ({@link AaltoInternals}), since aalto's own handling of a
 *       tag costs CPU with the square of these counts; capped, parsing stays linear.
 *   <li>{@code maxNewNames}: names one top-level element (or the header) teaches the reader. aalto files each new
 *       name in a table that gets slower with its size; a reader is replaced at an element boundary after {@value
 *       #ROTATE_AFTER_NAMES} names, and this bounds what one element adds in between.
 * </ul>
 *
 * <p>Input must be well-formed UTF-8 (RFC 6120 §11.6, RFC 3629): anything else ends the stream with {@code
 * not-well-formed} once what the bytes before it completed has been delivered (see {@link Utf8Input}). A stream
 * in UTF-16 or UTF-32, or declaring any encoding but UTF-8, gets {@code unsupported-encoding} (§4.9.3.22).
 *
 * <p>Not checked: {@code ]]>} in character data (XML 1.0 §2.4) is taken as text, because aalto finds it only in
 * some cuts of the input (see Utf8Input); XmlWriter writes it back as {@code ]]&gt;}. Where aalto 1.4 has other
 * bugs that depend on the cuts, the bytes are handed over so that they do not show (Utf8Input, AaltoInternals).
 *
 * <p>After a stream error every further {@code next()} throws the same exception and nothing else is emitted;
 * after {@code </stream:stream>} it returns null and wants no more input.
 *
 * <p>Memory: nothing but aalto's reader is kept between elements; a reader that has just read a big element is
 * replaced (see {@link #ROTATE_AFTER_BYTES}), and {@link #compact()} drops it while the stream is idle.
 */
public final class XmppStreamParser {
    /** Bytes handed to aalto at once: bounds what it buffers internally beyond our own size checks. */
    static final int SLICE_BYTES = 2048;
    /**
     * After a top-level element or header at least this big the reader is replaced: aalto keeps the buffers a big
     * token grew (an idle parser kept 1.2 MiB after one 250 KB attribute value), and a fresh reader costs about
     * as much as parsing a small stanza.
     */
    static final int ROTATE_AFTER_BYTES = 8 * 1024;
    /**
     * Element, attribute and namespace declaration names read by one aalto reader before it is replaced at the next
     * element boundary.
     */
    static final int ROTATE_AFTER_NAMES = 1024;

    private static final byte[] NO_BYTES = new byte[0];
    private static final byte HEADER = 0;
    private static final byte OPEN = 1;
    private static final byte CLOSED = 2;
    private static final byte FAILED = 3;

    private static final AsyncXMLInputFactory FACTORY = AaltoFactory.create();
    /** What a reader knows before it has read a name: the new names of the stream header count from here. */
    private static final int FACTORY_NAMES = AaltoInternals.factoryNames(FACTORY);

    private final UnitLimits unit;
    private final Utf8Input input = new Utf8Input();
    private AsyncXMLStreamReader<AsyncByteArrayFeeder> reader;
    private byte state = HEADER;
    private boolean inputEnded;
    private boolean endSignalled;
    /** Open elements: 0 before the stream header, 1 inside the stream, 2 and more inside a top-level element. */
    private int depth;
    private int namesSinceRotation;
    private ElementStack stack;
    /** Prefix/URI pairs declared on the stream element (prefix "" for the default), to prime a fresh reader. */
    private String[] streamNamespaces;
    private XmppStreamException failure;

    // What aalto was last fed (a slice of the caller's array, or a character Utf8Input held back): fed[fedStart,
    // fedEnd), starting at our offset fedStartPos.
    private byte[] fed;
    private int fedStart;
    private int fedEnd;
    private long fedStartPos;
    /** Added to aalto's offset gives ours: aalto counts a buffer's start offset and restarts on rotation. */
    private long posDelta;

    /** A parser with {@link ParserLimits#forMaxStanzaBytes} limits. */
    public XmppStreamParser(int maxStanzaBytes) {
        this(ParserLimits.forMaxStanzaBytes(maxStanzaBytes));
    }

    public XmppStreamParser(ParserLimits limits) {
        this(limits, StreamOpenTag.CLIENT_NS);
    }

    /**
     * A parser of a stream whose content namespace must be {@code contentNamespace}: {@code jabber:client} for
     * clients, {@code jabber:server} between servers (RFC 6120 §4.8.2); another is invalid-namespace (§4.9.3.10).
     */
    public XmppStreamParser(ParserLimits limits, String contentNamespace) {
        this.unit = new UnitLimits(Objects.requireNonNull(limits, "limits"), FACTORY_NAMES);
        this.reader = FACTORY.createAsyncForByteArray();
        this.contentNamespace = Objects.requireNonNull(contentNamespace, "contentNamespace");
    }

    private final String contentNamespace;

    /**
     * Estimated heap the unfinished unit holds (its tree so far and what aalto buffers of an unfinished token), as
     * last checked against {@link ParserLimits#maxRetainedBytes()}: whenever the parser waits for input and at each
     * token. 0 once a top-level element is complete and between elements. For a node-wide budget of parse state.
     */
    public long retainedBytes() {
        return unit.retained();
    }

    /** True when the parser has consumed all it was given and wants more. */
    public boolean needsInput() {
        return (state == HEADER || state == OPEN) && !inputEnded && !input.hasBytes()
                && (reader == null || reader.getInputFeeder().needMoreInput());
    }

    /**
     * Hands over the next bytes; only when {@link #needsInput()}.
     *
     * @throws IllegalStateException when the parser does not need input
     */
    public void feed(byte[] buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        if (!needsInput()) {
            throw new IllegalStateException("parser does not need input");
        }
        if (length == 0) {
            return;
        }
        if (reader == null) {
            try {
                newReader(unit.unitStart());
            } catch (XMLStreamException e) {
                throw new IllegalStateException("stream primer did not parse", e);
            }
        }
        input.give(buf, offset, length);
    }

    /**
     * Frees the aalto reader (4-5 KiB once it has parsed a few stanzas) while the stream sits idle at an element
     * boundary with all input consumed; the next {@link #feed} primes a fresh one, which costs about as much as
     * parsing a small stanza. Meant for a periodic sweep over idle sessions, not for every read.
     *
     * @return whether the reader was freed
     */
    public boolean compact() {
        if (state != OPEN || depth != 1 || input.hasBytes() || input.holding() || inputEnded || reader == null) {
            return false;
        }
        try {
            if (position() != unit.unitStart()) {
                return false; // aalto holds the start of a token (a CR, a '<'...)
            }
        } catch (XMLStreamException e) {
            return false;
        }
        reader = null;
        return true;
    }

    /** The peer closed its side: a stream still open by then is reported as not-well-formed. */
    public void endOfInput() {
        if (state == HEADER || state == OPEN) {
            inputEnded = true;
        }
    }

    /** The next event, or null when more input is needed (or the stream has closed). */
    public ParserEvent next() throws XmppStreamException {
        if (failure != null) {
            throw failure;
        }
        if (state == CLOSED) {
            return null;
        }
        if (reader == null) {
            if (inputEnded) {
                throw fail(new XmppStreamException(StreamErrorCondition.NOT_WELL_FORMED,
                        "input ended inside the stream"));
            }
            return null;
        }
        try {
            for (;;) {
                int ev = reader.next();
                if (ev == AsyncXMLStreamReader.EVENT_INCOMPLETE) {
                    unit.waiting(position(), stack, depth, reader);
                    if (input.failure() != null) {
                        // RFC 6120 §11.6: not UTF-8; what the bytes before it completed has been delivered
                        throw input.failure();
                    }
                    if (input.hasBytes()) {
                        feedSlice();
                    } else if (inputEnded) {
                        if (endSignalled) {
                            throw new XmppStreamException(StreamErrorCondition.NOT_WELL_FORMED,
                                    "input ended inside the stream");
                        }
                        endSignalled = true;
                        reader.getInputFeeder().endOfInput();
                    } else {
                        releaseInput();
                        return null;
                    }
                } else {
                    ParserEvent e = handle(ev);
                    if (e != null) {
                        return e;
                    }
                }
            }
        } catch (XmppStreamException e) {
            throw fail(e);
        } catch (XMLStreamException | RuntimeException e) {
            // aalto reports some bad input late and unchecked (a bad character surfaces from getText()), and its
            // end-of-input errors are plain XMLStreamExceptions: all of it is the peer's malformed XML.
            throw fail(new XmppStreamException(StreamErrorCondition.NOT_WELL_FORMED, firstLine(e.getMessage()), e));
        }
    }

    private ParserEvent handle(int ev) throws XMLStreamException, XmppStreamException {
        switch (ev) {
            case XMLStreamConstants.START_DOCUMENT:
                checkDeclaration();
                return null;
            case XMLStreamConstants.START_ELEMENT:
                return depth == 0 ? openStream() : startElement();
            case XMLStreamConstants.END_ELEMENT:
                return endElement();
            case XMLStreamConstants.CHARACTERS:
            case XMLStreamConstants.SPACE:
                text(false);
                return null;
            case XMLStreamConstants.CDATA:
                text(true);
                return null;
            // RFC 6120 §11.1 lets us answer these with restricted-xml or not-well-formed; restricted-xml names
            // the actual problem (the XML is well-formed, XMPP just forbids the feature). A DTD with an internal
            // subset and an entity reference inside an attribute value never get here: aalto refuses them itself,
            // which comes out as not-well-formed.
            case XMLStreamConstants.DTD:
                throw restricted("DTDs are not allowed");
            case XMLStreamConstants.ENTITY_REFERENCE:
                throw restricted("entity references other than the predefined ones are not allowed");
            case XMLStreamConstants.PROCESSING_INSTRUCTION:
                throw restricted("processing instructions are not allowed");
            case XMLStreamConstants.COMMENT:
                throw restricted("comments are not allowed");
            case XMLStreamConstants.END_DOCUMENT:
                throw new XmppStreamException(StreamErrorCondition.NOT_WELL_FORMED, "input ended inside the stream");
            default:
                throw restricted("unexpected XML construct (event " + ev + ")");
        }
    }

    private static XmppStreamException restricted(String why) {
        return new XmppStreamException(StreamErrorCondition.RESTRICTED_XML, why);
    }

    /** RFC 6120 §11.3, §11.6: XML 1.0 in UTF-8 only. */
    private void checkDeclaration() throws XmppStreamException {
        String version = reader.getVersion();
        if (version != null && !version.equals("1.0")) {
            throw restricted("XML version " + version + " is not supported");
        }
        String encoding = reader.getCharacterEncodingScheme();
        if (encoding != null && !encoding.equalsIgnoreCase("UTF-8")) {
            throw new XmppStreamException(StreamErrorCondition.UNSUPPORTED_ENCODING, encoding);
        }
    }

    private ParserEvent openStream() throws XMLStreamException, XmppStreamException {
        unit.tokenDone(position(), stack, depth);
        int namespaceCount = reader.getNamespaceCount();
        unit.checkTag(reader.getAttributeCount(), namespaceCount);
        unit.checkNewNames(AaltoInternals.names(reader), depth);
        checkNamespaceDeclarations(namespaceCount);
        StreamOpenTag.Read open = StreamOpenTag.read(reader, contentNamespace);
        input.headerRead();
        streamNamespaces = open.namespaces();
        depth = 1;
        state = OPEN;
        endUnit();
        return new ParserEvent.StreamOpened(open.header());
    }

    private ParserEvent startElement() throws XMLStreamException, XmppStreamException {
        unit.tokenDone(position(), stack, depth);
        int attributeCount = reader.getAttributeCount();
        int namespaceCount = reader.getNamespaceCount();
        unit.checkTag(attributeCount, namespaceCount);
        checkNamespaceDeclarations(namespaceCount);
        namesSinceRotation += 1 + attributeCount + namespaceCount;
        if (depth == 1) {
            stack = new ElementStack();
        } else {
            unit.checkDepth(stack.depth());
        }
        String ns = reader.getNamespaceURI();
        String prefix = reader.getPrefix();
        if (prefix != null && !prefix.isEmpty()) {
            ElementStack.checkLocalPart(reader.getLocalName());
        }
        stack.push(reader.getLocalName(), ns == null ? "" : ns, ElementStack.attributes(reader, attributeCount));
        depth++;
        unit.elementTaken(stack, depth);
        return null;
    }

    private void checkNamespaceDeclarations(int count) throws XmppStreamException {
        if (count > 0 && AaltoInternals.declaresEmptyPrefix(reader, count)) {
            throw new XmppStreamException(StreamErrorCondition.NOT_WELL_FORMED, "xmlns: without a prefix");
        }
    }

    private ParserEvent endElement() throws XMLStreamException, XmppStreamException {
        if (depth == 1) {
            depth = 0;
            state = CLOSED;
            reader = null;
            fed = null;
            input.release();
            return new ParserEvent.StreamClosed();
        }
        unit.tokenDone(position(), stack, depth);
        if (depth == 2) {
            unit.checkNewNames(AaltoInternals.names(reader), depth);
        }
        depth--;
        Element done = stack.pop();
        if (done == null) {
            return null;
        }
        stack = null;
        endUnit();
        return new ParserEvent.ElementParsed(done);
    }

    /** {@code buffered}: aalto read the whole token before reporting it (CDATA), not just the input at hand. */
    private void text(boolean buffered) throws XMLStreamException, XmppStreamException {
        char[] chars = reader.getTextCharacters();
        int start = reader.getTextStart();
        int length = reader.getTextLength();
        if (depth >= 2) {
            if (buffered) {
                unit.tokenDone(position(), stack, depth);
            }
            stack.text(chars, start, length);
            unit.textTaken(position(), stack, depth);
            return;
        }
        for (int i = start, end = start + length; i < end; i++) {
            char c = chars[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                // The stream's content is elements; only whitespace (keepalives, RFC 6120 §4.6.1) goes between.
                throw new XmppStreamException(StreamErrorCondition.BAD_FORMAT, "character data between stanzas");
            }
        }
        if (depth == 1) {
            unit.restartGap(position());
        }
    }

    /**
     * Our offset: bytes of input consumed by aalto so far. Only exact once the current token is read in full (see
     * AaltoFactory on lazy text), which holds wherever this is called: text events are read before it.
     */
    private long position() throws XMLStreamException {
        return reader.getLocationInfo().getEndingByteOffset() + posDelta;
    }

    /**
     * The header or a top-level element is complete: the next unit starts here. A fresh reader replaces one that
     * has learned many names (see {@link #rotate}) or read a big unit (see {@link #ROTATE_AFTER_BYTES}).
     */
    private void endUnit() throws XMLStreamException {
        long pos = position();
        if (namesSinceRotation > ROTATE_AFTER_NAMES || pos - unit.unitStart() >= ROTATE_AFTER_BYTES) {
            rotate();
        }
        unit.begin(pos, AaltoInternals.names(reader));
    }

    /** Hands aalto the next slice of the caller's bytes: whole characters, up to the first byte not UTF-8. */
    private void feedSlice() throws XMLStreamException, XmppStreamException {
        long pos = position();
        input.take(pos, AaltoInternals.bytesToFeed(reader, SLICE_BYTES));
        feedAt(pos, input.slice, input.sliceOffset, input.sliceLength);
    }

    /** Feeds aalto and re-anchors our offset to {@code pos}, the offset of {@code b[off]}. */
    private void feedAt(long pos, byte[] b, int off, int len) throws XMLStreamException {
        reader.getInputFeeder().feedInput(b, off, len);
        posDelta = pos - reader.getLocationInfo().getEndingByteOffset();
        fed = b;
        fedStart = off;
        fedEnd = off + len;
        fedStartPos = pos;
    }

    /** aalto keeps a reference to the last array fed; an idle stream should not pin the caller's buffer. */
    private void releaseInput() throws XMLStreamException {
        input.release();
        if (fed != null && fed != NO_BYTES) {
            feedAt(position(), NO_BYTES, 0, 0);
        }
    }

    /**
     * Continues the stream on a fresh aalto reader. Each reader keeps every distinct element and attribute name it
     * has seen in its own symbol table, for the life of the reader; a peer inventing names would otherwise grow it
     * without bound. At an element boundary nothing is pending inside aalto, so a new reader primed with a copy of
     * the stream open tag can take over from the first unread byte.
     */
    private void rotate() throws XMLStreamException {
        long pos = position();
        int rest = fedStart + (int) (pos - fedStartPos);
        byte[] array = fed;
        int arrayEnd = fedEnd;
        newReader(pos);
        if (rest < arrayEnd) {
            feedAt(pos, array, rest, arrayEnd - rest);
        }
    }

    /** A fresh reader inside the stream element, its offsets anchored so that ours continue at {@code pos}. */
    private void newReader(long pos) throws XMLStreamException {
        AsyncXMLStreamReader<AsyncByteArrayFeeder> fresh = FACTORY.createAsyncForByteArray();
        byte[] primer = primer();
        fresh.getInputFeeder().feedInput(primer, 0, primer.length);
        int ev;
        do {
            ev = fresh.next();
            if (ev == AsyncXMLStreamReader.EVENT_INCOMPLETE) {
                throw new XMLStreamException("stream primer did not parse");
            }
        } while (ev != XMLStreamConstants.START_ELEMENT);
        reader = fresh;
        namesSinceRotation = 0;
        unit.readerReplaced(AaltoInternals.names(fresh));
        posDelta = pos - fresh.getLocationInfo().getEndingByteOffset();
    }

    private byte[] primer() {
        StringBuilder sb = new StringBuilder(160).append("<stream:stream");
        for (int i = 0; i < streamNamespaces.length; i += 2) {
            sb.append(streamNamespaces[i].isEmpty() ? " xmlns" : " xmlns:" + streamNamespaces[i]).append("='");
            XmlWriter.escapeAttr(streamNamespaces[i + 1], sb);
            sb.append('\'');
        }
        return sb.append('>').toString().getBytes(StandardCharsets.UTF_8);
    }

    private XmppStreamException fail(XmppStreamException e) {
        failure = e;
        state = FAILED;
        reader = null;
        fed = null;
        input.release();
        stack = null;
        return e;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return null;
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}

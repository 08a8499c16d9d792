package io.rookery.protocol.xml;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLInputFactory;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.async.AsyncByteScanner;
import com.fasterxml.aalto.in.ByteBasedPNameTable;
import com.fasterxml.aalto.in.XmlScanner;
import com.fasterxml.aalto.util.TextBuilder;
import com.fasterxml.aalto.stax.StreamReaderImpl;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * What aalto 1.4 knows and its StAX interface does not tell.
 *
 * <p>What it is in the middle of, which StAX only tells once a start tag is complete. By then it is too late:
 * aalto checks a tag's attributes for duplicates with a hash whose collisions (all attributes sharing a local name,
 * or just many of them) it searches linearly and grows eight slots at a time, checks each namespace declaration
 * against all earlier ones of the element, and files every new name in a table whose shared collision buckets it
 * also searches linearly. Each is quadratic: one 239 KB tag of 25,000 attributes cost 171 ms of CPU, 16,000
 * namespace declarations 660 ms, 25,000 distinct element names 101 ms. The parser reads these counts whenever aalto
 * runs out of input, which is at least every {@value XmppStreamParser#SLICE_BYTES} bytes, and stops a peer before
 * aalto's share of the work grows past a constant.
 *
 * <p>All of it comes from aalto's internal classes (public methods, and protected fields read through a private
 * lookup, which works on the class path and for aalto as an automatic module). The parser's tests fail if an aalto
 * upgrade changes what they mean; a missing field fails here, when the class loads, rather than disabling a check.
 */
final class AaltoInternals {
    private static final VarHandle SYMBOLS;
    private static final VarHandle TEXT_BUILDER;
    private static final VarHandle PENDING;

    static {
        try {
            SYMBOLS = MethodHandles.privateLookupIn(AsyncByteScanner.class, MethodHandles.lookup())
                    .findVarHandle(AsyncByteScanner.class, "_symbols", ByteBasedPNameTable.class);
            TEXT_BUILDER = MethodHandles.privateLookupIn(XmlScanner.class, MethodHandles.lookup())
                    .findVarHandle(XmlScanner.class, "_textBuilder", TextBuilder.class);
            PENDING = MethodHandles.privateLookupIn(AsyncByteScanner.class, MethodHandles.lookup())
                    .findVarHandle(AsyncByteScanner.class, "_pendingInput", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private AaltoInternals() {
    }

    private static XmlScanner scanner(XMLStreamReader reader) {
        return ((StreamReaderImpl) reader).getScanner();
    }

    /**
     * Attributes of the start tag aalto is reading, so far; between tags, those of the last one (which the parser
     * has already checked).
     */
    static int attributes(XMLStreamReader reader) {
        return scanner(reader).getAttrCollector().getCount();
    }

    /**
     * Namespace declarations of the start tag aalto is reading, so far, when asked while aalto waits for input;
     * between tags, none.
     */
    static int namespaceDeclarations(XMLStreamReader reader) {
        return scanner(reader).getNsCount();
    }

    /**
     * Whether the current start tag has an {@code xmlns:} with nothing after the colon: aalto takes it as a namespace
     * declaration for the prefix "" and StAX reports it as the default namespace's, though it binds nothing (a
     * stream header with {@code xmlns:='jabber:client'} passed as a client stream whose stanzas had no namespace,
     * until a fresh reader, primed with a real default declaration, gave them one: found by
     * XmppStreamParserFuzzTest). Namespaces in XML 1.0 §3 makes it no QName: not well-formed.
     */
    static boolean declaresEmptyPrefix(XMLStreamReader reader, int namespaceCount) {
        XmlScanner scanner = scanner(reader);
        for (int i = 0; i < namespaceCount; i++) {
            // the scanner's own prefix: null for xmlns='...', "" only for xmlns:='...'
            if ("".equals(scanner.getNamespacePrefix(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * How many bytes aalto may be fed next, at most {@code wanted}, around an aalto 1.4 bug: {@code
     * TextBuilder.append(char)}, when its segment is full, allocates the next one and then writes into the full one,
     * over its first character. aalto appends that way only for input left pending by the last feed: a ']' or ']]'
     * inside a CDATA section (then once for every further ']'), or a CR. When its characters so far had filled the
     * segment exactly, one went missing and overwrote an earlier one (a ']' replaced the first character of a long
     * CDATA section: found by XmppStreamParserFuzzTest). So while something is pending, a full segment is finished
     * here (aalto takes its buffer afresh from the builder when it resumes) and the feed is cut to the room left:
     * each byte appends at most one character, and nothing is appended to a full segment. That cuts feeds short
     * only around the end of a segment.
     */
    static int bytesToFeed(XMLStreamReader reader, int wanted) {
        XmlScanner scanner = scanner(reader);
        if ((int) PENDING.get((AsyncByteScanner) scanner) == 0) {
            return wanted;
        }
        TextBuilder text = (TextBuilder) TEXT_BUILDER.get(scanner);
        char[] segment = text.getBufferWithoutReset(); // null until the first text
        int size = text.getCurrentLength(); // -1 for whitespace aalto keeps as a shared constant
        if (segment == null || size < 0) {
            return wanted;
        }
        if (size >= segment.length) {
            segment = text.finishCurrentSegment();
            size = 0;
        }
        return Math.min(wanted, segment.length - size);
    }

    /**
     * Distinct element, attribute and prefixed names the reader knows, the factory's included; 0 until the reader
     * has settled its encoding (after the XML declaration, or the first bytes without one), before any name.
     */
    static int names(XMLStreamReader reader) {
        ByteBasedPNameTable symbols = (ByteBasedPNameTable) SYMBOLS.get((AsyncByteScanner) scanner(reader));
        return symbols == null ? 0 : symbols.size();
    }

    /** The names every reader of {@code factory} starts with. */
    static int factoryNames(AsyncXMLInputFactory factory) {
        AsyncXMLStreamReader<AsyncByteArrayFeeder> r = factory.createAsyncForByteArray();
        byte[] declaration = "<?xml version='1.0'?>".getBytes(StandardCharsets.US_ASCII);
        try {
            r.getInputFeeder().feedInput(declaration, 0, declaration.length);
            while (r.next() != AsyncXMLStreamReader.EVENT_INCOMPLETE) {
                // START_DOCUMENT
            }
        } catch (XMLStreamException e) {
            throw new IllegalStateException("aalto refused an XML declaration", e);
        }
        int n = names(r);
        if (n == 0) {
            throw new IllegalStateException("aalto's name table did not show up after the XML declaration");
        }
        return n;
    }
}

package io.rookery.protocol.xml;

import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.stanza.XmppStreamException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The caller's bytes on their way to aalto: checked as UTF-8 (RFC 6120 §11.6 allows nothing else) and cut into
 * slices of whole characters.
 *
 * <p>aalto decodes multi-byte sequences without checking their range: {@code C0 AF} came out as {@code /},
 * {@code E0 80 AF} too, and {@code F4 90 80 80} (past U+10FFFF) as a pair of surrogates, in text and attribute
 * values alike. Here every byte is checked against the well-formed sequences of RFC 3629 §4 (no overlong forms,
 * no surrogates, nothing past U+10FFFF), across any cut between two feeds. aalto gets only the bytes before the
 * first bad one, so that whatever they complete is delivered however the input is cut, and the parser then ends
 * the stream with {@code not-well-formed}.
 *
 * <p>aalto 1.4.0 gets a character of four bytes wrong when an attribute value's bytes arrive in two feeds split
 * inside it ({@code handleAttrValuePending} treats the code point less 0x10000 that {@code decodeUtf8_4} returns
 * as the code point: U+1D11E became U+D11E, U+10000 a syntax error). So no slice ends inside a character: a slice
 * is stretched to the character's end when the caller's bytes have it, and otherwise the up to three bytes begun
 * are held back here until the next feed completes them.
 *
 * <p>XML 1.0 §2.4 forbids {@code ]]>} in character data, but aalto finds it only when the three bytes come in one
 * feed and not at the start of a text token (its {@code startCharacters} leaves the check "to be implemented"):
 * the same stanza passed or failed with the TCP segments (found by XmppStreamParserFuzzTest). Every slice now ends
 * before the {@code >} of a {@code ]]>}, so aalto never sees one whole and always takes it as text, as it does
 * where it never looks; XmlWriter writes that {@code >} as {@code &gt;}. CDATA sections still end there.
 *
 * <p>A stream in another encoding gets {@code unsupported-encoding} (§4.9.3.22): one that starts with a UTF-16 or
 * UTF-32 byte order mark or has a zero byte among its first four (how a {@code <} looks in those encodings), or
 * one whose XML declaration names another encoding ({@link StreamStart}).
 *
 * <p>Every failure is tied to the byte where it shows, and aalto gets the bytes before it: so the first bad byte
 * decides, whichever it is and however the input is cut (XmppStreamParserFuzzTest found two orders that did not).
 */
final class Utf8Input {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long BRACKETS = ONES * ']';

    // The caller's bytes not yet handed on: buf[next, end).
    private byte[] buf;
    private int next;
    private int end;

    /** The next slice for aalto, set by {@link #take}. */
    byte[] slice;
    int sliceOffset;
    int sliceLength;

    /** The bytes of a character that the caller's bytes ended inside of. */
    private byte[] held;
    private int heldLength;

    // The sequence being checked: bytes seen, continuation bytes still needed, the range the next one must be in.
    private int seen;
    private int need;
    private int low = 0x80;
    private int high = 0xBF;
    /** Why the stream must end, once the bytes before the bad one have been handed on; null while all is well. */
    private XmppStreamException failure;
    /** Watches the stream's first bytes until its header is read; null after. */
    private StreamStart start = new StreamStart();

    /** Takes over the caller's bytes, which it must leave alone until {@link #hasBytes()} is false. */
    void give(byte[] b, int offset, int length) {
        buf = b;
        next = offset;
        end = offset + length;
    }

    /** Whether some of the caller's bytes have not been handed on. */
    boolean hasBytes() {
        return buf != null && next < end;
    }

    /** Forgets the caller's array once all of it has been handed on, so that an idle stream does not pin it. */
    void release() {
        buf = null;
    }

    /** Whether a character begun in the last feed waits for the rest of its bytes. */
    boolean holding() {
        return heldLength > 0;
    }

    /** The stream error the byte after the last one handed on calls for, or null. */
    XmppStreamException failure() {
        return failure;
    }

    /**
     * Sets {@link #slice} to the next whole characters for aalto, at most about {@code max} bytes, which begin at
     * our offset {@code pos} of the stream. The slice may be empty: when the caller's bytes ended inside a
     * character (now held back), or when the next byte calls for a stream error (now {@link #failure()}).
     */
    void take(long pos, int max) {
        if (heldLength > 0) {
            completeHeld(pos);
            return;
        }
        int from = next;
        int to = check(pos, from, Math.min(end, from + max));
        if (need > 0 && failure == null && to < end) {
            to = check(pos + (to - from), to, Math.min(end, to + need)); // stretch to the character's end
        }
        next = to;
        // Not even before a bad byte does aalto get part of a character: it would fail on some, in some cuts only.
        int whole = need == 0 ? to : to - seen;
        if (whole < to && failure == null) {
            if (held == null) {
                held = new byte[4];
            }
            System.arraycopy(buf, whole, held, 0, to - whole);
            heldLength = to - whole;
        }
        slice = buf;
        sliceOffset = from;
        sliceLength = whole - from;
    }

    /** Adds the caller's next bytes to the held character; the slice is the character once it is whole. */
    private void completeHeld(long pos) {
        int from = next;
        int to = check(pos + heldLength, from, Math.min(end, from + need));
        System.arraycopy(buf, from, held, heldLength, to - from);
        heldLength += to - from;
        next = to;
        slice = held;
        sliceOffset = 0;
        sliceLength = 0;
        if (need == 0 && failure == null) {
            sliceLength = heldLength;
            heldLength = 0;
        }
    }

    /**
     * Checks buf[from, to), which starts at our offset {@code pos}; returns where a bad byte is (then {@link
     * #failure} says why), or to.
     */
    private int check(long pos, int from, int to) {
        byte[] b = buf;
        int quoteAt = -1;
        if (start != null) {
            long quote = start.look(pos, b, from, to);
            if (quote >= pos && quote < pos + (to - from)) {
                quoteAt = from + (int) (quote - pos);
                to = quoteAt;
            }
        }
        int i = from;
        // The stream's first four bytes one at a time, so that the first bad byte decides, however they are cut.
        for (; i < to && pos + (i - from) < 4; i++) {
            int c = b[i] & 0xFF;
            if (c == 0 || (pos + (i - from) == 0 && (c == 0xFE || c == 0xFF))) {
                return fail(i, StreamErrorCondition.UNSUPPORTED_ENCODING, "the stream is not in UTF-8 (UTF-16 or UTF-32?)");
            }
            if (!accept(c)) {
                return fail(i, StreamErrorCondition.NOT_WELL_FORMED, "invalid UTF-8");
            }
        }
        while (i < to) {
            // a sequence begun, to its end
            while (need > 0 && i < to) {
                if (!accept(b[i] & 0xFF)) {
                    return fail(i, StreamErrorCondition.NOT_WELL_FORMED, "invalid UTF-8");
                }
                i++;
            }
            // ASCII, by far the most of XMPP's bytes: eight at a time while none is above 0x7F or a ']'
            while (i + 8 <= to) {
                long w = (long) LONGS.get(b, i);
                long brackets = w ^ BRACKETS;
                if (((w | ((brackets - ONES) & ~brackets)) & HIGH_BITS) != 0) {
                    break;
                }
                i += 8;
            }
            int c = 0;
            while (i < to && (c = b[i]) >= 0 && c != ']') {
                i++;
            }
            if (i == to) {
                break;
            }
            if (c == ']') {
                if (i + 2 < to && b[i + 1] == ']' && b[i + 2] == '>') {
                    return i + 2; // a slice ends before the '>' of "]]>": see the class comment
                }
            } else if (!accept(c & 0xFF)) {
                return fail(i, StreamErrorCondition.NOT_WELL_FORMED, "invalid UTF-8");
            }
            i++;
        }
        if (quoteAt >= 0) {
            failure = new XmppStreamException(StreamErrorCondition.UNSUPPORTED_ENCODING, start.otherEncoding());
        }
        return to;
    }

    /** The byte at {@code i} calls for a stream error; one found further on (a declaration's quote) gives way. */
    private int fail(int i, StreamErrorCondition condition, String text) {
        failure = new XmppStreamException(condition, text);
        return i;
    }

    /** Takes the next byte of the sequence being checked; false when it cannot be one (RFC 3629 §4). */
    private boolean accept(int c) {
        if (need == 0) {
            if (c < 0x80) {
                return true;
            }
            if (c < 0xC2 || c > 0xF4) {
                return false; // a continuation byte out of place, an overlong lead (C0, C1), or past U+10FFFF (F5-FF)
            }
            seen = 1;
            need = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
            // The second byte's range rules out overlong forms (E0, F0), surrogates (ED) and U+110000+ (F4).
            low = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
            high = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
            return true;
        }
        if (c < low || c > high) {
            return false;
        }
        seen++;
        need--;
        low = 0x80;
        high = 0xBF;
        return true;
    }

    /** The stream header has been read: nothing more to watch at the start of the stream. */
    void headerRead() {
        start = null;
    }
}

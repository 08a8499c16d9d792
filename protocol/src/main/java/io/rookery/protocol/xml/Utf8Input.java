package io.rookery.protocol.xml;

import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.stanza.XmppStreamException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>A stream in another encoding gets {@code unsupported-encoding} (§4.9.3.22): one that starts with a UTF-16 or
 * UTF-32 byte order mark or has a zero byte among its first four (how a {@code <} looks in those encodings), or
 * one whose XML declaration names an encoding aalto refuses (aalto reports that as a plain syntax error, so the
 * first {@value #HEAD_BYTES} bytes are kept until the stream header is read, to look the declaration up).
 */
final class Utf8Input {
    static final int HEAD_BYTES = 256;
    private static final Pattern DECLARED_ENCODING = Pattern.compile(
            "<\\?xml\\s+version\\s*=\\s*(['\"])[^'\"]*\\1\\s+encoding\\s*=\\s*(['\"])([^'\"]*)\\2");

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
    private boolean invalid;
    /** The stream's first bytes, until its header is read; null after. */
    private byte[] head = new byte[HEAD_BYTES];
    private int headLength;

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

    /** Whether the byte after the last one handed on is not UTF-8; the stream must end. */
    boolean invalid() {
        return invalid;
    }

    /**
     * Sets {@link #slice} to the next whole characters for aalto, at most about {@code max} bytes, which begin at
     * our offset {@code pos} of the stream. The slice may be empty: when the caller's bytes ended inside a
     * character (now held back), or when the next byte is not UTF-8 (now {@link #invalid()}).
     *
     * @throws XmppStreamException unsupported-encoding when the stream starts in UTF-16 or UTF-32
     */
    void take(long pos, int max) throws XmppStreamException {
        if (heldLength > 0) {
            completeHeld(pos);
            return;
        }
        int from = next;
        int to = check(pos, from, Math.min(end, from + max));
        if (need > 0 && !invalid && to < end) {
            to = check(pos + (to - from), to, Math.min(end, to + need)); // stretch to the character's end
        }
        next = to;
        int whole = invalid || need == 0 ? to : to - seen;
        if (whole < to) {
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
    private void completeHeld(long pos) throws XmppStreamException {
        int from = next;
        int to = check(pos + heldLength, from, Math.min(end, from + need));
        System.arraycopy(buf, from, held, heldLength, to - from);
        heldLength += to - from;
        next = to;
        slice = held;
        sliceOffset = 0;
        sliceLength = 0;
        if (need == 0 && !invalid) {
            sliceLength = heldLength;
            heldLength = 0;
        }
    }

    /** Checks buf[from, to), which starts at our offset {@code pos}; returns where it stops being UTF-8, or to. */
    private int check(long pos, int from, int to) throws XmppStreamException {
        if (head != null) {
            keepHead(pos, buf, from, to);
        }
        if (pos < 4) {
            checkSignature(pos, buf, from, to);
        }
        byte[] b = buf;
        int i = from;
        if (need == 0) {
            while (i < to && b[i] >= 0) {
                i++; // ASCII, by far the most of XMPP's bytes
            }
        }
        for (; i < to; i++) {
            int c = b[i] & 0xFF;
            if (need == 0) {
                if (c < 0x80) {
                    continue;
                }
                if (c < 0xC2 || c > 0xF4) {
                    break; // a continuation byte out of place, an overlong lead (C0, C1), or past U+10FFFF (F5-FF)
                }
                seen = 1;
                need = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
                // The second byte's range rules out overlong forms (E0, F0), surrogates (ED) and U+110000+ (F4).
                low = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
                high = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
            } else if (c < low || c > high) {
                break;
            } else {
                seen++;
                need--;
                low = 0x80;
                high = 0xBF;
            }
        }
        if (i < to) {
            invalid = true;
        }
        return i;
    }

    /** The stream header has been read: its XML declaration was fine. */
    void headerRead() {
        head = null;
    }

    /**
     * The encoding the stream's XML declaration names, when it is not UTF-8, or null; for when aalto refused the
     * start of the stream.
     */
    String declaredOtherEncoding() {
        if (head == null) {
            return null;
        }
        Matcher m = DECLARED_ENCODING.matcher(new String(head, 0, headLength, StandardCharsets.ISO_8859_1));
        if (!m.lookingAt() || m.group(3).equalsIgnoreCase("UTF-8")) {
            return null;
        }
        return m.group(3);
    }

    private void keepHead(long pos, byte[] b, int from, int to) {
        if (pos >= HEAD_BYTES) {
            return; // a declaration longer than this is not one we could name the encoding of anyway
        }
        int n = (int) Math.min(to - from, HEAD_BYTES - pos);
        System.arraycopy(b, from, head, (int) pos, n);
        headLength = (int) pos + n;
    }

    private static void checkSignature(long pos, byte[] b, int from, int to) throws XmppStreamException {
        for (int i = from; i < to && pos + (i - from) < 4; i++) {
            int c = b[i] & 0xFF;
            if (c == 0 || (pos + (i - from) == 0 && (c == 0xFE || c == 0xFF))) {
                throw new XmppStreamException(StreamErrorCondition.UNSUPPORTED_ENCODING,
                        "the stream is not in UTF-8 (UTF-16 or UTF-32?)");
            }
        }
    }
}

package io.rookery.protocol.xml;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first bytes of a stream, kept until its header is read, to find an XML declaration that names another
 * encoding than UTF-8 (RFC 6120 §11.6). aalto refuses most such declarations with a plain syntax error, and takes
 * US-ASCII and Latin-1, so the parser decides this itself, at the declaration's closing quote.
 */
final class StreamStart {
    /** A declaration that does not fit in this many bytes gets no unsupported-encoding, only aalto's error. */
    static final int HEAD_BYTES = 256;
    /** XML 1.0 §2.8 XMLDecl up to its EncodingDecl; EncName per §4.3.3. The version is aalto's to check. */
    private static final Pattern DECLARED_ENCODING = Pattern.compile(
            "<\\?xml[ \\t\\r\\n]+version[ \\t\\r\\n]*=[ \\t\\r\\n]*(['\"])[^'\"]*\\1[ \\t\\r\\n]+encoding[ \\t\\r\\n]*="
                    + "[ \\t\\r\\n]*(['\"])([A-Za-z][A-Za-z0-9._-]*)\\2");

    private final byte[] head = new byte[HEAD_BYTES];
    private int length;
    private String otherEncoding;
    private int closingQuote = -1;

    /**
     * Takes in b[from, to), the stream's bytes from our offset {@code pos}, and returns the offset of the closing
     * quote of a declared encoding other than UTF-8 once its bytes are in, else -1.
     */
    long look(long pos, byte[] b, int from, int to) {
        if (pos >= HEAD_BYTES || closingQuote >= 0) {
            return closingQuote;
        }
        int n = (int) Math.min(to - from, HEAD_BYTES - pos);
        System.arraycopy(b, from, head, (int) pos, n);
        length = (int) pos + n;
        Matcher m = DECLARED_ENCODING.matcher(new String(head, 0, length, StandardCharsets.ISO_8859_1));
        // "UTF8" is no registered name, but a common misspelling that aalto takes as UTF-8 as well.
        if (m.lookingAt() && !m.group(3).equalsIgnoreCase("UTF-8") && !m.group(3).equalsIgnoreCase("UTF8")) {
            otherEncoding = m.group(3);
            closingQuote = m.end() - 1;
        }
        return closingQuote;
    }

    /** The encoding the declaration names, once {@link #look} has found it. */
    String otherEncoding() {
        return otherEncoding;
    }
}

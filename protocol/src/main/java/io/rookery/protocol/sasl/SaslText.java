package io.rookery.protocol.sasl;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Decoding shared by the mechanisms: strict UTF-8, and the saslname escaping of RFC 5802 §5.1. */
final class SaslText {
    private SaslText() {}

    /** Strict UTF-8 (no replacement characters), or null when the bytes are not UTF-8. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Decodes a saslname ({@code =2C} is ',', {@code =3D} is '='); null when empty or when '=' starts anything
     * else, which RFC 5802 §5.1 makes a failure. A raw ',' cannot occur: callers split on it first.
     */
    static String decodeSaslName(String s) {
        if (s.isEmpty()) return null;
        if (s.indexOf('=') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '=') {
                b.append(c);
            } else if (s.startsWith("2C", i + 1)) {
                b.append(',');
                i += 2;
            } else if (s.startsWith("3D", i + 1)) {
                b.append('=');
                i += 2;
            } else {
                return null;
            }
        }
        return b.toString();
    }

    /** RFC 5802 §7 printable: %x21-2B / %x2D-7E, at least one. */
    static boolean isPrintable(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7E || c == ',') return false;
        }
        return true;
    }

    /** RFC 5802 §7 attr-val: a single letter, '=', then a value. */
    static boolean isAttrVal(String s) {
        return s.length() >= 2 && s.charAt(1) == '=' && (s.charAt(0) | 0x20) >= 'a' && (s.charAt(0) | 0x20) <= 'z';
    }

    /** SASLprep (RFC 4013) of a stored or query string, or null when it contains prohibited code points. */
    static String saslPrepOrNull(String s) {
        try {
            String prepared = SaslPrep.prepare(s);
            return prepared.isEmpty() ? null : prepared;
        } catch (RuntimeException e) {
            // scram-common signals prohibited output and bidi violations with IllegalArgumentException.
            return null;
        }
    }
}

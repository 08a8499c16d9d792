package io.rookery.protocol.jid;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import rocks.xmpp.precis.PrecisProfiles;

/** Preparation and enforcement of each JID part (RFC 7622 §3.2-3.4). Stateless; nothing is cached. */
final class JidParts {
    /** RFC 7622 §3.2-3.4: every part is 1..1023 octets of UTF-8 after preparation. */
    static final int MAX_PART_BYTES = 1023;

    /*
     * Preparation runs PRECIS code over the whole input, so bound the work before it starts. Preparation can shrink
     * a string (NFC composes, e.g. three Hangul jamo into one syllable), but not by a factor of four, so nothing
     * longer than this can come out at 1023 bytes or less.
     */
    private static final int MAX_RAW_CHARS = 4 * MAX_PART_BYTES;

    private static final String FORBIDDEN_IN_LOCALPART = "\"&'/:<>@";

    private JidParts() {}

    static String localpart(String raw) throws InvalidJidException {
        checkRaw(raw, "localpart");
        String prepared = isPrintableAscii(raw, '!') ? asciiLowerCase(raw) : enforceLocalpart(raw);
        // Checked after enforcement: width mapping can turn e.g. FULLWIDTH COMMERCIAL AT into '@'.
        for (int i = 0; i < prepared.length(); i++) {
            if (FORBIDDEN_IN_LOCALPART.indexOf(prepared.charAt(i)) >= 0) {
                throw new InvalidJidException("localpart contains forbidden character '" + prepared.charAt(i) + "'");
            }
        }
        checkLength(prepared, "localpart");
        return prepared;
    }

    static String resourcepart(String raw) throws InvalidJidException {
        checkRaw(raw, "resourcepart");
        String prepared = isPrintableAscii(raw, ' ') ? raw : enforceResourcepart(raw);
        checkLength(prepared, "resourcepart");
        return prepared;
    }

    /*
     * Fast paths. Printable ASCII is what nearly every JID is made of, and PRECIS does nothing to it but what is done
     * here (JidPartsFastPathTest compares both ways on every such string it draws): in the IdentifierClass of the
     * UsernameCaseMapped profile (RFC 8265 §3.3) the characters U+0021 to U+007E are valid (ASCII7, RFC 8264 §9.11),
     * width mapping and NFC leave them as they are, and case mapping is ASCII lower-casing; the FreeformClass of the
     * OpaqueString profile (RFC 8265 §4.2) also allows U+0020 and maps nothing in ASCII. Anything else takes the full
     * path.
     */

    static String enforceLocalpart(String raw) throws InvalidJidException {
        try {
            return PrecisProfiles.USERNAME_CASE_MAPPED.enforce(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidJidException("invalid localpart: " + e.getMessage());
        }
    }

    static String enforceResourcepart(String raw) throws InvalidJidException {
        try {
            return PrecisProfiles.OPAQUE_STRING.enforce(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidJidException("invalid resourcepart: " + e.getMessage());
        }
    }

    /** Every character between {@code lowest} and U+007E. */
    static boolean isPrintableAscii(String s, char lowest) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < lowest || c > '~') return false;
        }
        return true;
    }

    /**
     * A domain of NR-LDH labels only (RFC 5890 §2.3.1: letters, digits and inner hyphens, 1 to 63 characters, no
     * "??--"), lower-cased, which is what IDNA's conversions make of it; null when the full path must decide.
     */
    static String ldhDomain(String s) {
        int labelStart = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                int len = i - labelStart;
                if (len == 0 || len > 63 || s.charAt(labelStart) == '-' || s.charAt(i - 1) == '-') return null;
                if (len >= 4 && s.charAt(labelStart + 2) == '-' && s.charAt(labelStart + 3) == '-') return null;
                labelStart = i + 1;
            } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c >= 'A' && c <= 'Z')) {
                return null;
            }
        }
        return asciiLowerCase(s);
    }

    static String domainpart(String raw) throws InvalidJidException {
        checkRaw(raw, "domainpart");
        if (raw.charAt(0) == '[') {
            return ipv6Literal(raw);
        }
        String s = raw.replace('\u3002', '.').replace('\uFF0E', '.').replace('\uFF61', '.');
        // RFC 7622 §3.2: a trailing label separator is stripped (one: "example.com.." stays invalid).
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty() || s.endsWith(".")) {
            throw new InvalidJidException("empty domainpart or label");
        }
        String ldh = ldhDomain(s);
        if (ldh != null) {
            checkLength(ldh, "domainpart");
            return ldh;
        }
        return idnDomain(s);
    }

    static String idnDomain(String s) throws InvalidJidException {
        String ascii;
        try {
            ascii = IDN.toASCII(s, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw new InvalidJidException("invalid domainpart: " + e.getMessage());
        }
        // RFC 7622 §3.2.1: A-labels become U-labels; IDN leaves a label it cannot decode as it was. Nameprep has
        // case-folded every label but the ASCII ones. Lower-casing the rest with today's Unicode turned Cherokee
        // capitals (no case in Unicode 3.2) into small letters IDN does not know, a canonical form that no longer
        // parsed (found by JidFuzzTest): so only ASCII is lower-cased, and the result must convert again.
        String unicode = asciiLowerCase(IDN.toUnicode(ascii, IDN.USE_STD3_ASCII_RULES));
        try {
            IDN.toASCII(unicode, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw new InvalidJidException("invalid domainpart: " + e.getMessage());
        }
        int start = 0;
        while (start <= unicode.length()) {
            int dot = unicode.indexOf('.', start);
            int end = dot < 0 ? unicode.length() : dot;
            checkLabel(unicode.substring(start, end));
            start = end + 1;
        }
        checkLength(unicode, "domainpart");
        return unicode;
    }

    private static void checkLabel(String label) throws InvalidJidException {
        if (label.isEmpty()) {
            throw new InvalidJidException("empty label in domainpart");
        }
        // Only NR-LDH labels and U-labels are allowed (RFC 5890 §2.3.1); "xn--" left here is an undecodable
        // A-label, any other "??--" is a reserved LDH label.
        if (label.length() >= 4 && label.charAt(2) == '-' && label.charAt(3) == '-') {
            throw new InvalidJidException("reserved or invalid A-label in domainpart: " + label);
        }
        if (!isAscii(label)) {
            try {
                PrecisProfiles.USERNAME_CASE_MAPPED.enforce(label);
            } catch (IllegalArgumentException e) {
                throw new InvalidJidException("invalid label in domainpart: " + e.getMessage());
            }
        }
    }

    /** RFC 7622 §3.2: an IPv6 address as IP-literal of RFC 3986 §3.2.2; zone ids and IPvFuture are refused. */
    private static String ipv6Literal(String raw) throws InvalidJidException {
        if (raw.length() < 4 || raw.charAt(raw.length() - 1) != ']') {
            throw new InvalidJidException("unterminated IPv6 literal in domainpart");
        }
        String inner = raw.substring(1, raw.length() - 1);
        boolean colon = false;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            colon |= c == ':';
            if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0 && c < 0x80)) {
                throw new InvalidJidException("invalid character in IPv6 literal");
            }
        }
        if (!colon) {
            throw new InvalidJidException("IP-literal in domainpart is not an IPv6 address");
        }
        try {
            // A bracketed numeric literal is parsed by the JDK, never resolved through DNS.
            InetAddress.getByName(raw);
        } catch (UnknownHostException e) {
            throw new InvalidJidException("invalid IPv6 literal in domainpart");
        }
        return "[" + inner.toLowerCase(Locale.ROOT) + "]";
    }

    private static void checkRaw(String raw, String part) throws InvalidJidException {
        if (raw.isEmpty()) {
            throw new InvalidJidException("empty " + part);
        }
        if (raw.length() > MAX_RAW_CHARS) {
            throw new InvalidJidException(part + " longer than " + MAX_PART_BYTES + " bytes");
        }
    }

    private static void checkLength(String prepared, String part) throws InvalidJidException {
        int bytes = utf8Length(prepared);
        if (bytes == 0) {
            throw new InvalidJidException("empty " + part);
        }
        if (bytes > MAX_PART_BYTES) {
            throw new InvalidJidException(part + " longer than " + MAX_PART_BYTES + " bytes");
        }
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static String asciiLowerCase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = s.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (chars[j] >= 'A' && chars[j] <= 'Z') {
                        chars[j] += 'a' - 'A';
                    }
                }
                return new String(chars);
            }
        }
        return s;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) return false;
        }
        return true;
    }
}

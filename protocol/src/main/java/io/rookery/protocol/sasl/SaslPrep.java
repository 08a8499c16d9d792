package io.rookery.protocol.sasl;

import com.ongres.scram.common.StringPreparation;

/** RFC 4013 SASLprep for passwords and user names, as RFC 5802 §5.1 requires. */
public final class SaslPrep {
    private SaslPrep() {}

    /** Returns the prepared string; throws IllegalArgumentException for prohibited input. */
    public static String prepare(String s) {
        // Printable ASCII (U+0020 to U+007E) is neither mapped, normalized nor prohibited by RFC 4013 (its
        // prohibited ASCII are the controls of C.2.1; the ASCII space, C.1.1, is allowed): it stays as it is.
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < ' ' || c > '~') return full(s);
        }
        return s;
    }

    /** The full preparation, whatever the input. */
    static String full(String s) {
        return new String(StringPreparation.SASL_PREPARATION.normalize(s.toCharArray()));
    }
}

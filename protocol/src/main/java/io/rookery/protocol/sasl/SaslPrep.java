package io.rookery.protocol.sasl;

import com.ongres.scram.common.StringPreparation;

/** RFC 4013 SASLprep for passwords and user names, as RFC 5802 §5.1 requires. */
public final class SaslPrep {
    private SaslPrep() {}

    /** Returns the prepared string; throws IllegalArgumentException for prohibited input. */
    public static String prepare(String s) {
        return new String(StringPreparation.SASL_PREPARATION.normalize(s.toCharArray()));
    }
}

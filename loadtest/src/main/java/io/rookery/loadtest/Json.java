package io.rookery.loadtest;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A tiny JSON writer (RFC 8259): objects, arrays, strings, numbers, booleans and null, with commas placed by
 * nesting. Non-finite numbers are written as null, which JSON has no other way to say. Not a validator: the caller
 * pairs begin and end calls.
 */
final class Json {
    private final StringBuilder out = new StringBuilder(4096);
    /** Per open container: whether it has a member already. Depth is small; 64 is far more than any result. */
    private final boolean[] hasMember = new boolean[64];
    private int depth;
    private boolean afterName;

    Json beginObject() {
        beforeValue();
        out.append('{');
        hasMember[++depth] = false;
        return this;
    }

    Json endObject() {
        depth--;
        out.append('}');
        return this;
    }

    Json beginArray() {
        beforeValue();
        out.append('[');
        hasMember[++depth] = false;
        return this;
    }

    Json endArray() {
        depth--;
        out.append(']');
        return this;
    }

    Json name(String name) {
        beforeValue();
        string(name);
        out.append(':');
        afterName = true;
        return this;
    }

    Json value(String s) {
        beforeValue();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        return this;
    }

    Json value(long n) {
        beforeValue();
        out.append(n);
        return this;
    }

    Json value(double d) {
        beforeValue();
        out.append(number(d));
        return this;
    }

    Json value(boolean b) {
        beforeValue();
        out.append(b);
        return this;
    }

    Json field(String name, String s) {
        return name(name).value(s);
    }

    Json field(String name, long n) {
        return name(name).value(n);
    }

    Json field(String name, double d) {
        return name(name).value(d);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** A finite number with at most 4 decimals and no exponent, or null. */
    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return "null";
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        BigDecimal b = new BigDecimal(d).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return b.toPlainString();
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            if (hasMember[depth]) out.append(',');
            hasMember[depth] = true;
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

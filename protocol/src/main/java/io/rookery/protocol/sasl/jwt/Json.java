package io.rookery.protocol.sasl.jwt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader (RFC 8259) for JWT headers and claims and JWK sets: objects become maps, arrays lists,
 * numbers {@link Double} (JWT times are seconds, exact up to 2^53), and strings, booleans and null themselves.
 * Bounded: the input size is the caller's choice, nesting stops at {@link #MAX_DEPTH}, a duplicate member name is
 * refused (RFC 7515 §5.2 lets a JWT parser refuse them, and a second "alg" or "exp" must not win silently).
 * Written here because nothing on the protocol module's class path reads JSON and these inputs are tiny.
 */
public final class Json {
    static final int MAX_DEPTH = 16;

    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    /** Parses one JSON value filling the whole input; IllegalArgumentException when it is not one. */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.ws();
        Object v = p.value(0);
        p.ws();
        if (p.i != text.length()) throw p.error("trailing characters");
        return v;
    }

    /** Parses a JSON object; IllegalArgumentException when the input is anything else. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        if (!(parse(text) instanceof Map<?, ?> m)) throw new IllegalArgumentException("not a JSON object");
        return (Map<String, Object>) m;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nested too deeply");
        if (i >= s.length()) throw error("value expected");
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object(int depth) {
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        ws();
        if (peek('}')) {
            i++;
            return Collections.unmodifiableMap(m);
        }
        while (true) {
            ws();
            if (!peek('"')) throw error("member name expected");
            String name = string();
            ws();
            expect(':');
            ws();
            Object v = value(depth + 1);
            if (m.containsKey(name)) throw error("duplicate member " + name);
            m.put(name, v);
            ws();
            if (peek(',')) {
                i++;
                continue;
            }
            expect('}');
            return Collections.unmodifiableMap(m);
        }
    }

    private List<Object> array(int depth) {
        i++;
        List<Object> l = new ArrayList<>();
        ws();
        if (peek(']')) {
            i++;
            return Collections.unmodifiableList(l);
        }
        while (true) {
            ws();
            l.add(value(depth + 1));
            ws();
            if (peek(',')) {
                i++;
                continue;
            }
            expect(']');
            return Collections.unmodifiableList(l);
        }
    }

    private String string() {
        i++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) throw error("unterminated string");
            char c = s.charAt(i++);
            if (c == '"') return b.toString();
            if (c < 0x20) throw error("control character in string");
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) throw error("unterminated escape");
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) throw error("short \\u escape");
                    try {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    i += 4;
                }
                default -> throw error("bad escape");
            }
        }
    }

    private Double number() {
        int start = i;
        if (peek('-')) i++;
        if (peek('0')) {
            i++;
        } else if (!digits()) {
            throw error("unexpected character");
        }
        if (peek('.')) {
            i++;
            if (!digits()) throw error("digits expected");
        }
        if (peek('e') || peek('E')) {
            i++;
            if (peek('+') || peek('-')) i++;
            if (!digits()) throw error("digits expected");
        }
        double d = Double.parseDouble(s.substring(start, i));
        if (Double.isInfinite(d)) throw error("number out of range");
        return d;
    }

    private boolean digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        return i > start;
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, i)) throw error("unexpected literal");
        i += word.length();
        return v;
    }

    private boolean peek(char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
        if (!peek(c)) throw error("'" + c + "' expected");
        i++;
    }

    private void ws() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            i++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JSON: " + what + " at " + i);
    }
}

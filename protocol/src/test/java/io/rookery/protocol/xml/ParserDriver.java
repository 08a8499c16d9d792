package io.rookery.protocol.xml;

import io.rookery.protocol.stanza.XmppStreamException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * Feeds input to a parser in chunks the way a transport would, and records what comes out: events, then the
 * stream error if one is raised. Each chunk goes in its own array at a random offset, and the previous array is
 * scribbled over once the parser asks for more, so a parser that kept reading the caller's bytes too long or
 * ignored the offset would produce different output.
 */
public final class ParserDriver {
    private ParserDriver() {
    }

    /** Events in order; a final {@link XmppStreamException} when the parser refused the input. */
    public static List<Object> run(byte[] input, int maxStanzaBytes, IntSupplier chunkSize, boolean endOfInput) {
        return run(input, maxStanzaBytes, chunkSize, endOfInput, false);
    }

    /** As above; with {@code compact} the parser is compacted each time it runs out of input. */
    public static List<Object> run(byte[] input, int maxStanzaBytes, IntSupplier chunkSize, boolean endOfInput,
            boolean compact) {
        return run(input, ParserLimits.forMaxStanzaBytes(maxStanzaBytes), chunkSize, endOfInput, compact);
    }

    /** As above, with all the limits given. */
    public static List<Object> run(byte[] input, ParserLimits limits, IntSupplier chunkSize, boolean endOfInput,
            boolean compact) {
        XmppStreamParser parser = new XmppStreamParser(limits);
        List<Object> out = new ArrayList<>();
        Random pads = new Random(input.length);
        byte[] previous = null;
        int pos = 0;
        try {
            for (;;) {
                ParserEvent e;
                while ((e = parser.next()) != null) {
                    out.add(e);
                    if (out.size() > input.length + 1) {
                        // every event stands for bytes of input: more events than bytes is a parser that loops
                        throw new AssertionError("more events than bytes of input: " + brief(out));
                    }
                }
                if (compact) {
                    parser.compact();
                }
                if (!parser.needsInput()) {
                    break;
                }
                if (previous != null) {
                    Arrays.fill(previous, (byte) '<');
                }
                if (pos >= input.length) {
                    if (!endOfInput) {
                        break;
                    }
                    parser.endOfInput();
                    endOfInput = false;
                    continue;
                }
                int n = Math.max(1, Math.min(chunkSize.getAsInt(), input.length - pos));
                int pad = pads.nextInt(4);
                byte[] chunk = new byte[pad + n + pads.nextInt(4)];
                System.arraycopy(input, pos, chunk, pad, n);
                parser.feed(chunk, pad, n);
                previous = chunk;
                pos += n;
            }
        } catch (XmppStreamException x) {
            out.add(x);
        }
        return out;
    }

    public static List<Object> whole(String input, int max) {
        byte[] b = input.getBytes(StandardCharsets.UTF_8);
        return run(b, max, () -> b.length, false);
    }

    public static List<Object> byteByByte(String input, int max) {
        return run(input.getBytes(StandardCharsets.UTF_8), max, () -> 1, false);
    }

    public static List<Object> randomChunks(String input, int max, long seed) {
        return randomChunks(input, max, seed, false);
    }

    public static List<Object> randomChunks(String input, int max, long seed, boolean compact) {
        return randomChunks(input.getBytes(StandardCharsets.UTF_8), ParserLimits.forMaxStanzaBytes(max), seed,
                compact);
    }

    public static List<Object> randomChunks(byte[] input, ParserLimits limits, long seed, boolean compact) {
        Random r = new Random(seed);
        return run(input, limits, () -> 1 + r.nextInt(r.nextBoolean() ? 16 : 5000), false, compact);
    }

    /**
     * The events of {@code input} fed whole, after checking that byte-by-byte and random chunks (compacting or not)
     * give the same: equal events, and a stream error of the same condition at the same place.
     */
    public static List<Object> inAnyChunking(byte[] input, ParserLimits limits) {
        List<Object> whole = run(input, limits, () -> input.length, false, false);
        sameOutcome(whole, run(input, limits, () -> 1, false, false), "byte by byte");
        for (long seed = 1; seed <= 4; seed++) {
            sameOutcome(whole, randomChunks(input, limits, seed, false), "seed " + seed);
            sameOutcome(whole, randomChunks(input, limits, seed, true), "compacting, seed " + seed);
        }
        return whole;
    }

    public static List<Object> inAnyChunking(String input, ParserLimits limits) {
        return inAnyChunking(input.getBytes(StandardCharsets.UTF_8), limits);
    }

    private static String brief(List<Object> events) {
        String s = events.toString();
        return s.length() <= 2000 ? s : s.substring(0, 1000) + " ... " + s.substring(s.length() - 1000);
    }

    /** Equal events, and a stream error of the same condition at the same place; {@code how} names the run. */
    static void sameOutcome(List<Object> expected, List<Object> actual, String how) {
        boolean same = expected.size() == actual.size();
        for (int i = 0; same && i < expected.size(); i++) {
            Object e = expected.get(i);
            Object a = actual.get(i);
            same = e instanceof XmppStreamException x
                    ? a instanceof XmppStreamException y && x.condition() == y.condition()
                    : e.equals(a);
        }
        if (!same) {
            throw new AssertionError(how + ": expected " + brief(expected) + " but got " + brief(actual));
        }
    }
}

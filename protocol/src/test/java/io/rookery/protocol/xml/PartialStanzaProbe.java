package io.rookery.protocol.xml;

import io.rookery.protocol.stanza.XmppStreamException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Not a test: prints what a connection holding an unfinished top-level element costs in retained heap (used heap
 * after full GCs around N parsers each holding the same partial stanza, divided by N), and the CPU time of parsing
 * one large stanza of each shape. Run with the test classpath:
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) io.rookery.protocol.xml.PartialStanzaProbe [all|partial|idle|cpu] [parsers]}.
 */
public final class PartialStanzaProbe {
    static final int MAX_STANZA = 262_144;
    static final int BODY = 250_000;
    static final int READ_BYTES = 1024;

    private PartialStanzaProbe() {}

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        if (what.equals("all") || what.equals("partial")) {
            partial(n);
        }
        if (what.equals("all") || what.equals("idle")) {
            idle(n);
        }
        if (what.equals("all") || what.equals("cpu")) {
            cpu();
        }
        if (what.equals("all") || what.equals("chat")) {
            chat();
        }
    }

    private static void partial(int n) throws Exception {
        Map<String, String> shapes = new LinkedHashMap<>();
        shapes.put("children <x a='b'/>", repeat("<x a='b'/>"));
        shapes.put("children <x/>", repeat("<x/>"));
        shapes.put("text and children a<x/>", repeat("a<x/>"));
        shapes.put("children with 8 attributes", repeat("<x a='1' b='2' c='3' d='4' e='5' f='6' g='7' h='8'/>"));
        shapes.put("plain text", "a".repeat(BODY));
        shapes.put("non-Latin-1 text", "\u4e2d".repeat(BODY / 3));
        shapes.put("open start tag, distinct attributes", openTag(i -> " a" + i + "=''"));
        shapes.put("open start tag, distinct namespace declarations", openTag(i -> " xmlns:p" + i + "='u'"));
        shapes.put("open attribute value", "<x a='" + "a".repeat(BODY));
        shapes.put("open CDATA section", "<![CDATA[" + "a".repeat(BODY));
        shapes.put("open comment", "<!--" + "a".repeat(BODY));
        System.out.printf("retained heap per parser holding a ~%d-byte partial stanza, or as much of it as the"
                + " parser takes before it refuses (%d parsers):%n", BODY, n);
        for (Map.Entry<String, String> s : shapes.entrySet()) {
            byte[] input = (TestXml.HEADER + "<message>" + s.getValue()).getBytes(StandardCharsets.UTF_8);
            int held = heldBytes(input);
            byte[] prefix = Arrays.copyOf(input, held);
            System.out.printf("  %-48s %8.1f KiB  %s%n", s.getKey(), retained(prefix, n) / 1024.0,
                    held == input.length ? "held" : "held " + held + " bytes, then " + outcome(input));
        }
    }

    private static void idle(int n) throws Exception {
        System.out.printf("retained heap per idle parser after one complete stanza (%d parsers):%n", n);
        Map<String, String> stanzas = new LinkedHashMap<>();
        stanzas.put("small", "<message><body>hi</body></message>");
        stanzas.put("250 KB of text", "<message><body>" + "a".repeat(BODY) + "</body></message>");
        stanzas.put("250 KB attribute value", "<message id='" + "a".repeat(BODY) + "'/>");
        stanzas.put("250 KB CDATA section", "<message><body><![CDATA[" + "a".repeat(BODY) + "]]></body></message>");
        for (Map.Entry<String, String> s : stanzas.entrySet()) {
            byte[] input = (TestXml.HEADER + s.getValue()).getBytes(StandardCharsets.UTF_8);
            System.out.printf("  %-48s %8.1f KiB  %s%n", s.getKey(), retained(input, n) / 1024.0, outcome(input));
        }
    }

    private static void cpu() {
        System.out.println("CPU time to parse one complete stanza (median of 21, after 20 to warm up):");
        cpu("25,000 distinct attributes", "<message" + attributes(25_000) + "/>");
        cpu("text of the same size", "<message>" + "a".repeat(attributes(25_000).length() - 10) + "</message>");
        cpu("25,000 distinct child names", "<message>" + numbered(25_000, "<e", "/>") + "</message>");
        cpu("25,000 children, one name", "<message>" + "<eeeee/>".repeat(25_000) + "</message>");
        cpu("20,000 distinct attributes, 8 a child", "<message>" + spread(20_000, 8) + "</message>");
        cpu("250 children of 64 attributes each", "<message>"
                + ("<x" + numbered(64, " a", "='v'") + "/>").repeat(250) + "</message>");
        cpu("text of the same size", "<message>" + "a".repeat(("<x" + numbered(64, " a", "='v'") + "/>").length()
                * 250) + "</message>");
        cpu("1,000 new names", "<message>" + numbered(1_000, "<e", "/>") + "</message>");
        cpu("4,000 namespace declarations", "<message" + numbered(4_000, " xmlns:p", "='u'") + "/>");
        cpu("16,000 namespace declarations", "<message" + numbered(16_000, " xmlns:p", "='u'") + "/>");
    }

    /** CPU per stanza of a stream of one-to-one chats (loadtest's StreamParseBenchmark shape), in 1 KiB reads. */
    private static void chat() throws XmppStreamException {
        StringBuilder sb = new StringBuilder(TestXml.HEADER);
        for (int i = 0; i < 1000; i++) {
            sb.append("<message type='chat' to='load").append(1 + (i * 7919) % 1000).append("@localhost/loadtest' id='m")
                    .append(i).append("'><body>lt1 ").append(i).append(' ').append(123456789012L + i * 1000L)
                    .append("</body></message>");
        }
        byte[] input = sb.toString().getBytes(StandardCharsets.UTF_8);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] times = new long[200];
        for (int round = -2000; round < times.length; round++) {
            long t0 = mx.getCurrentThreadCpuTime();
            feed(newParser(), input);
            if (round >= 0) {
                times[round] = mx.getCurrentThreadCpuTime() - t0;
            }
        }
        Arrays.sort(times);
        System.out.printf("  1,000 chat stanzas: %.0f ns a stanza (median of %d streams after warm-up)%n",
                times[times.length / 2] / 1000.0, times.length);
    }

    interface Part {
        String at(int i);
    }

    private static String repeat(String unit) {
        return unit.repeat(BODY / unit.length());
    }

    private static String openTag(Part part) {
        StringBuilder sb = new StringBuilder("<x");
        for (int i = 0; sb.length() < BODY - 20; i++) {
            sb.append(part.at(i));
        }
        return sb.toString();
    }

    static String attributes(int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append(" a").append(i).append("=''");
        }
        return sb.toString();
    }

    static String numbered(int count, String before, String after) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append(before).append(i).append(after);
        }
        return sb.toString();
    }

    static String spread(int count, int perElement) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i += perElement) {
            sb.append("<x").append(numbered(perElement, " a" + i + "_", "=''")).append("/>");
        }
        return sb.toString();
    }

    /** Bytes retained per parser once each has consumed {@code input} (which must not complete an element). */
    private static long retained(byte[] input, int n) throws Exception {
        feed(newParser(), input); // load classes
        long base = usedAfterGc();
        List<XmppStreamParser> parsers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            XmppStreamParser p = newParser();
            feed(p, input);
            parsers.add(p);
        }
        long used = usedAfterGc();
        long per = (used - base) / n;
        parsers.clear();
        return per;
    }

    /** How much of {@code input}, in whole reads, a parser takes without refusing it. */
    private static int heldBytes(byte[] input) {
        XmppStreamParser p = newParser();
        int pos = 0;
        try {
            while (true) {
                while (p.next() != null) {
                    // drained
                }
                if (!p.needsInput() || pos >= input.length) {
                    return pos;
                }
                int len = Math.min(READ_BYTES, input.length - pos);
                p.feed(Arrays.copyOfRange(input, pos, pos + len), 0, len);
                p.next();
                pos += len;
            }
        } catch (XmppStreamException e) {
            return pos - Math.min(READ_BYTES, pos);
        }
    }

    private static String outcome(byte[] input) {
        try {
            feed(newParser(), input);
            return "held";
        } catch (XmppStreamException e) {
            return "refused: " + e.getMessage();
        }
    }

    static XmppStreamParser newParser() {
        return new XmppStreamParser(MAX_STANZA);
    }

    /** Feeds a copy of {@code input} in reads of {@value #READ_BYTES}, as a socket would, and drains the events. */
    static int feed(XmppStreamParser p, byte[] input) throws XmppStreamException {
        int events = 0;
        int pos = 0;
        while (true) {
            while (p.next() != null) {
                events++;
            }
            if (!p.needsInput() || pos >= input.length) {
                return events;
            }
            int len = Math.min(READ_BYTES, input.length - pos);
            p.feed(Arrays.copyOfRange(input, pos, pos + len), 0, len);
            pos += len;
        }
    }

    private static void cpu(String what, String stanza) {
        byte[] input = (TestXml.HEADER + stanza).getBytes(StandardCharsets.UTF_8);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String result = null;
        long[] times = new long[21];
        for (int round = -20; round < times.length; round++) {
            long t0 = mx.getCurrentThreadCpuTime();
            try {
                result = feed(newParser(), input) + " events";
            } catch (XmppStreamException e) {
                result = "refused: " + e.getMessage();
            }
            if (round >= 0) {
                times[round] = mx.getCurrentThreadCpuTime() - t0;
            }
        }
        Arrays.sort(times);
        System.out.printf("  %-40s %,8d bytes %9.2f ms  %s%n", what, input.length, times[times.length / 2] / 1e6,
                result);
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}

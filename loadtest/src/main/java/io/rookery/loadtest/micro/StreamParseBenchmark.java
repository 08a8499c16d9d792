package io.rookery.loadtest.micro;

import io.rookery.protocol.stanza.XmppStreamException;
import io.rookery.protocol.xml.ParserEvent;
import io.rookery.protocol.xml.XmppStreamParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A client's stream as the server reads it: the stream header, then {@value #STANZAS} one-to-one chat messages of
 * the load generator's shape, arriving in reads of {@code chunkBytes}. One operation is one stanza parsed into an
 * element tree (the stream header's cost is spread over the stanzas, as it is on a long-lived stream).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StreamParseBenchmark {
    static final int STANZAS = 1000;

    /** Bytes per read: a small socket read, and one 64 KiB buffer as the load generator uses. */
    @Param({"4096", "65536"})
    public int chunkBytes;

    /** Characters of padding in each body (0 is the load generator's default). */
    @Param({"0", "512"})
    public int bodyPadding;

    private byte[] stream;

    @Setup(Level.Trial)
    public void setUp() {
        stream = chatStream(STANZAS, bodyPadding);
    }

    static byte[] chatStream(int stanzas, int padding) {
        StringBuilder sb = new StringBuilder(stanzas * (160 + padding));
        sb.append("<?xml version='1.0'?><stream:stream to='localhost' version='1.0' xml:lang='en'"
                + " xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
        String pad = "x".repeat(padding);
        for (int i = 0; i < stanzas; i++) {
            sb.append("<message type='chat' to='load").append(1 + (i * 7919) % 1000)
                    .append("@localhost/loadtest' id='m").append(i).append("'><body>lt1 ").append(i).append(' ')
                    .append(123456789012L + i * 1000L);
            if (padding > 0) sb.append(' ').append(pad);
            sb.append("</body></message>");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    @OperationsPerInvocation(STANZAS)
    public int parseChatStream(Blackhole bh) throws XmppStreamException {
        XmppStreamParser parser = new XmppStreamParser(262_144);
        int pos = 0;
        int elements = 0;
        for (;;) {
            ParserEvent e;
            while ((e = parser.next()) != null) {
                if (e instanceof ParserEvent.ElementParsed) elements++;
                bh.consume(e);
            }
            if (pos >= stream.length || !parser.needsInput()) break;
            int n = Math.min(chunkBytes, stream.length - pos);
            parser.feed(stream, pos, n);
            pos += n;
        }
        if (elements != STANZAS) throw new IllegalStateException("parsed " + elements + " of " + STANZAS);
        return elements;
    }
}

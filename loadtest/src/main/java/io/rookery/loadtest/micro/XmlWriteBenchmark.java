package io.rookery.loadtest.micro;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * An outbound chat message (with the {@code from} the server stamps) written as the session does it: a fresh
 * 256-character StringBuilder, {@link XmlWriter#write} under {@code jabber:client}, then the UTF-8 bytes for the
 * socket.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class XmlWriteBenchmark {
    @Param({"0", "512"})
    public int bodyPadding;

    private Element message;

    @Setup(Level.Trial)
    public void setUp() {
        String body = "lt1 4711 123456789012" + (bodyPadding > 0 ? " " + "x".repeat(bodyPadding) : "");
        message = Element.builder("message", "jabber:client")
                .attr("type", "chat")
                .attr("to", "load42@localhost/loadtest")
                .attr("id", "m4711")
                .attr("from", "load7@localhost/loadtest")
                .child(Element.builder("body", "jabber:client").text(body).build())
                .build();
    }

    @Benchmark
    public String writeChatMessage() {
        StringBuilder sb = new StringBuilder(256);
        XmlWriter.write(message, "jabber:client", sb);
        return sb.toString();
    }

    @Benchmark
    public byte[] writeChatMessageUtf8() {
        StringBuilder sb = new StringBuilder(256);
        XmlWriter.write(message, "jabber:client", sb);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}

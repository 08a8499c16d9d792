package io.rookery.loadtest.micro;

import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** {@link Jid#parse} with RFC 7622 preparation of each part: the server parses every {@code to} it routes. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JidParseBenchmark {
    /** ASCII full JID as the load generator addresses; bare; a domain; non-ASCII local and resource parts. */
    @Param({"load4711@localhost/loadtest", "juliet@example.com", "example.com", "ñandú@example.com/Ωmega"})
    public String jid;

    @Benchmark
    public Jid parse() throws InvalidJidException {
        return Jid.parse(jid);
    }
}

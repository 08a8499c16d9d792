package io.rookery.loadtest.micro;

import io.rookery.protocol.sasl.SaslMechanisms;
import io.rookery.protocol.sasl.SaslServerMechanism;
import io.rookery.protocol.sasl.SaslStep;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramCrypto;
import io.rookery.protocol.sasl.ScramHash;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
 * One SCRAM exchange as the server runs it per login (RFC 5802 §5): client-first, credentials looked up (here
 * given), server-first with a fresh nonce, client-final checked, server-final signed. The stored keys are derived
 * once at setup, as the server reads them from storage; Hi() (PBKDF2) is the client's cost and not in here.
 *
 * <p>The client's proof depends on the server's random nonce, so {@code serverExchange} computes it too (one HMAC
 * and an XOR, with ClientKey cached as the load generator does); {@code clientProofOnly} measures that part
 * alone, so the server's share is the difference of the two times.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ScramExchangeBenchmark {
    @Param({"SCRAM-SHA-256", "SCRAM-SHA-1"})
    public String mechanism;

    private ScramHash hash;
    private ScramCredentials credentials;
    private byte[] clientKey;
    private byte[] clientFirst;
    private String clientFirstBare;
    private String fixedServerFirst;

    @Setup(Level.Trial)
    public void setUp() {
        hash = SaslMechanisms.hashFor(mechanism);
        byte[] salt = "rookery-bench-salt".getBytes(StandardCharsets.US_ASCII);
        credentials = ScramCredentials.derive(hash, "secret", salt, ScramCredentials.DEFAULT_ITERATIONS);
        byte[] salted = ScramCrypto.saltedPassword(hash, "secret", salt, ScramCredentials.DEFAULT_ITERATIONS);
        clientKey = ScramCrypto.hmac(hash, salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        clientFirstBare = "n=load4711,r=fyko+d2lbbFgONRv9qkxdawL";
        clientFirst = ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
        fixedServerFirst = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s="
                + Base64.getEncoder().encodeToString(salt) + ",i=" + ScramCredentials.DEFAULT_ITERATIONS;
    }

    @Benchmark
    public Object serverExchange() {
        SaslServerMechanism server = SaslMechanisms.create(mechanism, null, false);
        SaslStep step = server.start(clientFirst);
        if (!(step instanceof SaslStep.NeedCredentials)) throw new IllegalStateException(step.toString());
        step = server.credentials(credentials);
        String serverFirst = new String(((SaslStep.Challenge) step).data(), StandardCharsets.US_ASCII);
        step = server.respond(clientFinal(serverFirst));
        if (!(step instanceof SaslStep.Success)) throw new IllegalStateException(step.toString());
        return step;
    }

    @Benchmark
    public byte[] clientProofOnly() {
        return clientFinal(fixedServerFirst);
    }

    private byte[] clientFinal(String serverFirst) {
        int r = serverFirst.indexOf("r=") + 2;
        String nonce = serverFirst.substring(r, serverFirst.indexOf(',', r));
        String withoutProof = "c=biws,r=" + nonce;
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] signature = ScramCrypto.hmac(hash, credentials.storedKey(), authMessage);
        byte[] proof = clientKey.clone();
        for (int i = 0; i < proof.length; i++) proof[i] ^= signature[i];
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }
}

package io.rookery.protocol.tls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TlsCodecFailureTest {
    private static final int ALERT = 21;
    private static final int PROTOCOL_VERSION = 70;

    private final TlsBufferPool pool = new TlsBufferPool(TlsBufferPool.DEFAULT_BUFFER_SIZE, 8, false);

    @Test
    void refusesAPlaintextStreamHeaderWithAnAlert() throws Exception {
        byte[] xml = "<?xml version='1.0'?><stream:stream to='example.com' xmlns='jabber:client'>".getBytes(UTF_8);

        TlsException e = failsPromptly(TestTls.ec().serverCodec(pool), xml);

        assertEquals(7, e.alertBytes().length, HexFormat.of().formatHex(e.alertBytes()));
        assertEquals(ALERT, e.alertBytes()[0]);
    }

    @Test
    void refusesRandomBytesInsteadOfAClientHello() throws Exception {
        byte[] garbage = new byte[300];
        new Random(9).nextBytes(garbage);
        garbage[0] = 0x16; // looks like a handshake record, so the engine has to read further to refuse it
        garbage[1] = 3;
        garbage[2] = 1;
        garbage[3] = 0;
        garbage[4] = (byte) 200;

        failsPromptly(TestTls.ec().serverCodec(pool), garbage);
    }

    @Test
    void refusesARecordHeaderClaimingMoreThanTlsAllows() throws Exception {
        byte[] header = {0x16, 3, 3, (byte) 0xff, (byte) 0xff, 1, 0, 0};

        failsPromptly(TestTls.ec().serverCodec(pool), header);
    }

    @Test
    void refusesATls11ClientWithAProtocolVersionAlert() throws Exception {
        TlsException e = failsPromptly(TestTls.ec().serverCodec(pool), tls11ClientHello());

        byte[] alert = e.alertBytes();
        assertTrue(alert.length >= 7, "alert " + HexFormat.of().formatHex(alert));
        assertEquals(ALERT, alert[0]);
        assertEquals(PROTOCOL_VERSION, alert[alert.length - 1], HexFormat.of().formatHex(alert));
    }

    @Test
    void aFailedCodecRefusesFurtherInput() throws Exception {
        TlsCodec server = TestTls.ec().serverCodec(pool);
        byte[] hello = tls11ClientHello();
        assertThrows(TlsException.class, () -> server.unwrap(hello, 0, hello.length));

        assertThrows(TlsException.class, () -> server.unwrap(hello, 0, hello.length));
        assertThrows(TlsException.class, () -> server.wrap(hello, 0, hello.length));
        assertEquals(0, server.closeOutbound().netOut().length);
        assertEquals(pool.allocations(), pool.freeCount(), "buffers returned after failures");
    }

    @Test
    void refusesToHoardPlaintextBeforeTheHandshake() throws Exception {
        TlsCodec client = TestTls.ec().clientCodec(pool);
        byte[] big = new byte[TlsCodec.MAX_PENDING + 1];

        assertThrows(TlsException.class, () -> client.wrap(big, 0, big.length));
    }

    private static TlsException failsPromptly(TlsCodec server, byte[] input) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(TlsException.class, () -> server.unwrap(input, 0, input.length)));
    }

    /** A TLS 1.1 ClientHello as an old client sends it: no supported_versions extension, CBC suites. */
    static byte[] tls11ClientHello() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(3);
        body.write(2); // client_version TLS 1.1
        byte[] random = new byte[32];
        new Random(1).nextBytes(random);
        body.writeBytes(random);
        body.write(0); // no session id
        int[] suites = {0xc009, 0xc013, 0x002f, 0x0035};
        u16(body, suites.length * 2);
        for (int s : suites) u16(body, s);
        body.write(1);
        body.write(0); // null compression
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        u16(ext, 0x000a); // supported_groups: secp256r1, secp384r1
        u16(ext, 6);
        u16(ext, 4);
        u16(ext, 0x0017);
        u16(ext, 0x0018);
        u16(ext, 0x000b); // ec_point_formats: uncompressed
        u16(ext, 2);
        ext.write(1);
        ext.write(0);
        u16(body, ext.size());
        body.writeBytes(ext.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(0x16);
        record.write(3);
        record.write(2);
        u16(record, body.size() + 4);
        record.write(1); // client_hello
        record.write(0);
        u16(record, body.size());
        record.writeBytes(body.toByteArray());
        return record.toByteArray();
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v & 0xff);
    }
}

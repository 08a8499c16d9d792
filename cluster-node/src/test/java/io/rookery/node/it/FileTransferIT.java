package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rookery.node.RookeryNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.filetransfer.FileTransfer;
import org.jivesoftware.smackx.filetransfer.FileTransferManager;
import org.jivesoftware.smackx.filetransfer.FileTransferNegotiator;
import org.jivesoftware.smackx.filetransfer.OutgoingFileTransfer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Files between two users with Smack: with its FileTransferManager over XEP-0047 in-band bytestreams (XEP-0095
 * stream initiation and the data are iq between two full JIDs, which the server routes unchanged), and with its
 * Socks5BytestreamManager through the server's XEP-0065 proxy (module proxy65, here on loopback), the only stream
 * host offered: Smack's own local one is switched off (it never offers a loopback address anyway).
 */
class FileTransferIT {
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        node = ItEnvironment.startNode(Map.of("rookery.modules.proxy65.enabled", true,
                "rookery.modules.proxy65.interface", "127.0.0.1", "rookery.modules.proxy65.port", 0));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @Test
    void aFileSentInBandArrivesWhole() throws Exception {
        FileTransferNegotiator.IBB_ONLY = true;
        XMPPTCPConnection alice = ItEnvironment.connectStartTls(node, ItEnvironment.newUser(node, "alice"),
                ItEnvironment.PASSWORD, "desk");
        XMPPTCPConnection bob = ItEnvironment.connectStartTls(node, ItEnvironment.newUser(node, "bob"),
                ItEnvironment.PASSWORD, "phone");
        Path dir = Files.createTempDirectory(ItEnvironment.testDir(), "ibb");
        byte[] data = new byte[100_000];
        new Random(44).nextBytes(data);
        Path source = Files.write(dir.resolve("source.bin"), data);
        Path received = dir.resolve("received.bin");
        BlockingQueue<Throwable> receiveFailures = new LinkedBlockingQueue<>();
        try {
            FileTransferManager.getInstanceFor(bob).addFileTransferListener(request -> {
                try {
                    request.accept().receiveFile(received.toFile());
                } catch (Exception e) {
                    receiveFailures.add(e);
                }
            });
            OutgoingFileTransfer transfer = FileTransferManager.getInstanceFor(alice)
                    .createOutgoingFileTransfer(bob.getUser());
            transfer.sendFile(source.toFile(), "integration test");

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!transfer.isDone() && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(FileTransfer.Status.complete, transfer.getStatus(), () -> "sender: " + transfer.getError()
                    + " " + transfer.getException() + "; receiver: " + receiveFailures);
            while (!(Files.exists(received) && Files.size(received) == data.length) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertArrayEquals(data, Files.readAllBytes(received), "bob has exactly the bytes alice sent");
        } finally {
            FileTransferNegotiator.IBB_ONLY = false;
            alice.disconnect();
            bob.disconnect();
        }
    }

    @Test
    void aStreamThroughTheServersSocks5ProxyArrivesWhole() throws Exception {
        boolean local = org.jivesoftware.smackx.bytestreams.socks5.Socks5Proxy.isLocalSocks5ProxyEnabled();
        org.jivesoftware.smackx.bytestreams.socks5.Socks5Proxy.setLocalSocks5ProxyEnabled(false);
        XMPPTCPConnection alice = ItEnvironment.connectStartTls(node, ItEnvironment.newUser(node, "alice"),
                ItEnvironment.PASSWORD, "desk");
        XMPPTCPConnection bob = ItEnvironment.connectStartTls(node, ItEnvironment.newUser(node, "bob"),
                ItEnvironment.PASSWORD, "phone");
        byte[] data = new byte[300_000];
        new Random(65).nextBytes(data);
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        try {
            org.jivesoftware.smackx.bytestreams.socks5.Socks5BytestreamManager.getBytestreamManager(bob)
                    .addIncomingBytestreamListener(request -> {
                        try {
                            var session = request.accept();
                            byte[] got = session.getInputStream().readNBytes(data.length);
                            session.close();
                            received.add(got);
                        } catch (Exception e) {
                            received.add(e);
                        }
                    });
            var manager = org.jivesoftware.smackx.bytestreams.socks5.Socks5BytestreamManager.getBytestreamManager(alice);
            var session = manager.establishSession(bob.getUser());
            // XEP-0065 §6: mediated, through the stream host of proxy.localhost.
            org.junit.jupiter.api.Assertions.assertTrue(session.isMediated(), "through the server's proxy");
            session.getOutputStream().write(data);
            session.getOutputStream().flush();
            Object got = received.poll(60, TimeUnit.SECONDS);
            session.close();
            if (got instanceof Exception e) throw new AssertionError("bob's side failed", e);
            assertArrayEquals(data, (byte[]) got, "bob has exactly the bytes alice sent");
        } finally {
            org.jivesoftware.smackx.bytestreams.socks5.Socks5Proxy.setLocalSocks5ProxyEnabled(local);
            alice.disconnect();
            bob.disconnect();
        }
    }
}

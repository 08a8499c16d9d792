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
 * A file between two users with Smack 4.4's FileTransferManager over XEP-0047 in-band bytestreams: XEP-0095 stream
 * initiation and the data are iq between two full JIDs, which the server routes unchanged. (XEP-0065 SOCKS5 cannot
 * be shown on loopback with Smack: it never offers a loopback address as its own stream host, and mediated
 * transfers need the proxy service of a later issue.)
 */
class FileTransferIT {
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        node = ItEnvironment.startNode(Map.of());
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
}

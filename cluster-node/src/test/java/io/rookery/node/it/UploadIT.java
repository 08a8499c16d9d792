package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.httpfileupload.HttpFileUploadManager;
import org.jivesoftware.smackx.httpfileupload.element.Slot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * XEP-0363 with Smack's own HttpFileUploadManager against a node on real Cassandra with its HTTP listeners on:
 * discovery of the service and its size limit, an upload another user downloads from the URL sent to it, the
 * file-too-large error, the per-user quota with its retry stamp, and the PUTs the node refuses (a body that is not
 * the slot's size or type, a forged token, a second upload to a slot).
 */
class UploadIT {
    private static final long MAX = 64 * 1024;
    private static final long QUOTA = 160 * 1024;
    private static RookeryNode node;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        Path folder = Files.createTempDirectory(TestNodes.testDir(), "upload");
        node = TestNodes.startNode(Map.of("rookery.http.enabled", true,
                "rookery.modules.upload.enabled", true,
                "rookery.modules.upload.max-file-size", MAX,
                "rookery.modules.upload.quota", QUOTA,
                "rookery.modules.upload.folder", folder.toString()));
        http = HttpClient.newBuilder().sslContext(TestNodes.trustingContext(node)).build();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static XMPPTCPConnection login(String user) throws Exception {
        return ItEnvironment.connectStartTls(node, user, ItEnvironment.PASSWORD, "up");
    }

    private static HttpFileUploadManager uploader(XMPPTCPConnection c) throws Exception {
        HttpFileUploadManager m = HttpFileUploadManager.getInstanceFor(c);
        assertTrue(m.discoverUploadService(), "the server lists upload.localhost, whose disco#info has the feature");
        m.setTlsContext(TestNodes.trustingContext(node));
        return m;
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static StanzaError slotError(HttpFileUploadManager m, String name, long size) {
        XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
                () -> m.requestSlot(name, size, "application/octet-stream"));
        return e.getStanzaError();
    }

    private static HttpResponse<String> put(String url, byte[] body, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) b.header("Content-Type", type);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFileUploadedWithSmackIsDownloadedByAnotherUserFromTheUrlSentToIt() throws Exception {
        String alice = TestNodes.newUser(node, "upalice");
        String bob = TestNodes.newUser(node, "upbob");
        BlockingQueue<Message> bobInbox = new LinkedBlockingQueue<>();
        XMPPTCPConnection a = login(alice);
        XMPPTCPConnection b = login(bob);
        try {
            b.addAsyncStanzaListener(s -> bobInbox.add((Message) s), s -> s instanceof Message m && m.getBody() != null);
            HttpFileUploadManager m = uploader(a);
            assertEquals("upload.localhost", m.getDefaultUploadService().getAddress().toString());
            assertEquals(MAX, m.getDefaultUploadService().getMaxFileSize(), "§3: max-file-size in the disco form");

            byte[] content = random(40 * 1024);
            Path file = Files.createTempFile(TestNodes.testDir(), "holiday photo", ".jpg");
            Files.write(file, content);
            URL url = m.uploadFile(file.toFile());
            assertTrue(url.toString().startsWith("https://localhost:" + node.httpTlsPort() + "/upload/"), url::toString);
            assertTrue(url.getPath().endsWith(".jpg"), "§4: the file ending is kept: " + url);

            a.sendStanza(a.getStanzaFactory().buildMessageStanza().to(JidCreate.from(bob + "@localhost"))
                    .ofType(Message.Type.chat).setBody(url.toString()).build());
            Message got = bobInbox.poll(10, TimeUnit.SECONDS);
            assertNotNull(got, "bob gets the link");
            HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(URI.create(got.getBody())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, download.statusCode());
            assertArrayEquals(content, download.body(), "the same bytes");
            assertEquals("nosniff", download.headers().firstValue("x-content-type-options").orElse(null));
            assertTrue(download.headers().firstValue("content-security-policy").orElse("").contains("default-src 'none'"));
            assertEquals("*", download.headers().firstValue("access-control-allow-origin").orElse(null));
        } finally {
            a.disconnect();
            b.disconnect();
        }
    }

    @Test
    void aFileLargerThanTheLimitGetsFileTooLarge() throws Exception {
        XMPPTCPConnection a = login(TestNodes.newUser(node, "uplarge"));
        try {
            // Sent as is: Smack's manager itself refuses a size past the limit it discovered.
            org.jivesoftware.smack.packet.IQ request = new org.jivesoftware.smack.packet.IQ("request",
                    "urn:xmpp:http:upload:0") {
                @Override
                protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
                    xml.attribute("filename", "big.bin").attribute("size", Long.toString(MAX + 1));
                    xml.setEmptyElement();
                    return xml;
                }
            };
            request.setType(org.jivesoftware.smack.packet.IQ.Type.get);
            request.setTo(JidCreate.from("upload.localhost"));
            StanzaError e = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> a.createStanzaCollectorAndSend(request).nextResultOrThrow()).getStanzaError();
            assertEquals(StanzaError.Condition.not_acceptable, e.getCondition());
            ExtensionElement tooLarge = e.getExtension("file-too-large", "urn:xmpp:http:upload:0");
            assertNotNull(tooLarge, "§5: <file-too-large/> in the error");
            assertTrue(tooLarge.toXML().toString().contains("<max-file-size>" + MAX + "</max-file-size>"),
                    tooLarge.toXML().toString());
        } finally {
            a.disconnect();
        }
    }

    @Test
    void theQuotaRefusesASlotUntilTheOldestFileExpires() throws Exception {
        XMPPTCPConnection a = login(TestNodes.newUser(node, "upquota"));
        try {
            HttpFileUploadManager m = uploader(a);
            for (int i = 0; i < 3; i++) {
                m.uploadFile(new java.io.ByteArrayInputStream(random(50 * 1024)), "part" + i + ".bin", 50 * 1024);
            }
            StanzaError e = slotError(m, "part3.bin", 50 * 1024);
            assertEquals(StanzaError.Condition.resource_constraint, e.getCondition());
            assertEquals(StanzaError.Type.WAIT, e.getType());
            ExtensionElement retry = e.getExtension("retry", "urn:xmpp:http:upload:0");
            assertNotNull(retry, "§5: a <retry/> stamp");
            // Read from its XML: Smack 4.4 and 4.5 (which this class is also compiled against) type it apart.
            java.util.regex.Matcher stampAttr = java.util.regex.Pattern.compile("stamp=['\"]([^'\"]+)['\"]")
                    .matcher(retry.toXML().toString());
            assertTrue(stampAttr.find(), retry.toXML().toString());
            String stamp = stampAttr.group(1);
            Instant at = Instant.parse(stamp);
            // The oldest file expires expire-after (7 days by default) after its upload.
            assertTrue(at.isAfter(Instant.now().plus(Duration.ofDays(6))) && at.isBefore(Instant.now()
                    .plus(Duration.ofDays(8))), stamp);
            // A smaller file still fits.
            assertNotNull(m.requestSlot("small.bin", 10 * 1024, "application/octet-stream"));
        } finally {
            a.disconnect();
        }
    }

    @Test
    void aPutMustBeTheSlotsSizeTypeAndTokenAndOnlyOnce() throws Exception {
        XMPPTCPConnection a = login(TestNodes.newUser(node, "upput"));
        try {
            Slot slot = uploader(a).requestSlot("notes.txt", 100, "text/plain");
            String put = slot.getPutUrl().toString();
            String get = slot.getGetUrl().toString();
            byte[] body = random(100);

            assertEquals(400, put(put, random(99), "text/plain").statusCode(), "§6: Content-Length not the size");
            assertEquals(400, put(put, body, "image/png").statusCode(), "§6: Content-Type not the one asked");
            assertEquals(403, put(put.replaceFirst("size=100", "size=99"), random(99), "text/plain").statusCode(),
                    "the size is signed");
            assertEquals(403, put(put.replaceFirst("token=[^&]+", "token=forged"), body, "text/plain").statusCode());
            assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(get)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "nothing to get before the upload");

            assertEquals(201, put(put, body, "text/plain; charset=utf-8").statusCode());
            assertEquals(409, put(put, body, "text/plain").statusCode(), "a slot takes one file");
            HttpResponse<byte[]> got = http.send(HttpRequest.newBuilder(URI.create(get)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, got.statusCode());
            assertArrayEquals(body, got.body());
            assertTrue(got.headers().firstValue("content-type").orElse("").startsWith("text/plain"),
                    got.headers().toString());

            // A browser's preflight for a PUT from another origin.
            HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(put))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, preflight.statusCode());
            assertTrue(preflight.headers().firstValue("access-control-allow-methods").orElse("").contains("PUT"));
        } finally {
            a.disconnect();
        }
    }
}

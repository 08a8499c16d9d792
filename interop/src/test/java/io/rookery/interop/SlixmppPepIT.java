package io.rookery.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import io.rookery.node.it.TestNodes;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smackx.pep.PepManager;
import org.jivesoftware.smackx.pubsub.Item;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.SimplePayload;
import org.jivesoftware.smackx.pubsub.form.FillableConfigureForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XEP-0163 between two independent client libraries through a node on real Cassandra: python3-slixmpp (Debian's,
 * {@code slixmpp_pep.py}) publishes an avatar (XEP-0084) and a bookmark (XEP-0402) that Smack 4.5 reads from the
 * account's nodes, and the other way round.
 */
class SlixmppPepIT {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String BOOKMARKS = "urn:xmpp:bookmarks:1";
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNodes.startNode(Map.of());
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @Test
    void anAvatarAndABookmarkSlixmppPublishedAreReadBySmack() throws Exception {
        String user = TestNodes.newUser(node, "slixpep");
        String printed = slixmpp(user, "publish");
        for (String s : List.of("publish-avatar-data", "publish-avatar-metadata", "publish-bookmark")) {
            assertTrue(printed.contains("step " + s + " ok"), () -> s + ":\n" + printed);
        }
        byte[] avatar = new byte[8 + 27 * 8];
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, avatar, 0, 8);
        byte[] text = "rookery avatar from slixmpp".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 8; i++) System.arraycopy(text, 0, avatar, 8 + i * text.length, text.length);
        String id = sha1(avatar);

        AbstractXMPPConnection smack = Smack45Clients.login(Smack45Clients.Kind.TCP, node, user, TestNodes.PASSWORD);
        try {
            PubSubManager pep = PubSubManager.getInstanceFor(smack, smack.getUser().asEntityBareJid());
            List<String> meta = xml(pep.getLeafNode("urn:xmpp:avatar:metadata").getItems());
            assertEquals(1, meta.size(), meta::toString);
            assertTrue(meta.get(0).contains("id='" + id + "'") || meta.get(0).contains("id=\"" + id + "\""),
                    meta.get(0));
            assertTrue(meta.get(0).contains(Integer.toString(avatar.length)), meta.get(0));
            List<Item> data = pep.getLeafNode("urn:xmpp:avatar:data").getItems(List.of(id));
            assertEquals(1, data.size());
            String b64 = data.get(0).toXML().toString().replaceAll("(?s).*<data[^>]*>(.*)</data>.*", "$1")
                    .replaceAll("\\s", "");
            assertEquals(id, sha1(Base64.getDecoder().decode(b64)), "the avatar's bytes came through whole");
            List<Item> marks = pep.getLeafNode(BOOKMARKS).getItems();
            assertEquals(1, marks.size());
            assertEquals("slixroom@conference.localhost", marks.get(0).getId());
            String mark = marks.get(0).toXML().toString();
            assertTrue(mark.contains("Slix Room") && mark.matches("(?s).*<nick[^>]*>slix</nick>.*"), mark);
        } finally {
            Smack45Clients.close(smack);
        }
    }

    @Test
    void anAvatarAndABookmarkSmackPublishedAreReadBySlixmpp() throws Exception {
        String user = TestNodes.newUser(node, "smackpep");
        byte[] avatar = "\u0089PNG rookery avatar from smack".getBytes(StandardCharsets.ISO_8859_1);
        String id = sha1(avatar);
        AbstractXMPPConnection smack = Smack45Clients.login(Smack45Clients.Kind.TCP, node, user, TestNodes.PASSWORD);
        try {
            PepManager pep = PepManager.getInstanceFor(smack);
            pep.publish("urn:xmpp:avatar:data", new PayloadItem<>(id, new SimplePayload(
                    "<data xmlns='urn:xmpp:avatar:data'>" + Base64.getEncoder().encodeToString(avatar) + "</data>")));
            pep.publish("urn:xmpp:avatar:metadata", new PayloadItem<>(id, new SimplePayload(
                    "<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='" + avatar.length + "' id='" + id
                            + "' type='image/png'/></metadata>")));
            PubSubManager own = pep.getPepPubSubManager();
            FillableConfigureForm form = own.getDefaultConfiguration().getFillableForm();
            form.setAccessModel(org.jivesoftware.smackx.pubsub.AccessModel.whitelist);
            form.setMaxItems(1000);
            LeafNode marks = (LeafNode) own.createNode(BOOKMARKS, form);
            marks.publish(new PayloadItem<>("smackroom@conference.localhost", new SimplePayload(
                    "<conference xmlns='urn:xmpp:bookmarks:1' name='Smack Room' autojoin='true'>"
                            + "<nick>smack</nick></conference>")));
        } finally {
            Smack45Clients.close(smack);
        }
        String printed = slixmpp(user, "read");
        assertTrue(printed.contains("avatar-metadata id=" + id + " bytes=" + avatar.length + " type=image/png"),
                printed);
        assertTrue(printed.contains("avatar-data sha1=" + id), printed);
        assertTrue(printed.contains("bookmark smackroom@conference.localhost name=Smack Room autojoin=true nick=smack"),
                printed);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** Runs slixmpp_pep.py in that mode as the user; returns what it printed once it ended well. */
    private static String slixmpp(String user, String mode) throws Exception {
        Path dir = Files.createTempDirectory(TestNodes.testDir(), "slixpep");
        Path script = dir.resolve("slixmpp_pep.py");
        try (InputStream in = SlixmppPepIT.class.getResourceAsStream("/slixmpp_pep.py")) {
            Files.copy(in, script);
        }
        Path output = dir.resolve("output.txt");
        Process p = new ProcessBuilder(PYTHON, script.toString(), "127.0.0.1", Integer.toString(node.starttlsPort()),
                certificatePem(dir).toString(), user + "@localhost", TestNodes.PASSWORD, mode)
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean ended = p.waitFor(90, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        String printed = Files.readString(output);
        assertTrue(ended, () -> "the script ends by itself:\n" + printed);
        assertEquals(0, p.exitValue(), () -> "slixmpp " + mode + ":\n" + printed);
        assertTrue(printed.contains("script complete"), printed);
        return printed;
    }

    private static List<String> xml(List<? extends Item> items) {
        List<String> out = new ArrayList<>();
        for (Item i : items) out.add(i.toXML().toString());
        return out;
    }

    private static String sha1(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    }

    /** The node's development certificate as PEM, for the client to check the server against. */
    private static Path certificatePem(Path dir) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(
                node.settings().dataDir().resolve("tls").resolve("dev-localhost.p12"))) {
            ks.load(in, node.settings().tls().keystorePassword().toCharArray());
        }
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(ks.getCertificate("rookery").getEncoded());
        return Files.writeString(dir.resolve("rookery.pem"),
                "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n");
    }
}

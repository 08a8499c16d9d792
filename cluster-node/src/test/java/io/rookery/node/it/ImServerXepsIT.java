package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smackx.carbons.provider.CarbonManagerProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.caps.EntityCapsManager;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.iqlast.LastActivityManager;
import org.jivesoftware.smackx.iqversion.VersionManager;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.jivesoftware.smackx.time.EntityTimeManager;
import org.jivesoftware.smackx.time.packet.Time;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's own XEPs through Smack: XEP-0280 carbons, XEP-0092 version, XEP-0202 time, XEP-0012 last activity
 * and the XEP-0115 caps stream feature.
 *
 * <p>Carbons are driven here with a plain enable iq and a small provider for the wrapped copies, which reads exactly
 * what the test checks (the forwarded message's namespace and addresses). Smack's providers are global: the test puts
 * Smack's own carbon provider (smack-experimental's, which MamIT's CarbonManager needs) back when it ends.
 */
class ImServerXepsIT {
    private static final String CARBONS = "urn:xmpp:carbons:2";
    private static final String FORWARD = "urn:xmpp:forward:0";
    private static final long WAIT_SECONDS = 20;
    private static RookeryNode node;
    private static DomainBareJid server;

    /** What the test reads from a {@code <received/>} or {@code <sent/>} carbon. */
    private record CarbonCopy(String direction, String forwardedNamespace, String innerFrom, String innerTo,
            String body) implements ExtensionElement {
        @Override
        public String getElementName() {
            return direction;
        }

        @Override
        public String getNamespace() {
            return CARBONS;
        }

        @Override
        public CharSequence toXML(XmlEnvironment env) {
            return "<" + direction + " xmlns='" + CARBONS + "'/>";
        }
    }

    private static final class CarbonProvider extends ExtensionElementProvider<CarbonCopy> {
        @Override
        public CarbonCopy parse(XmlPullParser parser, int initialDepth, XmlEnvironment env)
                throws XmlPullParserException, IOException {
            String direction = parser.getName();
            String forwardedNs = null;
            String from = null;
            String to = null;
            String body = null;
            while (true) {
                XmlPullParser.Event ev = parser.next();
                if (ev == XmlPullParser.Event.START_ELEMENT) {
                    switch (parser.getName()) {
                        case "forwarded" -> forwardedNs = parser.getNamespace();
                        case "message" -> {
                            from = parser.getAttributeValue("from");
                            to = parser.getAttributeValue("to");
                        }
                        case "body" -> body = parser.nextText();
                        default -> { }
                    }
                } else if (ev == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth) {
                    return new CarbonCopy(direction, forwardedNs, from, to, body);
                }
            }
        }
    }

    @BeforeAll
    static void start() throws Exception {
        ProviderManager.addExtensionProvider("received", CARBONS, new CarbonProvider());
        ProviderManager.addExtensionProvider("sent", CARBONS, new CarbonProvider());
        node = ItEnvironment.startNode(Map.of());
        server = JidCreate.domainBareFrom("localhost");
    }

    @AfterAll
    static void stop() {
        ProviderManager.addExtensionProvider("received", CARBONS, new CarbonManagerProvider());
        ProviderManager.addExtensionProvider("sent", CARBONS, new CarbonManagerProvider());
        if (node != null) node.close();
    }

    /** XEP-0280 §4: {@code <iq type='set'><enable xmlns='urn:xmpp:carbons:2'/></iq>}. */
    private static final class EnableCarbons extends IQ {
        EnableCarbons() {
            super("enable", CARBONS);
            setType(IQ.Type.set);
        }

        @Override
        protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
            xml.setEmptyElement();
            return xml;
        }
    }

    private static void enableCarbons(XMPPTCPConnection c) throws Exception {
        c.createStanzaCollectorAndSend(new EnableCarbons()).nextResultOrThrow();
    }

    /** Collects the carbons of one direction ("received" or "sent") arriving on the connection. */
    private static BlockingQueue<Message> carbons(XMPPTCPConnection c, String direction) {
        BlockingQueue<Message> q = new LinkedBlockingQueue<>();
        c.addAsyncStanzaListener(s -> q.add((Message) s), new StanzaExtensionFilter(direction, CARBONS));
        return q;
    }

    private static XMPPTCPConnection login(String user, String resource) throws Exception {
        return ItEnvironment.connectStartTls(node, user, ItEnvironment.PASSWORD, resource);
    }

    private static Message chat(XMPPTCPConnection from, EntityFullJid to, String body) {
        return from.getStanzaFactory().buildMessageStanza().to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    /** Checks the carbon comes from the user's bare JID and wraps the original message between these JIDs. */
    private static void assertCarbonOf(Message carbon, XMPPTCPConnection owner, String direction, Object from,
            Object to, String body) {
        assertNotNull(carbon, "no " + direction + " carbon arrived");
        assertEquals(owner.getUser().asBareJid(), carbon.getFrom(), "a carbon comes from the user's bare JID (§11)");
        assertEquals(owner.getUser(), carbon.getTo());
        CarbonCopy copy = (CarbonCopy) carbon.getExtensionElement(direction, CARBONS);
        assertEquals(FORWARD, copy.forwardedNamespace());
        assertEquals(from.toString(), copy.innerFrom());
        assertEquals(to.toString(), copy.innerTo());
        assertEquals(body, copy.body());
    }

    @Test
    void carbonsCopyReceivedAndSentChatsToTheUsersOtherEnabledResource() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        try (var a = new Closing(login(alice, "a")); var b = new Closing(login(alice, "b"));
                var bb = new Closing(login(bob, "phone"))) {
            assertTrue(ServiceDiscoveryManager.getInstanceFor(a.conn).serverSupportsFeature(CARBONS));
            enableCarbons(a.conn);
            enableCarbons(b.conn);
            BlockingQueue<Message> receivedOnB = carbons(b.conn, "received");
            BlockingQueue<Message> sentOnB = carbons(b.conn, "sent");
            BlockingQueue<Message> atBob = new LinkedBlockingQueue<>();
            bb.conn.addAsyncStanzaListener(s -> atBob.add((Message) s),
                    s -> s instanceof Message m && m.getBody() != null);

            bb.conn.sendStanza(chat(bb.conn, a.conn.getUser(), "hello A"));
            assertCarbonOf(receivedOnB.poll(WAIT_SECONDS, TimeUnit.SECONDS), b.conn, "received", bb.conn.getUser(),
                    a.conn.getUser(), "hello A");

            a.conn.sendStanza(chat(a.conn, bb.conn.getUser(), "hello bob"));
            assertCarbonOf(sentOnB.poll(WAIT_SECONDS, TimeUnit.SECONDS), b.conn, "sent", a.conn.getUser(),
                    bb.conn.getUser(), "hello bob");
            Message original = atBob.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(original, "bob did not get alice's message");
            assertEquals("hello bob", original.getBody());
        }
    }

    @Test
    void softwareVersionTimeAndLastActivityOfTheServerAnswer() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        try (var a = new Closing(login(alice, "desk"))) {
            Version version = VersionManager.getInstanceFor(a.conn).getVersion(server);
            assertEquals("Rookery", version.getName());
            assertNotNull(version.getVersion());
            assertEquals(System.getProperty("os.name"), version.getOs());

            Time time = EntityTimeManager.getInstanceFor(a.conn).getTime(server);
            assertEquals("+00:00", time.getTzo());
            assertTrue(time.getUtc().endsWith("Z"), time.getUtc());
            long skew = Math.abs(time.getTime().getTime() - System.currentTimeMillis());
            assertTrue(skew < 60_000, "server time is " + time.getUtc());

            long uptime = LastActivityManager.getInstanceFor(a.conn).getLastActivity(server).getIdleTime();
            assertTrue(uptime >= 0 && uptime < 3600, "server uptime " + uptime);
            // The user's own account while online: 0 (XEP-0012 §4).
            assertEquals(0, LastActivityManager.getInstanceFor(a.conn)
                    .getLastActivity(a.conn.getUser().asBareJid()).getIdleTime());
        }
    }

    @Test
    void theCapsStreamFeatureNamesAVerThatSmackVerifiesAgainstTheServersDiscoInfo() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        try (var a = new Closing(login(alice, "desk"))) {
            EntityCapsManager.NodeVerHash nvh = EntityCapsManager.getNodeVerHashByJid(server);
            assertNotNull(nvh, "Smack saw no caps stream feature from the server (XEP-0115 §6.3)");
            assertEquals("https://rookery.io", nvh.getNode());
            assertEquals("sha-1", nvh.getHash());

            DiscoverInfo info = ServiceDiscoveryManager.getInstanceFor(a.conn).discoverInfo(server, nvh.getNodeVer());
            assertTrue(EntityCapsManager.verifyDiscoverInfoVersion(nvh.getVer(), nvh.getHash(), info),
                    "ver " + nvh.getVer() + " does not match " + info.toXML());
            assertTrue(info.containsFeature("jabber:iq:version"));
            assertTrue(info.containsFeature("urn:xmpp:time"));
            assertTrue(info.containsFeature("jabber:iq:last"));
            assertTrue(VersionManager.getInstanceFor(a.conn).isSupported(server));
        }
    }

    private record Closing(XMPPTCPConnection conn) implements AutoCloseable {
        @Override
        public void close() {
            conn.disconnect();
        }
    }
}

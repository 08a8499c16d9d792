package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import io.rookery.protocol.xep.push.Push;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.push_notifications.PushNotificationsManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * XEP-0357 end to end: a phone-like Smack client (XEP-0198 with resumption) enables push to an app server, a XEP-0114
 * component on a raw socket ({@link TestAppServer}); its connection drops, a message arrives, the app server gets
 * the notification within a second, and the client resumes and gets the message. Also: a message stored offline is
 * notified, a disabled registration is not, and one the app server refuses is disabled.
 */
class PushIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String APP_SERVER = "push.localhost";
    private static final String SECRET = "push s3cret";
    private static final String PUBSUB = "http://jabber.org/protocol/pubsub";
    private static RookeryNode node;
    private static TestAppServer appServer;
    private static Jid service;

    @BeforeAll
    static void start() throws Exception {
        node = ItEnvironment.startNode(Map.of(
                "rookery.components.enabled", true,
                "rookery.components.port", 0,
                "rookery.components.domains.\"push.localhost\".secret", SECRET));
        appServer = new TestAppServer(node.componentPort(), APP_SERVER, SECRET);
        service = JidCreate.from(APP_SERVER);
        // The component is routed once a user's stanza reaches it.
        String probe = ItEnvironment.newUser(node, "probe");
        XMPPTCPConnection c = ItEnvironment.connectStartTls(node, probe, ItEnvironment.PASSWORD, "r");
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (appServer.received.poll(200, TimeUnit.MILLISECONDS) == null) {
                assertTrue(System.nanoTime() < deadline, "the app server never got a stanza");
                c.sendStanza(MessageBuilder.buildMessage().to(service).setBody("are you there").build());
            }
            appServer.received.clear();
        } finally {
            c.disconnect();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (appServer != null) appServer.close();
        if (node != null) node.close();
    }

    @Test
    void aDetachedPhoneIsNotifiedWithinASecondAndGetsTheMessageWhenItResumes() throws Exception {
        String alice = ItEnvironment.newUser(node, "phone");
        String bob = ItEnvironment.newUser(node, "friend");
        BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
        XMPPTCPConnection phone = ItEnvironment.connectStartTls(node, alice, ItEnvironment.PASSWORD, "phone", c -> {
            c.setUseStreamManagementResumption(true);
            c.addAsyncStanzaListener(s -> inbox.add((Message) s), s -> s instanceof Message m && m.getBody() != null);
        });
        XMPPTCPConnection friend = ItEnvironment.connectStartTls(node, bob, ItEnvironment.PASSWORD, "desk");
        try {
            PushNotificationsManager push = PushNotificationsManager.getInstanceFor(phone);
            assertTrue(push.isSupported(), "urn:xmpp:push:0 in the account's disco#info");
            HashMap<String, String> options = new HashMap<>(Map.of("secret", "eruio234vzxc2kla-91"));
            assertTrue(push.enable(service, "phone-node", options), "enable answered with a result");
            assertTrue(phone.isSmResumptionPossible(), "the server offered resumption");

            double detached = NodeScrape.sample(node, "xmpp_sm_sessions_detached");
            phone.instantShutdown();
            awaitMetric("xmpp_sm_sessions_detached", detached + 1);

            long sent = System.nanoTime();
            friend.sendStanza(MessageBuilder.buildMessage("while-asleep").to(JidCreate.entityBareFrom(alice + "@localhost"))
                    .ofType(Message.Type.chat).setBody("are you awake?").build());
            TestAppServer.Received notification = publishTo("phone-node", WAIT);
            assertNotNull(notification, "no notification reached the app server");
            long millis = TimeUnit.NANOSECONDS.toMillis(notification.atNanos() - sent);
            System.out.println("push-notification-latency-ms=" + millis);
            assertTrue(millis < 1000, "the notification took " + millis + " ms");

            Element iq = notification.stanza();
            assertEquals("set", iq.attr("type"));
            assertEquals(alice + "@localhost", iq.attr("from"), "published from the user's bare JID");
            assertEquals(Map.of("FORM_TYPE", Push.SUMMARY, "message-count", "1",
                    "last-message-sender", bob + "@localhost/desk"), Push.summaryOf(iq),
                    "the summary, without the body (include-body is off)");
            Element options2 = iq.child("pubsub", PUBSUB).child("publish-options", PUBSUB);
            assertNotNull(options2, iq::toString);
            assertTrue(options2.toString().contains("eruio234vzxc2kla-91"), options2::toString);

            phone.connect().login();
            assertTrue(phone.streamWasResumed(), "Smack resumed its stream");
            Message got = inbox.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(got, "the message did not come after the resumption");
            assertEquals("are you awake?", got.getBody());

            // Resumed and connected again: a message now is not notified.
            friend.sendStanza(MessageBuilder.buildMessage("awake").to(JidCreate.entityBareFrom(alice + "@localhost"))
                    .ofType(Message.Type.chat).setBody("good").build());
            assertEquals("good", inbox.poll(WAIT.toSeconds(), TimeUnit.SECONDS).getBody());
            assertNull(publishTo("phone-node", Duration.ofSeconds(1)), "a connected resource is not notified");
        } finally {
            phone.disconnect();
            friend.disconnect();
        }
    }

    @Test
    void aMessageStoredOfflineIsNotifiedAndDeliveredAtTheNextLogin() throws Exception {
        String alice = ItEnvironment.newUser(node, "offline");
        String bob = ItEnvironment.newUser(node, "friend");
        XMPPTCPConnection phone = ItEnvironment.connectStartTls(node, alice, ItEnvironment.PASSWORD, "phone");
        assertTrue(PushNotificationsManager.getInstanceFor(phone).enable(service, "offline-node"));
        phone.disconnect();
        XMPPTCPConnection friend = ItEnvironment.connectStartTls(node, bob, ItEnvironment.PASSWORD, "desk");
        try {
            long sent = System.nanoTime();
            friend.sendStanza(MessageBuilder.buildMessage("stored").to(JidCreate.entityBareFrom(alice + "@localhost"))
                    .ofType(Message.Type.chat).setBody("call me").build());
            TestAppServer.Received notification = publishTo("offline-node", WAIT);
            assertNotNull(notification, "no notification for a message stored offline");
            System.out.println("push-offline-notification-latency-ms="
                    + TimeUnit.NANOSECONDS.toMillis(notification.atNanos() - sent));
            assertEquals("1", Push.summaryOf(notification.stanza()).get("message-count"));

            BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
            XMPPTCPConnection back = ItEnvironment.connectStartTls(node, alice, ItEnvironment.PASSWORD, "phone",
                    c -> c.addAsyncStanzaListener(s -> inbox.add((Message) s),
                            s -> s instanceof Message m && m.getBody() != null));
            try {
                Message got = inbox.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(got, "the stored message was not delivered");
                assertEquals("call me", got.getBody());
            } finally {
                back.disconnect();
            }
        } finally {
            friend.disconnect();
        }
    }

    @Test
    void aDisabledRegistrationAndOneTheAppServerRefusedAreNotNotifiedAgain() throws Exception {
        String alice = ItEnvironment.newUser(node, "disabled");
        String carol = ItEnvironment.newUser(node, "refused");
        String bob = ItEnvironment.newUser(node, "friend");
        XMPPTCPConnection a = ItEnvironment.connectStartTls(node, alice, ItEnvironment.PASSWORD, "phone");
        PushNotificationsManager aPush = PushNotificationsManager.getInstanceFor(a);
        assertTrue(aPush.enable(service, "disabled-node"));
        assertTrue(aPush.disableAll(service));
        a.disconnect();
        XMPPTCPConnection c = ItEnvironment.connectStartTls(node, carol, ItEnvironment.PASSWORD, "phone");
        assertTrue(PushNotificationsManager.getInstanceFor(c).enable(service, "refused-node"));
        c.disconnect();
        XMPPTCPConnection friend = ItEnvironment.connectStartTls(node, bob, ItEnvironment.PASSWORD, "desk");
        try {
            friend.sendStanza(MessageBuilder.buildMessage().to(JidCreate.entityBareFrom(alice + "@localhost"))
                    .ofType(Message.Type.chat).setBody("anyone?").build());
            // The app server no longer knows this node: it refuses the first notification.
            appServer.refuseNextWith = "item-not-found";
            friend.sendStanza(MessageBuilder.buildMessage().to(JidCreate.entityBareFrom(carol + "@localhost"))
                    .ofType(Message.Type.chat).setBody("first").build());
            assertNotNull(publishTo("refused-node", WAIT), "the first message to carol was notified");
            awaitMetric("xmpp_push_answers_total{outcome=\"error-disabled\"}", 1);
            friend.sendStanza(MessageBuilder.buildMessage().to(JidCreate.entityBareFrom(carol + "@localhost"))
                    .ofType(Message.Type.chat).setBody("second").build());
            assertNull(publishTo("refused-node", Duration.ofSeconds(2)), "a refused registration is disabled");
            assertFalse(appServer.received.stream().anyMatch(r -> isPublishTo(r.stanza(), "disabled-node")),
                    "a disabled registration got a notification");
        } finally {
            friend.disconnect();
        }
    }

    /** The next publish to this node the app server gets within the timeout, or null; others are left alone. */
    private static TestAppServer.Received publishTo(String pushNode, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (TestAppServer.Received r : appServer.received) {
                if (isPublishTo(r.stanza(), pushNode)) {
                    appServer.received.remove(r);
                    return r;
                }
            }
            Thread.sleep(5);
        }
        return null;
    }

    private static boolean isPublishTo(Element stanza, String pushNode) {
        Element pubsub = stanza.child("pubsub", PUBSUB);
        Element publish = pubsub == null ? null : pubsub.child("publish", PUBSUB);
        return publish != null && pushNode.equals(publish.attr("node"));
    }

    private static void awaitMetric(String name, double atLeast) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (NodeScrape.sample(node, name) < atLeast) {
            assertTrue(System.nanoTime() < deadline, name + " never reached " + atLeast);
            Thread.sleep(20);
        }
    }
}

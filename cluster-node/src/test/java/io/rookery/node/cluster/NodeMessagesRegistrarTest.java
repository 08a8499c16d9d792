package io.rookery.node.cluster;

import io.rookery.node.user.SessionProtocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.user.UserEntity;
import io.rookery.persistence.kryo.RookeryKryoSerializer;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Text;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The messages that cross nodes go through Rookery's Kryo serializer and come back equal. */
class NodeMessagesRegistrarTest {
    private static ActorTestKit testKit;
    private static Serialization serialization;

    @BeforeAll
    static void start() {
        testKit = ActorTestKit.create(ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.port = 0
                pekko.loglevel = WARNING
                """).withFallback(ConfigFactory.load()));
        serialization = SerializationExtension.get(testKit.system());
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    private static Object roundTrip(Object message) {
        var serializer = serialization.findSerializerFor(message);
        assertTrue(serializer instanceof RookeryKryoSerializer, () -> message.getClass() + " uses " + serializer);
        byte[] bytes = serializer.toBinary(message);
        return serialization.deserialize(bytes, serializer.identifier(), "").get();
    }

    private static final Element STANZA = new Element("message", "jabber:client",
            Map.of("from", "alice@localhost/desk", "to", "bob@localhost", "type", "chat"),
            List.of(Element.builder("body", "jabber:client").text("hi <there> & \u00e9\ud83d\ude00").build(),
                    new Text("mixed "),
                    Element.builder("x", "urn:example:deep")
                            .child(Element.builder("y", "urn:example:deep").attr("a", "").build()).build()));

    @Test
    void anElementTreeWithTextAttributesAndNamespacesComesBackEqual() throws Exception {
        UserEntity.Deliver back = (UserEntity.Deliver) roundTrip(
                new UserEntity.Deliver(STANZA, Jid.parse("bob@localhost")));
        assertEquals(STANZA, back.stanza());
        assertEquals("bob@localhost", back.to().toString());
    }

    @Test
    void everyEntityCommandAndReplyComesBackEqual() throws Exception {
        TestProbe<Object> probe = testKit.createTestProbe();
        var ref = probe.getRef().unsafeUpcast();
        ScramCredentials creds = ScramCredentials.derive(ScramHash.SHA_256, "secret", new byte[16], 4096);
        List<Object> messages = List.of(
                new UserEntity.CreateAccount(List.of(creds), ref.narrow()),
                new UserEntity.ChangePassword(List.of(creds), ref.narrow()),
                new UserEntity.DeleteAccount(ref.narrow()),
                new UserEntity.GetCredentials(ScramHash.SHA_512, ref.narrow()),
                new UserEntity.GetLoginCredentials(ScramHash.SHA_256, ref.narrow()),
                new UserEntity.SetDisabled(true, ref.narrow()),
                new UserEntity.SetDisabled(false, ref.narrow()),
                new UserEntity.BindResource("desk", ref.narrow(), ref.narrow()),
                new UserEntity.UnbindResource("desk", ref.narrow()),
                new UserEntity.OwnPresence("desk", STANZA),
                new UserEntity.OwnIq("desk", STANZA),
                new UserEntity.OutboundSubscription(STANZA, Jid.parse("carol@localhost")),
                new UserEntity.SentMessage("desk", STANZA),
                new UserEntity.Reattach("desk", ref.narrow(), STANZA, 3, ref.narrow()),
                new UserEntity.AccountResult(UserEntity.AccountStatus.ALREADY_EXISTS),
                new UserEntity.Bound("desk", ref.narrow()),
                new UserEntity.NoAccount(),
                new UserEntity.Superseded(),
                new SessionProtocol.Deliver(STANZA),
                new SessionProtocol.Kicked(SessionProtocol.Kick.SYSTEM_SHUTDOWN),
                new SessionProtocol.PartMirrored("blocking",
                        new io.rookery.persistence.blocking.Blocklist(List.of("spam@example.org", "example.net"))),
                new SessionProtocol.PartMirrored("blocking", null),
                UserEntity.Passivate.INSTANCE,
                new UserEntity.ResumeSession("desk", new SessionProtocol.TakeOver(Jid.parse("alice@localhost"),
                        "abc.ZGVzaw", 7, ref.narrow(), ref.narrow())),
                SessionProtocol.ResumeAnswer.NOT_FOUND,
                SessionProtocol.ResumeAnswer.RECOVER,
                new SessionProtocol.DeliverKept(STANZA, 77, ref.narrow(), 12),
                new UserEntity.StreamKept("desk"),
                new UserEntity.ResourceDetached("phone", ref.narrow()),
                new UserEntity.SessionLost("desk", "pekko://Rookery@127.0.0.1:2552", "abc.ZGVzaw"),
                new UserEntity.SessionLost("desk", null, null),
                new SessionProtocol.Handled(42),
                new io.rookery.node.bosh.BoshRelay.Forward("<body xmlns='http://jabber.org/protocol/httpbind'/>",
                        0x7f000001L, ref.narrow()),
                new io.rookery.node.bosh.BoshRelay.Reply(404, ""),
                new UserEntity.Deliver(STANZA, Jid.parse("bob@localhost"), 123, ref.narrow(), 9, false),
                new UserEntity.Deliver(STANZA, Jid.parse("bob@localhost"), 123, ref.narrow(), 9, false, 2),
                UserEntity.Deliver.handedBack(STANZA, Jid.parse("bob@localhost/desk")),
                new SessionProtocol.ResumeAnswer(null, "<failed/>", null),
                new SessionProtocol.ResumeAnswer(new SessionProtocol.Handover(Jid.parse("alice@localhost/desk"),
                        STANZA, "<resumed/>", new java.util.ArrayList<>(List.of(STANZA, STANZA)), null, 5,
                        new java.util.ArrayList<>(List.of(Jid.parse("carol@localhost"))),
                        new java.util.ArrayList<>(List.of(new SessionProtocol.PartMirrored("blocking",
                                new io.rookery.persistence.blocking.Blocklist(List.of("spam@example.org"))))),
                        true, ref.narrow()), null, null));
        for (Object m : messages) assertEquals(m, roundTrip(m), m.getClass().getName());
    }

    @Test
    void optionalCredentialsAndAnUnavailableSessionComeBack() {
        ScramCredentials creds = ScramCredentials.derive(ScramHash.SHA_1, "pw", new byte[] {1, 2, 3}, 4096);
        UserEntity.CredentialsResult present = (UserEntity.CredentialsResult) roundTrip(
                new UserEntity.CredentialsResult(Optional.of(creds)));
        assertArrayEquals(creds.storedKey(), present.credentials().orElseThrow().storedKey());
        assertEquals(Optional.empty(),
                ((UserEntity.CredentialsResult) roundTrip(new UserEntity.CredentialsResult(Optional.empty())))
                        .credentials());
        UserEntity.LoginCredentials disabled = (UserEntity.LoginCredentials) roundTrip(
                new UserEntity.LoginCredentials(Optional.of(creds), true));
        assertArrayEquals(creds.serverKey(), disabled.credentials().orElseThrow().serverKey());
        assertEquals(true, disabled.disabled());
        UserEntity.LoginCredentials unknown = (UserEntity.LoginCredentials) roundTrip(
                new UserEntity.LoginCredentials(Optional.empty(), false));
        assertEquals(Optional.empty(), unknown.credentials());
        assertEquals(false, unknown.disabled());
        TestProbe<SessionProtocol.Message> session = testKit.createTestProbe();
        UserEntity.Reattach unavailable = (UserEntity.Reattach) roundTrip(
                new UserEntity.Reattach("desk", session.getRef(), null, 0, testKit.<UserEntity.BindResult>createTestProbe().getRef()));
        assertNull(unavailable.presence());
        assertEquals(session.getRef(), unavailable.session());
    }
}

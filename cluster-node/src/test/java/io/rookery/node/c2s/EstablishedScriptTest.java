package io.rookery.node.c2s;

import io.rookery.protocol.jid.Jid;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RFC 6120 §8-§10 and RFC 6121 as conversations of a bound session. */
class EstablishedScriptTest {

    @Test
    void theServerAnswersAPingAndRefusesAnIqWithoutAnId() {
        Jid alice = Scripts.node().newAccount("alice");
        Scripts.bound(alice, "desk")
                .sends("<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
                .receives("<iq type='result' id='p1' from='localhost' to='" + alice + "/desk'/>")
                .sends("<iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
                .receives("<iq type='error' from='localhost' to='" + alice + "/desk'><ping xmlns='urn:xmpp:ping'/>"
                        + "<error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
                        + "</iq>");
    }

    @Test
    void aChatReachesTheOtherUserWithFromStampedByTheServer() {
        Jid alice = Scripts.node().newAccount("alice");
        Jid bob = Scripts.node().newAccount("bob");
        Conversation b = Scripts.bound(bob, "phone");
        Scripts.bound(alice, "desk")
                .sends("<message type='chat' to='" + bob + "/phone' from='mallory@localhost/x'><body>hi</body>"
                        + "</message>");
        b.receives("<message type='chat' to='" + bob + "/phone' from='" + alice + "/desk'><body>hi</body></message>");
    }

    @Test
    void anIqThatReachesASessionAsItClosesIsAnsweredServiceUnavailable() {
        Jid alice = Scripts.node().newAccount("alice");
        Jid bob = Scripts.node().newAccount("bob");
        Conversation phone = Scripts.bound(bob, "phone");
        // Routed to alice/desk the instant its stream closed: the account most likely forwards it to the session,
        // whose unbind it has not taken yet (its messages to the session come before the unbind's answer), and
        // the session answers (RFC 6121 §8.5.3.2.3, XEP-0206 §11) rather than drop it; had the account taken the
        // resource off first, it answers the same itself. Either way the sender is not left waiting.
        Scripts.bound(alice, "desk").closesStream();
        Scripts.node().router.route(io.rookery.protocol.xml.StoredXml.parse("<iq xmlns='jabber:client' type='get'"
                + " id='q1' from='" + bob + "/phone' to='" + alice + "/desk'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>"));
        phone.receives("<iq type='error' id='q1' from='" + alice + "/desk' to='" + bob + "/phone'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'/><error type='cancel'>"
                + "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
    }

    @Test
    void aMessageToTheServerIsServiceUnavailableAndAMalformedJidIsRefused() {
        Jid alice = Scripts.node().newAccount("alice");
        Scripts.bound(alice, "desk")
                .sends("<message to='localhost' id='m1'><body>hello server</body></message>")
                .receives("<message type='error' id='m1' from='localhost' to='" + alice + "/desk'>"
                        + "<body>hello server</body><error type='cancel'>"
                        + "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
                .sends("<message to='a@b@c' id='m2'><body>x</body></message>")
                // From the server that found the address malformed, not from the malformed string itself.
                .receives("<message type='error' id='m2' from='localhost' to='" + alice + "/desk'><body>x</body>"
                        + "<error type='modify'><jid-malformed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                        + "</error></message>");
    }

    @Test
    void aNonStanzaIsAnUnsupportedStanzaTypeAndTheClosingTagIsAnswered() {
        Jid alice = Scripts.node().newAccount("alice");
        Scripts.bound(alice, "desk")
                .sends("<foo xmlns='urn:example:foo'/>")
                .receives("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<unsupported-stanza-type xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>")
                .receivesStreamEnd();
        Scripts.bound(Scripts.node().newAccount("carol"), "desk")
                .closesStream()
                .receivesStreamEnd()
                .asksTheStageTo(ConnectionStage.Out.CLOSE)
                .receivesNothingMore(Duration.ofMillis(200));
    }
}

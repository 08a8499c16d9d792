package io.rookery.node.c2s;

import io.rookery.protocol.jid.Jid;
import org.junit.jupiter.api.Test;

/** RFC 6120 §6 as conversations: SASL success and its failures, and what may not come before it. */
class AuthenticatingScriptTest {
    private static final String FAILURE = "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>";

    private static Conversation offeredMechanisms() {
        return Scripts.conversation(false, Scripts.PLAIN_TCP).opensStream().receivesStreamHeader()
                .receives("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                        + Scripts.MECHANISMS_ON_PLAIN_TCP + "</stream:features>");
    }

    private static String auth(Jid user, String password) {
        return "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + Scripts.plain(user, password)
                + "</auth>";
    }

    @Test
    void theRightPasswordSucceedsAndTheStreamRestartsIntoBinding() {
        Jid alice = Scripts.node().newAccount("alice");
        offeredMechanisms()
                .sends(auth(alice, "pw"))
                .receives("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
                .asksTheStageTo(ConnectionStage.Out.RESTART_STREAM)
                .opensStream()
                .receivesStreamHeader()
                .receives(Scripts.FEATURES_AFTER_AUTH);
    }

    @Test
    void aWrongPasswordIsNotAuthorizedAndTheThirdEndsTheStream() {
        Jid alice = Scripts.node().newAccount("alice");
        offeredMechanisms()
                .sends(auth(alice, "nope"))
                .receives(FAILURE + "<not-authorized/></failure>")
                .sends(auth(alice, "still not"))
                .receives(FAILURE + "<not-authorized/></failure>")
                .sends(auth(alice, "never"))
                .receives(FAILURE + "<not-authorized/></failure>")
                .receives("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                        + "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>too many failed authentication attempts"
                        + "</text></stream:error>")
                .receivesStreamEnd();
    }

    @Test
    void aMechanismNotOfferedIsInvalidAndBadBase64IsIncorrectEncoding() {
        offeredMechanisms()
                .sends("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='DIGEST-MD5'/>")
                .receives(FAILURE + "<invalid-mechanism/></failure>")
                .sends("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>!!!</auth>")
                .receives(FAILURE + "<incorrect-encoding/></failure>")
                .sends("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
                .receives(FAILURE + "<malformed-request/></failure>");
    }

    @Test
    void registrationSwitchedOffIsServiceUnavailableAndOtherStanzasEndTheStream() {
        offeredMechanisms()
                .sends("<iq type='get' id='r1'><query xmlns='jabber:iq:register'/></iq>")
                .receives("<iq type='error' id='r1'><query xmlns='jabber:iq:register'/>"
                        + "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                        + "</error></iq>")
                .sends("<presence/>")
                .receives("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>")
                .receivesStreamEnd();
    }
}

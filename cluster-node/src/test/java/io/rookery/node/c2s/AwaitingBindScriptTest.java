package io.rookery.node.c2s;

import io.rookery.protocol.jid.Jid;
import org.junit.jupiter.api.Test;

/** RFC 6120 §7 as conversations: binding the client's resource or one the server makes. */
class AwaitingBindScriptTest {

    @Test
    void theRequestedResourceIsBound() {
        Jid alice = Scripts.node().newAccount("alice");
        Scripts.authenticated(alice)
                .sends("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                        + "<resource>desk</resource></bind></iq>")
                .receives("<iq type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>" + alice
                        + "/desk</jid></bind></iq>")
                .asksTheStageTo(ConnectionStage.Out.ESTABLISHED);
    }

    @Test
    void withoutAResourceTheServerMakesOne() {
        Jid alice = Scripts.node().newAccount("alice");
        String jid = Scripts.authenticated(alice)
                .sends("<iq type='set' id='b2'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>")
                .receivesElement().child("bind", "urn:ietf:params:xml:ns:xmpp-bind")
                .childText("jid", "urn:ietf:params:xml:ns:xmpp-bind");
        org.junit.jupiter.api.Assertions.assertTrue(jid.startsWith(alice + "/rookery-"), jid);
    }

    @Test
    void anythingButBindingBeforeIsNotAuthorized() {
        Jid alice = Scripts.node().newAccount("alice");
        Scripts.authenticated(alice)
                .sends("<message to='bob@localhost'><body>too early</body></message>")
                .receives("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>")
                .receivesStreamEnd();
    }
}

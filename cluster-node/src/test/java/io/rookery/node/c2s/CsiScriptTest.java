package io.rookery.node.c2s;

import io.rookery.protocol.jid.Jid;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** XEP-0352 as conversations of a session: what an inactive client gets, when, and in which order. */
class CsiScriptTest {
    private static final String CSI = "urn:xmpp:csi:0";
    private static final String STATES = "http://jabber.org/protocol/chatstates";

    private static String chatState(Jid to, String state) {
        return "<message type='chat' to='" + to + "'><" + state + " xmlns='" + STATES + "'/></message>";
    }

    @Test
    void chatStatesWaitForTheNextMessageWithABodyAndOnlyTheLatestComes() {
        Jid alice = Scripts.node().newAccount("alice");
        Jid bob = Scripts.node().newAccount("bob");
        Conversation phone = Scripts.bound(alice, "phone")
                .sends("<inactive xmlns='" + CSI + "'/>")
                .sends("<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
                .receives("<iq type='result' id='p1' from='localhost' to='" + alice + "/phone'/>");
        Jid full = Jid.parseOrNull(alice + "/phone");
        Conversation desk = Scripts.bound(bob, "desk")
                .sends(chatState(full, "composing"))
                .sends(chatState(full, "paused"));
        phone.receivesNothingMore(Duration.ofMillis(300));
        desk.sends("<message type='chat' to='" + full + "' id='m1'><body>hi</body></message>");
        phone.receives("<message type='chat' to='" + full + "' from='" + bob + "/desk'><paused xmlns='" + STATES
                        + "'/></message>")
                .receives("<message type='chat' to='" + full + "' id='m1' from='" + bob + "/desk'><body>hi</body>"
                        + "</message>");
        // Active again: a chat state comes as it is sent.
        phone.sends("<active xmlns='" + CSI + "'/>");
        desk.sends(chatState(full, "gone"));
        phone.receives("<message type='chat' to='" + full + "' from='" + bob + "/desk'><gone xmlns='" + STATES
                + "'/></message>");
    }

    @Test
    void activeReleasesWhatWasHeldAndAClientThatSaidItWasInactiveBeforeBindingIsHeldFromTheStart() {
        Jid alice = Scripts.node().newAccount("alice");
        Jid bob = Scripts.node().newAccount("bob");
        Jid full = Jid.parseOrNull(alice + "/phone");
        Conversation phone = Scripts.authenticated(alice)
                .sends("<inactive xmlns='" + CSI + "'/>")
                .sends("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>phone"
                        + "</resource></bind></iq>")
                .receives("<iq type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>" + full
                        + "</jid></bind></iq>");
        Scripts.bound(bob, "desk").sends(chatState(full, "composing"));
        phone.receivesNothingMore(Duration.ofMillis(300))
                .sends("<active xmlns='" + CSI + "'/>")
                .receives("<message type='chat' to='" + full + "' from='" + bob + "/desk'><composing xmlns='"
                        + STATES + "'/></message>");
    }

    @Test
    void anUnknownElementOfTheNamespaceEndsTheStream() {
        Scripts.bound(Scripts.node().newAccount("alice"), "phone")
                .sends("<asleep xmlns='" + CSI + "'/>")
                .receives("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<unsupported-stanza-type xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>")
                .receivesStreamEnd();
    }
}

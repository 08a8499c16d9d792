package io.rookery.node.c2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A session whose client stopped reading, as the stage reports it: the session unbinds, tells the stage it writes
 * nothing more, and routes the messages the stage never wrote to the account again, which stores them for the next
 * login since no other resource is available.
 */
class SlowConsumerScriptTest {

    @Test
    void theMessagesADroppedClientNeverGotAreStoredForItsNextLogin() {
        Jid alice = Scripts.node().newAccount("alice");
        Jid bob = Scripts.node().newAccount("bob");
        Conversation desk = Scripts.bound(alice, "desk");
        Scripts.bound(bob, "phone")
                .sends("<message type='chat' id='m1' to='" + alice + "/desk'><body>one</body></message>")
                .sends("<message type='error' id='e1' to='" + alice + "/desk'><body>not kept</body></message>");
        desk.receives("<message type='chat' id='m1' to='" + alice + "/desk' from='" + bob + "/phone'>"
                        + "<body>one</body></message>")
                .receives("<message type='error' id='e1' to='" + alice + "/desk' from='" + bob + "/phone'>"
                        + "<body>not kept</body></message>");
        List<Element> written = desk.messagesWritten();
        assertEquals(List.of("m1"), written.stream().map(m -> m.attr("id")).toList(),
                "only messages that are not errors are kept for a hand-back");

        desk.stageDropsOutput()
                .asksTheStageTo(ConnectionStage.Out.DRAIN)
                .stageHandsBack(written)
                .receivesNothingMore(Duration.ofMillis(200));

        Conversation phone = Scripts.bound(alice, "phone").sends("<presence/>");
        Element got = null;
        for (int i = 0; i < 5 && got == null; i++) {
            Element e = phone.receivesElement();
            if ("message".equals(e.name())) got = e;
        }
        assertNotNull(got, "the handed-back message was not stored for the next login");
        assertEquals("m1", got.attr("id"));
        assertEquals("one", got.childText("body", Namespaces.CLIENT));
        assertNotNull(got.child("delay", "urn:xmpp:delay"), "stored offline: " + got);
    }
}

package io.rookery.node.c2s;

import io.rookery.protocol.jid.Jid;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** XEP-0077 §3 as a conversation on a stream not yet authenticated: the form, a new account, a taken name. */
class RegistrationScriptTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final Map<String, Object> OPEN = Map.of("rookery.c2s.require-tls", false,
            "rookery.c2s.allow-plain-without-tls", true, "rookery.registration.enabled", true);

    private static Conversation offeredRegistration() {
        return Scripts.conversation(false, OPEN).opensStream().receivesStreamHeader()
                .receives("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                        + Scripts.MECHANISMS_ON_PLAIN_TCP
                        + "<register xmlns='http://jabber.org/features/iq-register'/></stream:features>");
    }

    private static String register(String id, String user, String password) {
        return "<iq type='set' id='" + id + "'><query xmlns='jabber:iq:register'><username>" + user
                + "</username><password>" + password + "</password></query></iq>";
    }

    @Test
    void theFormThenANewAccountThatLogsInAndATakenNameIsAConflict() throws Exception {
        String name = "newcomer-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
        offeredRegistration()
                .sends("<iq type='get' id='r1'><query xmlns='jabber:iq:register'/></iq>")
                .receives("<iq type='result' id='r1'><query xmlns='jabber:iq:register'>"
                        + "<instructions>{any}</instructions><username/><password/></query></iq>")
                .sends(register("r2", name, "s3cret"))
                .receives("<iq type='result' id='r2'/>")
                .sends(register("r3", name, "other"))
                .receives("<iq type='error' id='r3'>" + "<query xmlns='jabber:iq:register'><username>" + name
                        + "</username><password>other</password></query><error type='cancel'>"
                        + "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
                .sends("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                        + Scripts.plain(Jid.parse(name + "@localhost"), "s3cret") + "</auth>")
                .receives("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    }

    @Test
    void anEmptyPasswordIsNotAcceptableAndRemovalIsNotAuthorized() {
        offeredRegistration()
                .sends(register("r4", "someone", ""))
                .receives("<iq type='error' id='r4'><query xmlns='jabber:iq:register'><username>someone</username>"
                        + "<password/></query><error type='modify'>"
                        + "<not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
                .sends("<iq type='set' id='r5'><query xmlns='jabber:iq:register'><remove/></query></iq>")
                .receives("<iq type='error' id='r5'><query xmlns='jabber:iq:register'><remove/></query>"
                        + "<error type='auth'><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
                        + "</iq>");
    }
}

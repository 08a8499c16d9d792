package io.rookery.node.c2s;

import io.rookery.protocol.jid.Jid;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** XEP-0077 §3 as a conversation on a stream not yet authenticated: the form, a new account, a taken name. */
class RegistrationScriptTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final long ADDRESS_X = 0xFFFF_FFFF_C000_0201L; // 192.0.2.1
    private static final long ADDRESS_Y = 0xFFFF_FFFF_C633_6401L; // 198.51.100.1
    private static final Map<String, Object> OPEN = Map.of("rookery.c2s.require-tls", false,
            "rookery.c2s.allow-plain-without-tls", true, "rookery.registration.enabled", true);

    private static Conversation offeredRegistration() {
        return offered(Scripts.conversation(false, OPEN));
    }

    private static Conversation offered(Conversation c) {
        return c.opensStream().receivesStreamHeader()
                .receives("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                        + Scripts.MECHANISMS_ON_PLAIN_TCP
                        + "<register xmlns='http://jabber.org/features/iq-register'/></stream:features>");
    }

    private static String name() {
        return "newcomer-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    }

    private static String register(String id, String user, String password) {
        return "<iq type='set' id='" + id + "'><query xmlns='jabber:iq:register'><username>" + user
                + "</username><password>" + password + "</password></query></iq>";
    }

    @Test
    void theFormThenANewAccountThatLogsInAndATakenNameIsAConflict() throws Exception {
        String name = name();
        offeredRegistration()
                .sends("<iq type='get' id='r1'><query xmlns='jabber:iq:register'/></iq>")
                .receives("<iq type='result' id='r1'><query xmlns='jabber:iq:register'>"
                        + "<instructions>{any}</instructions><username/><password/></query></iq>")
                .sends(register("r2", name, "s3cret"))
                .receives("<iq type='result' id='r2'/>")
                .sends("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                        + Scripts.plain(Jid.parse(name + "@localhost"), "s3cret") + "</auth>")
                .receives("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        offeredRegistration()
                .sends(register("r3", name, "other"))
                .receives("<iq type='error' id='r3'>" + "<query xmlns='jabber:iq:register'><username>" + name
                        + "</username><password>other</password></query><error type='cancel'>"
                        + "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
                // A taken name registered nothing: the connection may still register another.
                .sends(register("r4", name(), "other"))
                .receives("<iq type='result' id='r4'/>");
    }

    @Test
    void aConnectionRegistersOneAccountAndASecondIsNotAcceptable() {
        offeredRegistration()
                .sends(register("r1", name(), "s3cret"))
                .receives("<iq type='result' id='r1'/>")
                .sends(register("r2", "another", "s3cret"))
                .receives("<iq type='error' id='r2'><query xmlns='jabber:iq:register'><username>another</username>"
                        + "<password>s3cret</password></query><error type='cancel'>"
                        + "<not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                        + "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>{any}</text></error></iq>");
    }

    @Test
    void anAddressPastItsLimitMustWaitWhileAnotherStillRegisters() {
        Map<String, Object> limited = new java.util.HashMap<>(OPEN);
        limited.put("rookery.modules.register.max-per-address", 2);
        SessionServices services = Conversation.services(Scripts.node(), false, limited);
        for (int i = 1; i <= 2; i++) {
            offered(new Conversation(Scripts.node(), services, ADDRESS_X))
                    .sends(register("r" + i, name(), "s3cret"))
                    .receives("<iq type='result' id='r" + i + "'/>");
        }
        offered(new Conversation(Scripts.node(), services, ADDRESS_X))
                .sends(register("r3", "third", "s3cret"))
                .receives("<iq type='error' id='r3'><query xmlns='jabber:iq:register'><username>third</username>"
                        + "<password>s3cret</password></query><error type='wait'>"
                        + "<resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                        + "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>{any}</text></error></iq>");
        offered(new Conversation(Scripts.node(), services, ADDRESS_Y))
                .sends(register("r4", name(), "s3cret"))
                .receives("<iq type='result' id='r4'/>");
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

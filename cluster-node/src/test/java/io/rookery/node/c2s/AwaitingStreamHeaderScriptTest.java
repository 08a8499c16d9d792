package io.rookery.node.c2s;

import org.junit.jupiter.api.Test;

/** RFC 6120 §4.2-§4.3 as conversations: the header answered with ours and the features of the next step. */
class AwaitingStreamHeaderScriptTest {

    @Test
    void aHeaderToAnotherDomainEndsTheStreamWithHostUnknown() {
        Scripts.conversation(true, Scripts.DEFAULTS)
                .opensStream("example.org")
                .receivesStreamHeader()
                .receives("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>")
                .receivesStreamEnd()
                .asksTheStageTo(ConnectionStage.Out.CLOSE);
    }

    @Test
    void withTlsRequiredStartTlsIsTheOnlyFeature() {
        Scripts.conversation(true, Scripts.DEFAULTS)
                .opensStream()
                .receivesStreamHeader()
                .receives("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
                        + "</stream:features>");
    }

    @Test
    void withTlsOptionalStartTlsIsOfferedBesideTheMechanismsButPlainIsNot() {
        Scripts.conversation(true, java.util.Map.of("rookery.c2s.require-tls", false))
                .opensStream()
                .receivesStreamHeader()
                .receives("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
                        + "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                        + "<mechanism>SCRAM-SHA-512</mechanism><mechanism>SCRAM-SHA-256</mechanism>"
                        + "<mechanism>SCRAM-SHA-1</mechanism></mechanisms>"
                        + Scripts.sasl2("SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1") + "</stream:features>");
    }

    @Test
    void registrationIsOfferedBeforeAuthenticationWhereItIsEnabled() {
        Scripts.conversation(false, java.util.Map.of("rookery.c2s.require-tls", false,
                        "rookery.c2s.allow-plain-without-tls", true, "rookery.registration.enabled", true))
                .opensStream()
                .receivesStreamHeader()
                .receives("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                        + Scripts.MECHANISMS_ON_PLAIN_TCP
                        + "<register xmlns='http://jabber.org/features/iq-register'/></stream:features>");
    }
}

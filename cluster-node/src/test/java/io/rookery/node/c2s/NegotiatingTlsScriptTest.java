package io.rookery.node.c2s;

import org.junit.jupiter.api.Test;

/** RFC 6120 §5 as conversations: nothing but STARTTLS first, then the stream restarts inside TLS. */
class NegotiatingTlsScriptTest {
    private static final java.util.Map<String, Object> BINDING =
            java.util.Map.of("rookery.c2s.channel-binding", "tls-server-end-point");

    private static Conversation offeredStartTls() {
        return offeredStartTls(Scripts.DEFAULTS);
    }

    private static Conversation offeredStartTls(java.util.Map<String, Object> settings) {
        return Scripts.conversation(true, settings).opensStream().receivesStreamHeader()
                .receives("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
                        + "</stream:features>");
    }

    @Test
    void startTlsIsAnsweredWithProceedAndTheNewStreamInsideTlsOffersTheMechanisms() {
        offeredStartTls(BINDING)
                .sends("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
                .receives("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
                .asksTheStageTo(ConnectionStage.Out.START_TLS)
                .completesTls()
                .opensStream()
                .receivesStreamHeader()
                // Channel binding data is known now, so the -PLUS mechanisms come first (RFC 5802 §6); PLAIN too.
                .receives("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                        + "<mechanism>SCRAM-SHA-512-PLUS</mechanism><mechanism>SCRAM-SHA-256-PLUS</mechanism>"
                        + "<mechanism>SCRAM-SHA-1-PLUS</mechanism><mechanism>SCRAM-SHA-512</mechanism>"
                        + "<mechanism>SCRAM-SHA-256</mechanism><mechanism>SCRAM-SHA-1</mechanism>"
                        + "<mechanism>PLAIN</mechanism></mechanisms>"
                        // XEP-0440: the type those -PLUS mechanisms bind with.
                        + "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>"
                        + "<channel-binding type='tls-server-end-point'/></sasl-channel-binding>"
                        + Scripts.sasl2WithTokens(java.util.List.of("HT-SHA-256-ENDP", "HT-SHA-256-NONE"),
                                "SCRAM-SHA-512-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-512",
                                "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN")
                        + "</stream:features>");
    }

    @Test
    void byDefaultNoChannelBindingIsOfferedSoClientsThatBindOtherwiseStillLogIn() {
        offeredStartTls()
                .sends("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
                .receives("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
                .asksTheStageTo(ConnectionStage.Out.START_TLS)
                .completesTls()
                .opensStream()
                .receivesStreamHeader()
                .receives("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                        + "<mechanism>SCRAM-SHA-512</mechanism><mechanism>SCRAM-SHA-256</mechanism>"
                        + "<mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms>"
                        + Scripts.sasl2WithTokens(java.util.List.of("HT-SHA-256-NONE"), "SCRAM-SHA-512",
                                "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN")
                        + "</stream:features>")
                // A -PLUS name that was not offered is not taken (RFC 6120 §6.4.2 invalid-mechanism).
                .sends("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256-PLUS'>"
                        + "cD10bHMtdW5pcXVlLCxuPWFsaWNlLHI9YWJj</auth>")
                .receives("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><invalid-mechanism/></failure>");
    }

    @Test
    void saslBeforeTlsFailsWithEncryptionRequiredAndTheStreamStays() {
        offeredStartTls()
                .sends("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>")
                .receives("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><encryption-required/></failure>")
                .sends("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
                .receives("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    }

    @Test
    void aStanzaBeforeTlsIsNotAuthorized() {
        offeredStartTls()
                .sends("<message to='someone@localhost'><body>hi</body></message>")
                .receives("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>")
                .receivesStreamEnd();
    }

    @Test
    void anythingElseIsAPolicyViolation() {
        offeredStartTls()
                .sends("<compress xmlns='http://jabber.org/protocol/compress'><method>zlib</method></compress>")
                .receives("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                        + "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>STARTTLS is required</text>"
                        + "</stream:error>")
                .receivesStreamEnd();
    }
}

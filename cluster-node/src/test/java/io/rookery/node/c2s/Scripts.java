package io.rookery.node.c2s;

import io.rookery.node.user.SingleNode;
import io.rookery.protocol.jid.Jid;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** What the conversation scripts share: one node for all of them, settings per script, logins in few lines. */
final class Scripts {
    /** STARTTLS required, as by default; the TLS handshake itself is the stage's and is only reported. */
    static final Map<String, Object> DEFAULTS = Map.of();
    /** Plain TCP allowed, PLAIN on it too: the scripts can authenticate without a TLS engine. */
    static final Map<String, Object> PLAIN_TCP = Map.of("rookery.c2s.require-tls", false,
            "rookery.c2s.allow-plain-without-tls", true);

    private static SingleNode node;

    private Scripts() {}

    static synchronized SingleNode node() {
        if (node == null) {
            node = SingleNode.start();
            Runtime.getRuntime().addShutdownHook(new Thread(node::close));
        }
        return node;
    }

    static Conversation conversation(boolean tls, Map<String, Object> settings) {
        SingleNode n = node();
        return new Conversation(n, Conversation.services(n, tls, settings));
    }

    /** The SASL PLAIN initial response for a user of {@link SingleNode#newAccount} (password "pw"). */
    static String plain(Jid user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user.local() + "\0" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The mechanisms a plain-TCP stream is offered when PLAIN is allowed on it, strongest first. */
    static final String MECHANISMS_ON_PLAIN_TCP = "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            + "<mechanism>SCRAM-SHA-512</mechanism><mechanism>SCRAM-SHA-256</mechanism>"
            + "<mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms>"
            + sasl2("SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN");

    /** XEP-0388's feature with these mechanisms, and Bind 2 (carbons, XEP-0198 and XEP-0352 inline) and XEP-0198 inline. */
    static String sasl2(String... mechanisms) {
        return sasl2WithTokens(java.util.List.of(), mechanisms);
    }

    /** The same over TLS, where XEP-0484 tokens are offered inline with these mechanisms. */
    static String sasl2WithTokens(java.util.List<String> tokenMechanisms, String... mechanisms) {
        StringBuilder out = new StringBuilder("<authentication xmlns='urn:xmpp:sasl:2'>");
        for (String m : mechanisms) out.append("<mechanism>").append(m).append("</mechanism>");
        out.append("<inline><bind xmlns='urn:xmpp:bind:0'><inline><feature var='urn:xmpp:carbons:2'/>"
                + "<feature var='urn:xmpp:sm:3'/><feature var='urn:xmpp:csi:0'/></inline></bind>"
                + "<sm xmlns='urn:xmpp:sm:3'/>");
        if (!tokenMechanisms.isEmpty()) {
            out.append("<fast xmlns='urn:xmpp:fast:0'>");
            for (String m : tokenMechanisms) out.append("<mechanism>").append(m).append("</mechanism>");
            out.append("</fast>");
        }
        return out.append("</inline></authentication>").toString();
    }

    static final String FEATURES_AFTER_AUTH = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
            + "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
            + "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>"
            + "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://rookery.io' ver='{any}'/>"
            + "<csi xmlns='urn:xmpp:csi:0'/>"
            + "<sub xmlns='urn:xmpp:features:pre-approval'/>"
            + "<ver xmlns='urn:xmpp:features:rosterver'/>"
            + "<sm xmlns='urn:xmpp:sm:3'/>"
            + "</stream:features>";

    /** A conversation over plain TCP that authenticated as this user and is awaiting bind. */
    static Conversation authenticated(Jid user) {
        return authenticate(conversation(false, PLAIN_TCP), user);
    }

    private static Conversation authenticate(Conversation c, Jid user) {
        return c.opensStream().receivesStreamHeader()
                .receives("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                        + MECHANISMS_ON_PLAIN_TCP + "</stream:features>")
                .sends("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain(user, "pw") + "</auth>")
                .receives("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
                .asksTheStageTo(ConnectionStage.Out.RESTART_STREAM)
                .opensStream().receivesStreamHeader()
                .receives(FEATURES_AFTER_AUTH);
    }

    /** A conversation bound as user/resource, its bind result read. */
    static Conversation bound(Jid user, String resource) {
        return authenticate(conversation(false, PLAIN_TCP), user)
                .sends("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + resource
                        + "</resource></bind></iq>")
                .receives("<iq type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>" + user
                        + "/" + resource + "</jid></bind></iq>");
    }
}

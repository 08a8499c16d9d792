package io.rookery.node.routing;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.List;

/** The server's own iq handlers: XEP-0199 ping and XEP-0030 service discovery; everything else is unavailable. */
public final class ServerHandlers {
    private final List<String> features;

    public ServerHandlers(boolean registrationEnabled) {
        List<String> f = new ArrayList<>(List.of(Namespaces.DISCO_INFO, Namespaces.DISCO_ITEMS, Namespaces.PING));
        if (registrationEnabled) f.add(Namespaces.REGISTER);
        this.features = List.copyOf(f);
    }

    public List<String> features() {
        return features;
    }

    /** Answer to an iq get/set addressed to the server's domain. */
    public Element serverIq(Element iq) {
        Element payload = iq.elements().isEmpty() ? null : iq.elements().get(0);
        String type = iq.attr("type");
        if (payload != null && "get".equals(type)) {
            if ("ping".equals(payload.name()) && Namespaces.PING.equals(payload.namespace())) {
                return Stanzas.iqResult(iq, null);
            }
            if ("query".equals(payload.name()) && Namespaces.DISCO_INFO.equals(payload.namespace())
                    && payload.attr("node") == null) {
                Element.Builder q = Element.builder("query", Namespaces.DISCO_INFO)
                        .child(Element.builder("identity", Namespaces.DISCO_INFO)
                                .attr("category", "server").attr("type", "im").attr("name", "Rookery").build());
                for (String f : features) {
                    q.child(Element.builder("feature", Namespaces.DISCO_INFO).attr("var", f).build());
                }
                return Stanzas.iqResult(iq, q.build());
            }
            if ("query".equals(payload.name()) && Namespaces.DISCO_ITEMS.equals(payload.namespace())
                    && payload.attr("node") == null) {
                return Stanzas.iqResult(iq, Element.of("query", Namespaces.DISCO_ITEMS));
            }
        }
        return Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE));
    }

    /** Answer to an iq get/set addressed to an account's bare JID (RFC 6121 §8.5.2.1.3). */
    public static Element accountIq(Element iq) {
        Element payload = iq.elements().isEmpty() ? null : iq.elements().get(0);
        if (payload != null && "get".equals(iq.attr("type"))) {
            if ("ping".equals(payload.name()) && Namespaces.PING.equals(payload.namespace())) {
                return Stanzas.iqResult(iq, null);
            }
            if ("query".equals(payload.name()) && Namespaces.DISCO_INFO.equals(payload.namespace())
                    && payload.attr("node") == null) {
                return Stanzas.iqResult(iq, Element.builder("query", Namespaces.DISCO_INFO)
                        .child(Element.builder("identity", Namespaces.DISCO_INFO)
                                .attr("category", "account").attr("type", "registered").build())
                        .child(Element.builder("feature", Namespaces.DISCO_INFO)
                                .attr("var", Namespaces.DISCO_INFO).build())
                        .build());
            }
        }
        return Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE));
    }
}

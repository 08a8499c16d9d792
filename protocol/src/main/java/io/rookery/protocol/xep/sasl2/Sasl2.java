package io.rookery.protocol.xep.sasl2;

import io.rookery.protocol.sasl.SaslCondition;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.XmlWriter;
import java.util.Base64;
import java.util.List;

/** XEP-0388's elements: what the server writes, and the client's {@code <authenticate/>} read into a record. */
public final class Sasl2 {
    public static final String NS = "urn:xmpp:sasl:2";
    /** XEP-0386 Bind 2. */
    public static final String BIND_NS = "urn:xmpp:bind:0";

    private Sasl2() {}

    /**
     * §2.1: {@code <authentication/>} with the mechanisms and, inside {@code <inline/>}, what may be negotiated with
     * the authentication (inlineXml: already serialized children, e.g. Bind 2's feature and XEP-0198's).
     */
    public static String feature(List<String> mechanisms, String inlineXml) {
        StringBuilder out = new StringBuilder(160).append("<authentication xmlns='").append(NS).append("'>");
        for (String m : mechanisms) {
            out.append("<mechanism>");
            XmlWriter.escapeText(m, out);
            out.append("</mechanism>");
        }
        if (inlineXml != null && !inlineXml.isEmpty()) out.append("<inline>").append(inlineXml).append("</inline>");
        return out.append("</authentication>").toString();
    }

    /** XEP-0386 §3.1: the Bind 2 inline feature, listing the namespaces a bind request may enable inline. */
    public static String bindFeature(List<String> inlineVars) {
        StringBuilder out = new StringBuilder(96).append("<bind xmlns='").append(BIND_NS).append("'>");
        if (!inlineVars.isEmpty()) {
            out.append("<inline>");
            for (String var : inlineVars) {
                out.append("<feature var='");
                XmlWriter.escapeAttr(var, out);
                out.append("'/>");
            }
            out.append("</inline>");
        }
        return out.append("</bind>").toString();
    }

    public static String challenge(byte[] data) {
        return "<challenge xmlns='" + NS + "'>" + Base64.getEncoder().encodeToString(data) + "</challenge>";
    }

    /**
     * §2.6.1: the outcome of a successful negotiation. additionalData: the mechanism's final data (null: none);
     * identifier: the bare JID, or the full one once a resource is bound; extra: inline results (Bind 2's
     * {@code <bound/>}, XEP-0198's {@code <resumed/>} or {@code <failed/>}), already serialized.
     */
    public static String success(byte[] additionalData, String identifier, String extra) {
        StringBuilder out = new StringBuilder(160).append("<success xmlns='").append(NS).append("'>");
        if (additionalData != null && additionalData.length > 0) {
            out.append("<additional-data>").append(Base64.getEncoder().encodeToString(additionalData))
                    .append("</additional-data>");
        }
        out.append("<authorization-identifier>");
        XmlWriter.escapeText(identifier, out);
        out.append("</authorization-identifier>");
        if (extra != null) out.append(extra);
        return out.append("</success>").toString();
    }

    /** §2.6.2: one of RFC 6120 §6.5's conditions, and an optional text. */
    public static String failure(SaslCondition condition, String text) {
        StringBuilder out = new StringBuilder(128).append("<failure xmlns='").append(NS).append("'><")
                .append(condition.elementName()).append(" xmlns='").append(Namespaces.SASL).append("'/>");
        if (text != null) {
            out.append("<text>");
            XmlWriter.escapeText(text, out);
            out.append("</text>");
        }
        return out.append("</failure>").toString();
    }

    /** XEP-0386 §3.2: what the bind did inline ({@code <enabled/>} of XEP-0198 and the like), already serialized. */
    public static String bound(String inner) {
        return inner == null || inner.isEmpty() ? "<bound xmlns='" + BIND_NS + "'/>"
                : "<bound xmlns='" + BIND_NS + "'>" + inner + "</bound>";
    }

    /**
     * The client's {@code <authenticate/>} (§2.3): the mechanism, the initial response (null when absent, empty
     * when the element is empty), the user agent's id (null when none was given), and the inline requests:
     * Bind 2's {@code <bind/>} and XEP-0198's {@code <resume/>} (each null when absent), and every other child in
     * another namespace (FAST's, for instance) in {@code others}.
     */
    public record Authenticate(String mechanism, byte[] initialResponse, String userAgentId, String software,
            String device, Element bind, Element resume, List<Element> others) {

        /** Null when the element is not a well-formed request (no mechanism, or an initial response not base64). */
        public static Authenticate read(Element e) {
            String mechanism = e.attr("mechanism");
            if (mechanism == null || mechanism.isEmpty()) return null;
            byte[] initial = null;
            Element ir = e.child("initial-response", NS);
            if (ir != null) {
                // §2.2: no line wrapping is expected, but whitespace around the text is harmless.
                String text = ir.text() == null ? "" : ir.text().replaceAll("\\s", "");
                try {
                    initial = Base64.getDecoder().decode(text);
                } catch (IllegalArgumentException bad) {
                    return null;
                }
            }
            String agentId = null;
            String software = null;
            String device = null;
            Element agent = e.child("user-agent", NS);
            if (agent != null) {
                agentId = agent.attr("id");
                software = agent.childText("software", NS);
                device = agent.childText("device", NS);
            }
            Element bind = e.child("bind", BIND_NS);
            Element resume = e.child("resume", "urn:xmpp:sm:3");
            List<Element> others = new java.util.ArrayList<>(2);
            for (Element child : e.elements()) {
                if (!NS.equals(child.namespace()) && child != bind && child != resume) others.add(child);
            }
            return new Authenticate(mechanism, initial, agentId, software, device, bind, resume, List.copyOf(others));
        }
    }
}
